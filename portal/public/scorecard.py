"""A gmina's scorecard: score, ranks, pillars, indicator breakdown, change and advice.

Built with a fixed number of queries whatever the number of gminy or indicators; the feedback
report is the same data in a printable file.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from portal.editions.models import Edition
from portal.municipalities.models import Gmina
from portal.public.advice import Advice, AdviceInvalid, AdviceRule, advice_for, parse_advice
from portal.public.queries import IndicatorStats, RankCounts, category_indicator_stats, rank_counts
from portal.questionnaires.definition import Questionnaire
from portal.questionnaires.versions import definition_for
from portal.review.snapshots import approved_snapshot
from portal.scoring import results
from portal.scoring.methodology import Methodology
from portal.scoring.models import RankingEntry, ScoringRun
from portal.scoring.yes_no import YesNo, yes_no_indicators

log = logging.getLogger(__name__)
STRENGTHS = 3  # how many strengths and weaknesses a scorecard lists


@dataclass
class IndicatorLine:
    id: str
    name: str
    pillar: str  # the pillar's name
    result: Any  # IndicatorResult
    stats: IndicatorStats | None  # the gmina's category
    yes_no: YesNo | None = None  # set when the value is a coded yes/no answer

    @property
    def share_yes(self) -> float | None:
        """Share of "yes" in the gmina's category, for a yes/no indicator."""
        if self.yes_no is None or self.stats is None:
            return None
        return self.yes_no.share_yes(self.stats.raw_mean)

    @property
    def decimals(self) -> int:
        """One number of decimals for the value and its comparison, by their size."""
        values = [self.result.raw]
        if self.stats is not None and self.stats.raw is not None:
            values += list(self.stats.raw)
        size = max((abs(v) for v in values if v is not None), default=0)
        return 0 if size >= 100 else 1 if size >= 10 else 2 if size >= 1 else 3

    @property
    def versus_median(self) -> float | None:
        """Normalised value minus the category median: what strengths and weaknesses use."""
        value = self.result.normalised
        if value is None or self.stats is None or self.stats.normalised is None:
            return None
        return value - self.stats.normalised[0]


@dataclass
class Change:
    comparable: bool
    previous: RankingEntry
    year: int
    score_delta: float | None = None
    rank_national_delta: int | None = None  # positive: moved up
    rank_category_delta: int | None = None


@dataclass
class Scorecard:
    run: ScoringRun
    edition: Edition
    gmina: Gmina
    entry: RankingEntry
    methodology: Methodology
    counts: RankCounts | None
    pillars: list[tuple[str, str, float | None]]  # (id, name, score)
    lines: list[IndicatorLine]
    strengths: list[IndicatorLine] = field(default_factory=list)
    weaknesses: list[IndicatorLine] = field(default_factory=list)
    change: Change | None = None
    advice: list[Advice] = field(default_factory=list)
    has_answers: bool = False

    @property
    def alone_in_category(self) -> bool:
        """The only ranked gmina of its type: its median is itself, so nothing to compare with."""
        return self.counts is not None and self.counts.category <= 1

    @property
    def demo(self) -> bool:
        return bool(self.run.uses_demo_data or (self.entry.flags or {}).get("demo"))

    @property
    def interval(self) -> tuple[int, int] | None:
        """The category rank's 5th–95th percentile interval in whole places, around the rank."""
        entry = self.entry
        if not entry.ranked or entry.rank_p05 is None or entry.rank_p95 is None:
            return None
        rank = entry.rank_category if self.methodology.rank_within_category else entry.rank_national
        low = min(max(1, math.floor(entry.rank_p05)), rank)
        high = max(math.ceil(entry.rank_p95), rank)
        return low, min(high, self.interval_total) if self.interval_total else high

    @property
    def interval_total(self) -> int:
        if self.counts is None:
            return 0
        if self.methodology.rank_within_category:
            return self.counts.category
        return self.counts.national

    @property
    def powiat_level_lines(self) -> list[IndicatorLine]:
        return [line for line in self.lines if line.result.powiat_level]


def build_scorecard(run: ScoringRun, edition: Edition, gmina: Gmina) -> Scorecard | None:
    """The scorecard of `gmina` in the published `run`; None when the gmina has no entry."""
    entry = results.entry_for(run, gmina)
    if entry is None:
        return None
    methodology = results.methodology_of(run)
    stats = category_indicator_stats(run, entry.category)
    names = {i.id: i.name or i.id for i in methodology.indicators}
    pillar_of = _pillar_names(methodology)
    yes_no = yes_no_indicators(methodology)
    lines = [IndicatorLine(r.indicator, names.get(r.indicator, r.indicator),
                           pillar_of.get(r.indicator, ""), r, stats.get(r.indicator),
                           yes_no.get(r.indicator))
             for r in entry.indicators]
    card = Scorecard(
        run=run, edition=edition, gmina=gmina, entry=entry, methodology=methodology,
        counts=rank_counts(run, entry) if entry.ranked else None,
        pillars=[(pid, name or pid, _score(entry.group_scores.get(pid)))
                 for pid, name in _pillars(methodology)],
        lines=lines,
    )
    card.strengths, card.weaknesses = strengths_and_weaknesses(lines)
    card.change = _change(run, entry, gmina, edition)
    questionnaire = definition_for(edition.questionnaire_version)
    snapshot = approved_snapshot(edition, gmina)
    card.has_answers = snapshot is not None
    if snapshot is not None:
        rules = advice_rules(run.methodology_text, questionnaire)
        card.advice = advice_for(rules, questionnaire, snapshot.values)
    return card


