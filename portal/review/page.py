"""What the reviewer sees of one submission: every relevant answer with its context and flags.

Built in a constant number of queries whatever the size of the submission or the edition.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, literal, select
from sqlalchemy.orm import joinedload

from portal.db import session
from portal.municipalities.models import Gmina, Population
from portal.questionnaires.definition import Item, Questionnaire, Section
from portal.questionnaires.evaluation import Evaluation
from portal.questionnaires.types import ITEM_TYPES
from portal.review import flags
from portal.review.models import AnswerReview, ReviewQuery, SubmissionSnapshot
from portal.review.snapshots import latest_snapshot
from portal.review.threads import queries_of
from portal.submissions import services as submissions
from portal.submissions.models import Answer, AnswerChange, Submission
from portal.submissions.workflow import State

NUMERIC = frozenset({"integer", "decimal", "money", "percent"})


@dataclass
class ItemRow:
    """One relevant item as the reviewer sees it."""

    item: Item
    section_key: str
    answer: Answer | None
    display: str
    previous_display: str | None = None
    change: str | None = None
    flags: list[flags.Flag] = field(default_factory=list)
    review: AnswerReview | None = None
    queries: list[ReviewQuery] = field(default_factory=list)

    @property
    def review_version(self) -> int:
        return self.review.version if self.review is not None else 0

    @property
    def open_query(self) -> ReviewQuery | None:
        return next((q for q in self.queries if q.is_open), None)

    @property
    def verified(self) -> bool:
        """Verified, and the answer has not changed since (derived, never stored)."""
        revision = self.answer.revision if self.answer is not None else 0
        return (self.review is not None and self.review.status == "verified"
                and self.review.verified_revision == revision)

    @property
    def status(self) -> str:
        if self.open_query is not None:
            return "queried"
        return "verified" if self.verified else "pending"

    @property
    def evidence(self) -> dict | None:
        return self.answer.evidence if self.answer is not None else None

    @property
    def file_meta(self) -> dict | None:
        if self.item.type == "file" and self.answer is not None:
            return self.answer.value
        return None


@dataclass
class ItemChange:
    item: Item
    old_display: str
    new_display: str
    actor: str
    at: datetime


@dataclass
class ReviewData:
    submission: Submission
    questionnaire: Questionnaire
    evaluation: Evaluation
    answers: dict[str, Answer]
    rows: list[ItemRow]
    previous: SubmissionSnapshot | None = None
    population: Population | None = None
    changes: list[ItemChange] = field(default_factory=list)

    def row(self, key: str) -> ItemRow:
        return next(row for row in self.rows if row.item.key == key)

    def section_rows(self, section_key: str) -> list[ItemRow]:
        return [row for row in self.rows if row.section_key == section_key]

    @property
    def sections(self) -> list[tuple[Section, list[ItemRow]]]:
        grouped = [(s, self.section_rows(s.key)) for s in self.questionnaire.sections]
        return [(section, rows) for section, rows in grouped if rows]

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def open_query_count(self) -> int:
        return self.count("queried")

    @property
    def flagged_count(self) -> int:
        return sum(1 for row in self.rows if row.flags)

    @property
    def ready_to_approve(self) -> bool:
        return bool(self.rows) and all(row.status == "verified" for row in self.rows)


def display(item: Item, value: Any, locale: str = "pl") -> str:
    """A stored JSON value as text, "—" when empty."""
    if value is None:
        return "—"
    if item.type == "file":
        return value.get("name", "?") if isinstance(value, dict) else "?"
    kind = ITEM_TYPES[item.type]
    try:
        text = kind.format(kind.from_json(value, item), item, locale)
    except (ValueError, TypeError):
        text = str(value)
    return text or "—"


def build_review(submission: Submission, *, locale: str = "pl",
                 with_flags: bool = True) -> ReviewData:
    """The reviewer's view of every relevant, answerable item, in questionnaire order."""
    questionnaire = submissions.definition_of(submission)
    answers = _answers(submission.id)
    evaluation = submissions.evaluate_submission(submission, answers)
    reviews = {r.item_key: r for r in session.scalars(
        select(AnswerReview).where(AnswerReview.submission_id == submission.id)
        .options(joinedload(AnswerReview.verified_by)))}
    queries: dict[str, list[ReviewQuery]] = defaultdict(list)
    for query in queries_of(submission.id):
        queries[query.item_key].append(query)
    rows = []
    for section in questionnaire.sections:
        for item in section.items:
            if item.type == "calculated" or not evaluation.relevant.get(item.key, True):
                continue
            answer = answers.get(item.key)
            rows.append(ItemRow(item=item, section_key=section.key, answer=answer,
                                display=display(item, answer.value if answer else None, locale),
                                review=reviews.get(item.key), queries=queries[item.key]))
    data = ReviewData(submission, questionnaire, evaluation, answers, rows)
    if with_flags:
        _add_context_and_flags(data, locale)
        data.changes = changes_since_return(data, locale)
    return data


