"""What the reviewer sees of one submission: every relevant answer with its status and flags,
and, for the section on screen, its values in words, last year's value and the change.

Built in a constant number of queries whatever the size of the submission or the edition.
"""

from __future__ import annotations

import json
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import Row, Select, bindparam, select
from sqlalchemy.orm import joinedload

from portal.auth.models import User
from portal.db import column_rows, session
from portal.questionnaires.definition import Item, Questionnaire, Section
from portal.questionnaires.evaluation import Evaluation
from portal.questionnaires.types import ITEM_TYPES
from portal.review import flags
from portal.review.item_html import render_section
from portal.review.models import AnswerReview, ReviewQuery
from portal.review.peers import Residents, peer_bands, residents_of
from portal.review.snapshots import PreviousValues, previous_values
from portal.review.threads import queries_of
from portal.submissions import services as submissions
from portal.submissions.models import AnswerChange, Submission
from portal.submissions.services import StoredAnswer
from portal.submissions.workflow import State

NUMERIC = frozenset({"integer", "decimal", "money", "percent"})


@dataclass
class ItemRow:
    """One relevant item as the reviewer sees it."""

    item: Item
    section_key: str
    answer: StoredAnswer | None  # the stored answer (submissions.services.answer_rows)
    display: str
    label: str = ""  # the item's label and unit in the page's language
    unit: str | None = None
    previous_display: str | None = None
    change: str | None = None
    flags: list[flags.Flag] = field(default_factory=list)
    review: Row | None = None  # status, revision and version, verified_at, verified_by_name
    queries: list[ReviewQuery] = field(default_factory=list)
    # Worked out once from the above (derived, never stored): the page reads them a few times
    # per row, and a row lives for one request or service call, while its review and queries
    # stay as loaded. `verified`: verified, and the answer has not changed since.
    open_query: ReviewQuery | None = field(init=False)
    verified: bool = field(init=False)
    status: str = field(init=False)  # queried | verified | pending

    def __post_init__(self) -> None:
        self.open_query = next((q for q in self.queries if q.is_open), None)
        revision = self.answer.revision if self.answer is not None else 0
        review = self.review
        self.verified = (review is not None and review.status == "verified"
                         and review.verified_revision == revision)
        self.status = ("queried" if self.open_query is not None
                       else "verified" if self.verified else "pending")

    @property
    def review_version(self) -> int:
        return self.review.version if self.review is not None else 0

    @property
    def evidence(self) -> dict | None:
        return self.answer.evidence if self.answer is not None else None

    @property
    def file_meta(self) -> dict | None:
        if self.item.type == "file" and self.answer is not None:
            return self.answer.value
        return None


@dataclass(frozen=True)
class SectionCounts:
    """A section's rows counted: the summary and the section navigation show them."""

    section: Section
    total: int
    statuses: Counter[str]
    flagged: int

    @property
    def to_review(self) -> int:
        return self.statuses["pending"] + self.statuses["queried"]


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
    answers: dict[str, StoredAnswer]  # item key -> the stored answer
    rows: list[ItemRow]
    # The sections whose rows carry their texts (display, last year's value, change) and their
    # flags; None: every section. The other rows have their status only, and their flags when
    # built with all_flags (a page shows one section; the summary counts flags).
    shown: frozenset[str] | None = None
    previous: PreviousValues | None = None  # last year's approved values
    population: Residents | None = None
    changes: list[ItemChange] = field(default_factory=list)
    locale: str = "pl"  # of the labels, units and values shown

    def row(self, key: str) -> ItemRow:
        return next(row for row in self.rows if row.item.key == key)

    def section_rows(self, section_key: str) -> list[ItemRow]:
        return [row for row in self.rows if row.section_key == section_key]

    @property
    def sections(self) -> list[tuple[Section, list[ItemRow]]]:
        """Sections with at least one row, each with its rows, in questionnaire order."""
        grouped: dict[str, list[ItemRow]] = defaultdict(list)
        for row in self.rows:
            grouped[row.section_key].append(row)
        return [(section, grouped[section.key]) for section in self.questionnaire.sections
                if section.key in grouped]

    def items_html(self, section: Section, *, may_decide: bool) -> Markup:
        """The section's rows as HTML (portal/review/item_html.py)."""
        return render_section(self, self.section_rows(section.key), may_decide=may_decide)

    def section_changes(self, section_key: str) -> list[ItemChange]:
        """The changes since the last return to items of this section."""
        return [change for change in self.changes
                if self.questionnaire.section_of[change.item.key].key == section_key]

    def progress(self) -> list[SectionCounts]:
        """Every section with at least one row, with its counts, in questionnaire order."""
        return [SectionCounts(section, len(rows), Counter(row.status for row in rows),
                                sum(1 for row in rows if row.flags))
                for section, rows in self.sections]

    def first_to_review(self) -> Section | None:
        """The first section with an answer still to verify (or else with an open query); None
        when every answer is verified."""
        sections = self.sections
        for wanted in ("pending", "queried"):
            for section, rows in sections:
                if any(row.status == wanted for row in rows):
                    return section
        return None

    def neighbours(self, section: Section) -> tuple[Section | None, Section | None]:
        """The sections before and after `section` among those with rows."""
        with_rows = [s for s, _rows in self.sections]
        index = with_rows.index(section)
        return (with_rows[index - 1] if index > 0 else None,
                with_rows[index + 1] if index + 1 < len(with_rows) else None)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    def status_counts(self) -> Counter[str]:
        """Rows per status in one pass, for a page that shows several counts."""
        return Counter(row.status for row in self.rows)

    @property
    def open_query_count(self) -> int:
        return self.count("queried")

    @property
    def flagged_count(self) -> int:
        return sum(1 for row in self.rows if row.flags)

    @property
    def ready_to_approve(self) -> bool:
        return bool(self.rows) and all(row.status == "verified" for row in self.rows)