def strengths_and_weaknesses(lines: list[IndicatorLine], count: int = STRENGTHS
                             ) -> tuple[list[IndicatorLine], list[IndicatorLine]]:
    """Indicators furthest above and below the category median (normalised), best first."""
    compared = [line for line in lines if line.versus_median is not None]
    ordered = sorted(compared, key=lambda line: line.versus_median, reverse=True)
    strengths = [line for line in ordered if line.versus_median > 0][:count]
    weaknesses = [line for line in reversed(ordered) if line.versus_median < 0][:count]
    return strengths, weaknesses


def methodology_family(version: str) -> str:
    """Versions "2018.1" and "2018.3" are one family: their scores may be compared."""
    return version.split(".")[0]


def _change(run: ScoringRun, entry: RankingEntry, gmina: Gmina, edition: Edition) -> Change | None:
    previous = results.previous_published_entry(gmina, edition)
    if previous is None:
        return None
    year = previous.run.edition.year if previous.run.edition else edition.year - 1
    comparable = (methodology_family(previous.run.methodology_version)
                  == methodology_family(run.methodology_version))
    change = Change(comparable, previous, year)
    if not comparable:
        return change
    if entry.published_score is not None and previous.published_score is not None:
        change.score_delta = float(entry.published_score - previous.published_score)
    if entry.ranked and previous.ranked:
        change.rank_national_delta = previous.rank_national - entry.rank_national
        if previous.category == entry.category:
            change.rank_category_delta = previous.rank_category - entry.rank_category
    return change


def _pillars(methodology: Methodology) -> list[tuple[str, str]]:
    index = methodology.index.id
    return [(g.id, g.name) for g in methodology.groups if (g.parent or index) == index]


def _pillar_names(methodology: Methodology) -> dict[str, str]:
    """Indicator id -> the name of the pillar (top-level group) it belongs to."""
    index = methodology.index.id
    groups = {g.id: g for g in methodology.groups}

    def top(group_id: str) -> str:
        while group_id in groups and (groups[group_id].parent or index) != index:
            group_id = groups[group_id].parent
        group = groups.get(group_id)
        return (group.name or group.id) if group else ""

    return {i.id: top(i.group) for i in methodology.indicators}


def _score(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def advice_rules(methodology_text: str, questionnaire: Questionnaire) -> tuple[AdviceRule, ...]:
    """The `advice` rules of a stored methodology, checked against the questionnaire.

    Rules that do not fit the questionnaire are logged and left out rather than breaking the
    public pages; tests/public/test_advice.py keeps the shipped files valid.
    """
    try:
        return _advice_rules(methodology_text, questionnaire)
    except AdviceInvalid as error:
        log.error("advice rules of the published methodology are invalid: %s", error)
        return ()


@lru_cache(maxsize=16)
def _advice_rules(text: str, questionnaire: Questionnaire) -> tuple[AdviceRule, ...]:
    # A published run's text never changes and a Questionnaire is immutable: safe to keep.
    data = methodology_data(text)
    pillars = {g.get("id") for g in data.get("groups") or () if isinstance(g, dict)}
    return parse_advice(data.get("advice"), questionnaire, pillars)


@lru_cache(maxsize=16)
def methodology_data(text: str) -> dict:
    """The stored methodology YAML as a mapping (callers must not modify it)."""
    data = yaml.safe_load(text)
    return data if isinstance(data, dict) else {}


def scorecard_charts(card: Scorecard, locale: str = "pl") -> dict[str, Any]:
    """The scorecard's SVGs: the rank interval (dot_range) and the pillar bars (bar_chart)."""
    from flask_babel import gettext as _

    from portal.public.charts import bar_chart, dot_range

    charts: dict[str, Any] = {"interval": None, "pillars": None}
    interval, entry = card.interval, card.entry
    if interval is not None and card.interval_total:
        rank = (entry.rank_category if card.methodology.rank_within_category
                else entry.rank_national)
        charts["interval"] = dot_range(
            rank, interval[0], interval[1], card.interval_total, dom_id="przedzial",
            title=_("Miejsce i przedział niepewności (5.–95. percentyl)"), locale=locale)
    rows = [(name, score, card.methodology.scale) for _pid, name, score in card.pillars]
    if rows:
        charts["pillars"] = bar_chart(rows, title=_("Punkty w filarach"), dom_id="filary",
                                      unit=_("pkt"), locale=locale, no_data=_("brak danych"))
    return charts