def _answers(submission_id: int) -> dict[str, Answer]:
    return {a.item_key: a for a in session.scalars(
        select(Answer).where(Answer.submission_id == submission_id))}


def _add_context_and_flags(data: ReviewData, locale: str) -> None:
    submission = data.submission
    data.previous = latest_snapshot(submission.gmina_id, before_year=submission.edition.year)
    previous_values = data.previous.values if data.previous is not None else {}
    stored = {key: answer.value for key, answer in data.answers.items()}
    per_capita_keys = _per_capita_keys(data.questionnaire)
    # Only the bands a flag can use: this gmina's type, items shown with a number.
    wanted = {row.item.key for row in data.rows if row.item.key in per_capita_keys
              and flags.as_number(stored.get(row.item.key)) is not None}
    peer_bands, populations = _peer_bands(submission, wanted)
    data.population = populations.get(submission.gmina_id)
    labels = {key: item.label.get(locale) for key, item in data.questionnaire.items_by_key.items()}
    parts = flags.parts_flags(stored, labels)
    kind = submission.gmina.kind
    for row in data.rows:
        key, item = row.item.key, row.item
        value = stored.get(key)
        row.flags.extend(flags.soft_bound_flags(data.evaluation.warnings.get(key, [])))
        if key in previous_values:
            row.previous_display = display(item, previous_values[key], locale)
            if item.type in NUMERIC:
                row.change = _change_text(previous_values[key], value)
                change = flags.change_flag(previous_values[key], value)
                if change:
                    row.flags.append(change)
        if key in per_capita_keys:
            population = data.population.total if data.population else None
            flag = flags.percentile_flag(value, population, peer_bands.get((kind, key)))
            if flag:
                row.flags.append(flag)
        row.flags.extend(parts.get(key, []))
        evidence = flags.evidence_flag(item.evidence == "required", bool(row.evidence))
        if evidence:
            row.flags.append(evidence)


def _change_text(old: Any, new: Any) -> str | None:
    old_n, new_n = flags.as_number(old), flags.as_number(new)
    if old_n is None or new_n is None:
        return None
    ratio = flags.change_ratio(old_n, new_n)
    if ratio is None:
        return "0 → " + str(new_n) if new_n else "0"
    pct = (ratio * 100).quantize(Decimal(1))
    return f"+{pct}%" if pct > 0 else f"{pct}%"


def _per_capita_keys(questionnaire: Questionnaire) -> frozenset[str]:
    return frozenset(key for key, item in questionnaire.items_by_key.items()
                     if item.type == "money" or key in flags.PER_CAPITA_COUNTS)


# Percentile bands per (edition, gmina type, items), computed from the peers' answers. They
# only change when a peer is submitted, returned, approved or reopened (each bumps the
# submission's lock_version) or population is imported, so a one-row fingerprint of that state
# tells whether the bands computed earlier in this process still hold.
_BANDS_CACHE: dict[tuple, dict[tuple[int, str], flags.Band]] = {}
_BANDS_CACHE_SIZE = 64
# Returned submissions are being corrected (their answers change without a status change), so
# the bands compare with submitted and approved ones only.
PEER_STATES = (State.SUBMITTED, State.APPROVED)


