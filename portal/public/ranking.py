"""The published ranking table: filters, search, sorting, pagination and ex aequo labels.

Pure functions over loaded entries, so the page needs the same few queries for 5 or 2,500
gminy and everything here is testable without a database.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

NATIONAL = "krajowy"
# URL slug -> RankingEntry.category ("mnpp": miasta na prawach powiatu)
CATEGORY_SLUGS = {"miejskie": "1", "wiejskie": "2", "miejsko-wiejskie": "3", "mnpp": "mnpp"}
CATEGORY_LABELS = {
    "1": _l("gminy miejskie"),
    "2": _l("gminy wiejskie"),
    "3": _l("gminy miejsko-wiejskie"),
    "mnpp": _l("miasta na prawach powiatu"),
}
# (slug, label, lowest population, highest population exclusive)
POPULATION_CLASSES = (
    ("do-5-tys", _l("poniżej 5 tys."), 0, 5_000),
    ("5-20-tys", _l("5–20 tys."), 5_000, 20_000),
    ("20-50-tys", _l("20–50 tys."), 20_000, 50_000),
    ("50-100-tys", _l("50–100 tys."), 50_000, 100_000),
    ("od-100-tys", _l("100 tys. i więcej"), 100_000, math.inf),
)
SORT_COLUMNS = ("miejsce", "nazwa", "wynik", "wojewodztwo", "powiat", "ludnosc")
PAGE_SIZES = (50, 100, 0)  # 0: all
DEFAULT_PAGE_SIZE = 50


def category_label(code: str) -> str:
    return str(CATEGORY_LABELS.get(code, code))


def category_slug(code: str) -> str:
    return next((slug for slug, value in CATEGORY_SLUGS.items() if value == code), code)


def population_class(population: int | None) -> str | None:
    if population is None:
        return None
    return next(slug for slug, _, low, high in POPULATION_CLASSES if low <= population < high)


def fold(text: str) -> str:
    """Lower case without diacritics, so "lodz" finds "Łódź" (ł has no decomposition)."""
    text = text.casefold().replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@dataclass(frozen=True)
class TableQuery:
    """The ranking page's query parameters, validated: unknown values fall back to defaults."""

    table: str = NATIONAL  # NATIONAL or a category slug
    search: str = ""
    voivodeship: str = ""  # 2-digit code
    powiat: str = ""  # 4-digit code
    population: str = ""  # a POPULATION_CLASSES slug
    sort: str = "miejsce"
    descending: bool = False
    page: int = 1
    per_page: int = DEFAULT_PAGE_SIZE

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> TableQuery:
        table = args.get("kategoria", NATIONAL)
        population = args.get("ludnosc", "")
        sort = args.get("sort", "miejsce")
        return cls(
            table=table if table in CATEGORY_SLUGS else NATIONAL,
            search=args.get("q", "").strip()[:100],
            voivodeship=_digits(args.get("woj", ""), 2),
            powiat=_digits(args.get("powiat", ""), 4),
            population=population if population in {c[0] for c in POPULATION_CLASSES} else "",
            sort=sort if sort in SORT_COLUMNS else "miejsce",
            descending=args.get("kierunek") == "malejaco",
            page=max(1, _int(args.get("strona"), 1)),
            per_page=_page_size(args.get("na_stronie")),
        )

    @property
    def category(self) -> str | None:
        """RankingEntry.category of the table, None for the national table."""
        return CATEGORY_SLUGS.get(self.table)

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query parameters of this view with `changes`, defaults left out (for url_for)."""
        values = {"kategoria": self.table, "q": self.search, "woj": self.voivodeship,
                  "powiat": self.powiat, "ludnosc": self.population, "sort": self.sort,
                  "kierunek": "malejaco" if self.descending else "", "strona": self.page,
                  "na_stronie": self.per_page}
        values.update(changes)
        defaults = {"kategoria": NATIONAL, "sort": "miejsce", "strona": 1,
                    "na_stronie": DEFAULT_PAGE_SIZE}
        return {k: v for k, v in values.items() if v not in ("", None) and defaults.get(k) != v}

    def sort_args(self, column: str) -> dict[str, Any]:
        """Link target of a column header: sort by it, or reverse the current order."""
        descending = not self.descending if column == self.sort else column == "wynik"
        return self.args(sort=column, kierunek="malejaco" if descending else "", strona=1)

    def aria_sort(self, column: str) -> str | None:
        if column != self.sort:
            return None
        return "descending" if self.descending else "ascending"

    @property
    def filtered(self) -> bool:
        return bool(self.search or self.voivodeship or self.powiat or self.population)


def _digits(value: str, length: int) -> str:
    return value if len(value) == length and value.isdigit() else ""


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _page_size(value: str | None) -> int:
    size = _int(value, DEFAULT_PAGE_SIZE)
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


@dataclass(frozen=True)
class Row:
    entry: Any  # RankingEntry with gmina, powiat and voivodeship loaded
    rank: int | None
    rank_last: int | None  # the last place of its tie, equal to rank when not tied
    interval: tuple[int, int] | None  # 5th..95th percentile rank, whole places

    @property
    def ex_aequo(self) -> bool:
        return self.rank is not None and self.rank_last != self.rank


@dataclass
class Table:
    rows: list[Row]  # the current page
    total: int  # rows matching the filters
    pages: int
    query: TableQuery
    voivodeships: list[tuple[str, str]] = field(default_factory=list)  # (code, name) options
    powiats: list[tuple[str, str]] = field(default_factory=list)


def build_table(entries: Sequence[Any], query: TableQuery, *, with_intervals: bool) -> Table:
    """Rank labels over all `entries` of the table, then filters, sorting and one page."""
    national = query.category is None
    rank_of: Callable[[Any], int | None] = (
        (lambda e: e.rank_national) if national else (lambda e: e.rank_category))
    ties = Counter(rank_of(e) for e in entries if e.ranked)
    rows = [_row(e, rank_of(e), ties, with_intervals) for e in entries]
    options = _filter_options(entries, query)
    rows = [row for row in rows if _matches(row.entry, query)]
    rows = _sorted(rows, query)
    total = len(rows)
    if query.per_page:
        pages = max(1, math.ceil(total / query.per_page))
        page = min(query.page, pages)
        rows = rows[(page - 1) * query.per_page: page * query.per_page]
    else:
        pages = 1
    return Table(rows, total, pages, query, *options)


def _row(entry: Any, rank: int | None, ties: Counter, with_intervals: bool) -> Row:
    if not entry.ranked or rank is None:
        return Row(entry, None, None, None)
    interval = None
    if with_intervals and entry.rank_p05 is not None and entry.rank_p95 is not None:
        interval = (max(1, math.floor(entry.rank_p05)), math.ceil(entry.rank_p95))
    return Row(entry, rank, rank + ties[rank] - 1, interval)


def _filter_options(entries: Sequence[Any], query: TableQuery):
    voivodeships = {e.gmina.powiat.voivodeship.code: e.gmina.powiat.voivodeship.display_name
                    for e in entries}
    powiats = {e.gmina.powiat.code: e.gmina.powiat.name for e in entries
               if not query.voivodeship or e.gmina.powiat.code[:2] == query.voivodeship}
    return sorted(voivodeships.items()), sorted(powiats.items(), key=lambda p: fold(p[1]))


def _matches(entry: Any, query: TableQuery) -> bool:
    gmina = entry.gmina
    if query.search and fold(query.search) not in fold(gmina.name):
        return False
    if query.voivodeship and gmina.powiat.voivodeship.code != query.voivodeship:
        return False
    if query.powiat and gmina.powiat.code != query.powiat:
        return False
    return not query.population or population_class(entry.population) == query.population


_SORT_KEYS: dict[str, Callable[[Row], Any]] = {
    "miejsce": lambda row: row.rank,
    "wynik": lambda row: row.entry.published_score,
    "nazwa": lambda row: fold(row.entry.gmina.name),
    "wojewodztwo": lambda row: fold(row.entry.gmina.powiat.voivodeship.name),
    "powiat": lambda row: fold(row.entry.gmina.powiat.name),
    "ludnosc": lambda row: row.entry.population,
}


def _sorted(rows: list[Row], query: TableQuery) -> list[Row]:
    """Stable sort on the column, name as the tie-break; empty values always last."""
    key = _SORT_KEYS[query.sort]
    by_name = sorted(rows, key=lambda row: (fold(row.entry.gmina.name), row.entry.gmina.teryt6))
    present = [row for row in by_name if key(row) is not None]
    empty = [row for row in by_name if key(row) is None]
    return sorted(present, key=key, reverse=query.descending) + empty