_UNREAD = object()


def display(item: Item, value: Any, locale: str = "pl", read: Any = _UNREAD) -> str:
    """A stored JSON value as text, "—" when empty.

    `read`: the value as `from_json` gives it, when the caller has it already (the evaluation
    holds every relevant answer so), so that a page does not read each answer twice.
    """
    if value is None:
        return "—"
    if item.type == "file":
        return value.get("name", "?") if isinstance(value, dict) else "?"
    kind = ITEM_TYPES[item.type]
    try:
        text = kind.format(kind.from_json(value, item) if read is _UNREAD else read, item, locale)
    except (ValueError, TypeError):
        text = str(value)
    return text or "—"


def build_review(submission: Submission, *, locale: str = "pl", with_flags: bool = True,
                 shown: frozenset[str] | None = None, all_flags: bool = False) -> ReviewData:
    """The reviewer's view of every relevant, answerable item, in questionnaire order.

    `shown`: the sections whose rows get their texts in `locale` and, with `with_flags`, their
    flags (see ReviewData.shown); every row gets its status. `all_flags`: flags for every row
    (the summary counts them), shown or not.
    """
    questionnaire = submissions.definition_of(submission)
    # Answers and reviews as rows, not ORM objects (half to a third of the cost): the page and
    # the services only read them; reviews are written by UPDATE (services._compare_and_set).
    answers = submissions.answer_rows(submission)
    # Relevance, values and soft bounds only: the reviewer's page shows advice, never errors
    # (and a submitted questionnaire has none: submitting requires it complete and valid).
    evaluation = _evaluation(submission, questionnaire, answers)
    reviews = {r.item_key: r for r in column_rows(_reviews_query(),
                                                  {"submission_id": submission.id})}
    queries: dict[str, list[ReviewQuery]] = defaultdict(list)
    for query in queries_of(submission.id):
        queries[query.item_key].append(query)
    relevant, read = evaluation.relevant, evaluation.values
    rows = []
    for section in questionnaire.sections:
        with_texts = shown is None or section.key in shown
        for item in section.items:
            key = item.key
            if item.type == "calculated" or not relevant.get(key, True):
                continue
            answer = answers.get(key)
            row = ItemRow(item=item, section_key=section.key, answer=answer, display="",
                          review=reviews.get(key), queries=queries.get(key, []))
            if with_texts:
                value = answer.value if answer is not None else None
                row.display = display(item, value, locale, read.get(key, _UNREAD))
                row.label = item.label.get(locale)
                row.unit = item.unit.get(locale) if item.unit else None
            rows.append(row)
    data = ReviewData(submission, questionnaire, evaluation, answers, rows, shown=shown,
                      locale=locale)
    if with_flags:
        _add_context_and_flags(data, locale, all_flags=all_flags)
        data.changes = changes_since_return(data, locale)
    return data


# The page's statements are built once (on first use, when every model is imported):
# SQLAlchemy then reuses their cache keys instead of computing them at each view.
@cache
def _reviews_query() -> Select:
    return (select(AnswerReview.item_key, AnswerReview.status, AnswerReview.verified_revision,
                   AnswerReview.verified_at, AnswerReview.version,
                   User.name.label("verified_by_name"))
            .outerjoin(User, User.id == AnswerReview.verified_by_id)
            .where(AnswerReview.submission_id == bindparam("submission_id")))


# Evaluations of answer sets seen lately, most recent last: (questionnaire, messages' locale,
# the stored values as JSON text, the keys with a document) -> evaluation.
_EVALUATIONS: OrderedDict[tuple, Evaluation] = OrderedDict()
_EVALUATIONS_KEPT = 64


