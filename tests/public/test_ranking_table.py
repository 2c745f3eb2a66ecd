"""The ranking table's rules without a database: ties, filters, search, sorting, pages."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from portal.public.ranking import (
    TableQuery,
    build_table,
    fold,
    population_class,
)


def fake(name, *, rank=None, score=None, woj="02", powiat="0201", population=10_000,
         p05=None, p95=None, category="2"):
    voivodeship = SimpleNamespace(code=woj, name=f"WOJ {woj}", display_name=f"woj {woj}")
    county = SimpleNamespace(code=powiat, name=f"powiat {powiat}", voivodeship=voivodeship)
    gmina = SimpleNamespace(name=name, teryt6=f"{powiat}01", powiat=county)
    return SimpleNamespace(
        gmina=gmina, ranked=rank is not None, rank_national=rank, rank_category=rank,
        published_score=None if score is None else Decimal(score), population=population,
        rank_p05=p05, rank_p95=p95, category=category, not_ranked_reason=None)


ENTRIES = [
    fake("Łódź", rank=1, score="80", woj="10", powiat="1061", population=680_000, p05=1, p95=2.4),
    fake("Alwernia", rank=2, score="70", population=3_000),
    fake("Żary", rank=2, score="70", woj="08", powiat="0811", population=40_000),
    fake("Bieruń", rank=4, score="60", population=19_999),
    fake("Czersk", score=None, population=None),
]


def names(table):
    return [row.entry.gmina.name for row in table.rows]


def test_tied_gminy_share_a_place_shown_as_a_range():
    table = build_table(ENTRIES, TableQuery(), with_intervals=False)
    ranks = {row.entry.gmina.name: (row.rank, row.rank_last, row.ex_aequo) for row in table.rows}
    assert ranks["Alwernia"] == (2, 3, True)
    assert ranks["Żary"] == (2, 3, True)
    assert ranks["Bieruń"] == (4, 4, False)
    assert ranks["Czersk"] == (None, None, False)


def test_ties_are_counted_over_the_whole_table_not_the_filtered_rows():
    query = TableQuery(search="alwernia")
    table = build_table(ENTRIES, query, with_intervals=False)
    assert [(row.rank, row.rank_last) for row in table.rows] == [(2, 3)]


def test_search_ignores_case_and_polish_diacritics():
    assert names(build_table(ENTRIES, TableQuery(search="lodz"), with_intervals=False)) == ["Łódź"]
    assert names(build_table(ENTRIES, TableQuery(search="ŻAR"), with_intervals=False)) == ["Żary"]
    assert fold("Łęczna") == "leczna"


def test_filters_by_voivodeship_powiat_and_population_class():
    assert names(build_table(ENTRIES, TableQuery(voivodeship="08"), with_intervals=False)) == [
        "Żary"]
    assert names(build_table(ENTRIES, TableQuery(powiat="1061"), with_intervals=False)) == [
        "Łódź"]
    small = build_table(ENTRIES, TableQuery(population="5-20-tys"), with_intervals=False)
    assert names(small) == ["Bieruń"]


def test_powiat_options_follow_the_chosen_voivodeship():
    table = build_table(ENTRIES, TableQuery(voivodeship="10"), with_intervals=False)
    assert table.powiats == [("1061", "powiat 1061")]
    assert ("08", "woj 08") in table.voivodeships


@pytest.mark.parametrize("population, expected", [
    (4_999, "do-5-tys"), (5_000, "5-20-tys"), (19_999, "5-20-tys"), (20_000, "20-50-tys"),
    (99_999, "50-100-tys"), (100_000, "od-100-tys"), (None, None)])
def test_population_classes_have_closed_lower_bounds(population, expected):
    assert population_class(population) == expected


def test_default_order_is_by_rank_with_not_ranked_last_and_ties_by_name():
    table = build_table(ENTRIES, TableQuery(), with_intervals=False)
    assert names(table) == ["Łódź", "Alwernia", "Żary", "Bieruń", "Czersk"]


def test_sorting_by_name_descending_and_by_population():
    by_name = build_table(ENTRIES, TableQuery(sort="nazwa", descending=True), with_intervals=False)
    assert names(by_name) == ["Żary", "Łódź", "Czersk", "Bieruń", "Alwernia"]
    by_population = build_table(ENTRIES, TableQuery(sort="ludnosc"), with_intervals=False)
    assert names(by_population) == ["Alwernia", "Bieruń", "Żary", "Łódź", "Czersk"]


def test_pages_cut_the_sorted_rows():
    query = TableQuery(per_page=50)
    many = [fake(f"Gmina {i:03d}", rank=i + 1, score=str(200 - i)) for i in range(120)]
    table = build_table(many, TableQuery(per_page=50, page=3), with_intervals=False)
    assert table.pages == 3 and table.total == 120
    assert names(table)[0] == "Gmina 100"
    assert len(build_table(many, TableQuery(per_page=0), with_intervals=False).rows) == 120
    assert query.args(strona=2) == {"strona": 2}


def test_intervals_are_whole_places_around_the_rank():
    table = build_table(ENTRIES, TableQuery(), with_intervals=True)
    assert table.rows[0].interval == (1, 3)
    assert build_table(ENTRIES, TableQuery(), with_intervals=False).rows[0].interval is None


def test_query_parameters_are_validated_and_unknown_values_ignored():
    query = TableQuery.from_args({"kategoria": "wiejskie", "sort": "drop table", "strona": "x",
                                  "woj": "2", "powiat": "0201", "na_stronie": "7",
                                  "ludnosc": "olbrzymie", "kierunek": "malejaco"})
    assert query.category == "2"
    assert (query.sort, query.page, query.voivodeship, query.powiat) == ("miejsce", 1, "", "0201")
    assert (query.per_page, query.population, query.descending) == (50, "", True)


def test_sort_links_toggle_direction_and_mark_the_sorted_column():
    query = TableQuery(sort="nazwa")
    assert query.sort_args("nazwa") == {"sort": "nazwa", "kierunek": "malejaco"}
    assert query.sort_args("wynik") == {"sort": "wynik", "kierunek": "malejaco"}
    assert query.aria_sort("nazwa") == "ascending"
    assert query.aria_sort("wynik") is None