def _peer_bands(submission: Submission, keys: set[str]
                ) -> tuple[dict[tuple[int, str], flags.Band], dict[int, Population]]:
    """Per-capita percentile bands of `keys` among the edition's submitted gminy of the
    submission's type (the only bands its flags compare with), and the gmina's population.

    Two queries when the bands are cached in this process, three when they are (re)computed.
    """
    kind = submission.gmina.kind
    peers = (select(Submission.gmina_id)
             .join(Gmina, Gmina.id == Submission.gmina_id)
             .where(Submission.edition_id == submission.edition_id,
                    Submission.status.in_(PEER_STATES), Gmina.kind == kind))
    peer_versions = (select(Submission.id, Submission.lock_version, Submission.submitted_at)
                     .join(Gmina, Gmina.id == Submission.gmina_id)
                     .where(Submission.edition_id == submission.edition_id,
                            Submission.status.in_(PEER_STATES), Gmina.kind == kind)
                     .subquery())
    state = session.execute(select(
        select(func.count()).select_from(peer_versions).scalar_subquery(),
        select(func.coalesce(func.sum(peer_versions.c.lock_version), 0)).scalar_subquery(),
        select(func.coalesce(func.sum(peer_versions.c.id), 0)).scalar_subquery(),
        select(func.max(peer_versions.c.submitted_at)).scalar_subquery(),
        select(func.count(Population.id)).scalar_subquery(),
        select(func.max(Population.imported_at)).scalar_subquery(),
    )).one()
    cache_key = (submission.edition_id, kind, frozenset(keys), tuple(map(str, state)))
    bands = _BANDS_CACHE.get(cache_key)
    if bands is not None:
        return bands, _populations([submission.gmina_id], submission.edition.year)
    populations = _populations(peers.union(select(literal(submission.gmina_id))),
                               submission.edition.year)
    bands = _compute_bands(submission, keys, populations)
    if len(_BANDS_CACHE) >= _BANDS_CACHE_SIZE:
        _BANDS_CACHE.clear()
    _BANDS_CACHE[cache_key] = bands
    return bands, populations


def _compute_bands(submission: Submission, keys: set[str],
                   populations: dict[int, Population]) -> dict[tuple[int, str], flags.Band]:
    kind = submission.gmina.kind
    rows = session.execute(
        select(Answer.item_key, Answer.value, Submission.gmina_id)
        .join(Submission, Submission.id == Answer.submission_id)
        .join(Gmina, Gmina.id == Submission.gmina_id)
        .where(Submission.edition_id == submission.edition_id,
               Submission.status.in_(PEER_STATES), Gmina.kind == kind,
               Answer.item_key.in_(keys))
    ).all()
    per_capita: dict[tuple[int, str], list[Decimal]] = defaultdict(list)
    for key, value, gmina_id in rows:
        number = flags.as_number(value)
        population = populations.get(gmina_id)
        if number is not None and population is not None and population.total:
            per_capita[(kind, key)].append(number / population.total)
    return flags.bands(per_capita)


def _populations(gmina_ids, year: int) -> dict[int, Population]:
    """Population of `year` or the nearest earlier year; failing that the earliest later one."""
    chosen: dict[int, Population] = {}
    for row in session.scalars(select(Population).where(Population.gmina_id.in_(gmina_ids))
                               .order_by(Population.gmina_id, Population.year)):
        best = chosen.get(row.gmina_id)
        if best is None or (row.year <= year and (best.year > year or row.year > best.year)):
            chosen[row.gmina_id] = row
    return chosen


def changes_since_return(data: ReviewData, locale: str = "pl") -> list[ItemChange]:
    """What the gmina changed since the last return, item by item: first old, last new value."""
    submission = data.submission
    if submission.returned_at is None or State(submission.status) != State.SUBMITTED:
        return []
    changes = session.scalars(
        select(AnswerChange)
        .where(AnswerChange.submission_id == submission.id,
               AnswerChange.at >= submission.returned_at)
        .options(joinedload(AnswerChange.actor))
        .order_by(AnswerChange.id)
    ).all()
    # A value and its document are told apart: each gets its own line.
    first: dict[tuple[str, bool], AnswerChange] = {}
    last: dict[tuple[str, bool], AnswerChange] = {}
    for change in changes:
        group = (change.item_key, change.kind == "evidence")
        first.setdefault(group, change)
        last[group] = change
    result = []
    for key, change in first.items():
        item = data.questionnaire.items_by_key.get(key[0])
        if item is None:
            continue
        old, new = _comparable(change.old_value, item), _comparable(last[key].new_value, item)
        if old == new:
            continue
        result.append(ItemChange(item=item, old_display=old, new_display=new,
                                 actor=last[key].actor.name if last[key].actor else "—",
                                 at=last[key].at))
    return result


def _comparable(value: Any, item: Item) -> str:
    if isinstance(value, dict) and set(value) == {"evidence"}:
        evidence = value["evidence"]
        if isinstance(evidence, dict):
            return _("dokument: %(name)s", name=evidence.get("name", "?"))
        return _("(bez dokumentu)")
    return display(item, value)