def _evaluation(submission: Submission, questionnaire: Questionnaire,
                answers: dict[str, Row]) -> Evaluation:
    """The submission's answers evaluated (relevance, values, soft bounds), once per state.

    A submission under review does not change (nobody may edit it), while its reviewer views
    its summary and each section, and each again after every verification: those views share
    one evaluation. The key is the stored values themselves, not their revisions, so a value
    changed in any way is a new key. Callers only read an evaluation.
    """
    stored = {key: answer.value for key, answer in answers.items()}
    key = (questionnaire, str(get_locale()), json.dumps(stored, sort_keys=True),
           frozenset(submissions.evidence_keys(answers)))
    evaluation = _EVALUATIONS.get(key)
    if evaluation is None:
        evaluation = submissions.evaluate_submission(submission, answers, judge=False)
        _EVALUATIONS[key] = evaluation
        if len(_EVALUATIONS) > _EVALUATIONS_KEPT:
            _EVALUATIONS.popitem(last=False)
    else:
        _EVALUATIONS.move_to_end(key)
    return evaluation


def _add_context_and_flags(data: ReviewData, locale: str, *, all_flags: bool = False) -> None:
    submission = data.submission
    data.previous = previous_values(submission.gmina_id, before_year=submission.edition.year)
    last_year = data.previous.values if data.previous is not None else {}
    stored = {key: answer.value for key, answer in data.answers.items()}
    per_capita_keys = _per_capita_keys(data.questionnaire)
    bands = peer_bands(submission, per_capita_keys)
    data.population = residents_of(submission.gmina_id, submission.edition.year)
    labels = {key: data.questionnaire.items_by_key[key].label.get(locale)
              for key in flags.PARTS if key in data.questionnaire.items_by_key}
    parts = flags.parts_flags(stored, labels)
    kind = submission.gmina.kind
    population = data.population.total if data.population else None
    warnings = data.evaluation.warnings
    shown = data.shown
    for row in data.rows:
        with_texts = shown is None or row.section_key in shown
        if not (with_texts or all_flags):
            continue
        key, item = row.item.key, row.item
        value = stored.get(key)
        if key in warnings:
            row.flags.extend(flags.soft_bound_flags(warnings[key]))
        if key in last_year:
            old = last_year[key]
            if with_texts:
                # Most answers are as last year: the same stored value (and type: True == 1)
                # reads as the same text.
                same = type(old) is type(value) and old == value
                row.previous_display = row.display if same else display(item, old, locale)
            if item.type in NUMERIC:
                old_n, new_n = flags.as_number(old), flags.as_number(value)
                if with_texts:
                    row.change = _change_text(old_n, new_n)
                change = flags.change_flag(old_n, new_n)
                if change:
                    row.flags.append(change)
        if key in per_capita_keys:
            flag = flags.percentile_flag(value, population, bands.get((kind, key)))
            if flag:
                row.flags.append(flag)
        row.flags.extend(parts.get(key, []))
        evidence = flags.evidence_flag(item.evidence == "required", bool(row.evidence))
        if evidence:
            row.flags.append(evidence)


def _change_text(old_n: Decimal | None, new_n: Decimal | None) -> str | None:
    """Last year's number to this year's, as "+12%" (numbers as flags.as_number reads them)."""
    if old_n is None or new_n is None:
        return None
    ratio = flags.change_ratio(old_n, new_n)
    if ratio is None:
        return "0 → " + str(new_n) if new_n else "0"
    pct = (ratio * 100).quantize(Decimal(1))
    return f"+{pct}%" if pct > 0 else f"{pct}%"


@lru_cache(maxsize=8)
def _per_capita_keys(questionnaire: Questionnaire) -> frozenset[str]:
    """Items compared per resident (a questionnaire never changes once published)."""
    return frozenset(key for key, item in questionnaire.items_by_key.items()
                     if item.type == "money" or key in flags.PER_CAPITA_COUNTS)


def changes_since_return(data: ReviewData, locale: str = "pl") -> list[ItemChange]:
    """What the gmina changed since the last return, item by item: first old, last new value."""
    submission = data.submission
    if submission.returned_at is None or State(submission.status) != State.SUBMITTED:
        return []
    changes = session.scalars(_changes_query(), {"submission_id": submission.id,
                                                 "since": submission.returned_at}).all()
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


@cache
def _changes_query() -> Select:
    return (select(AnswerChange)
            .where(AnswerChange.submission_id == bindparam("submission_id"),
                   AnswerChange.at >= bindparam("since"))
            .options(joinedload(AnswerChange.actor))
            .order_by(AnswerChange.id))


def _comparable(value: Any, item: Item) -> str:
    if isinstance(value, dict) and set(value) == {"evidence"}:
        evidence = value["evidence"]
        if isinstance(evidence, dict):
            return _("dokument: %(name)s", name=evidence.get("name", "?"))
        return _("(bez dokumentu)")
    return display(item, value)
