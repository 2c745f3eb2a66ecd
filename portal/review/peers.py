"""What a submission is compared with: the per-capita percentile bands of its peers (the
edition's submitted and approved gminy of the same type), and the population it is divided by.

The bands are an edition-wide statistic that changes only when a peer is submitted, returned,
approved or reopened (each bumps the submission's lock_version) or population is imported.
Each process keeps them per (edition, type), for every per-capita item, next to a one-row
fingerprint of that state: a page view runs the fingerprint query only, and the first view
after a change recomputes the bands of its type from the answers of all its peers (bench/README.md
gives the cost), which every submission of that type then reuses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from sqlalchemy import Select, bindparam, func, select

from portal.db import column_rows, session
from portal.municipalities.models import Gmina, Population
from portal.review import flags
from portal.submissions.models import Answer, Submission
from portal.submissions.workflow import State

# Returned submissions are being corrected (their answers change without a status change), so
# the bands compare with submitted and approved ones only.
PEER_STATES = (State.SUBMITTED, State.APPROVED)

Bands = dict[tuple[int, str], flags.Band]  # (gmina type, item key) -> band

# (edition id, gmina type, per-capita item keys) -> (fingerprint, bands). At most one entry per
# edition, type and questionnaire: a changed fingerprint replaces the entry.
_CACHE: dict[tuple[int, int, frozenset[str]], tuple[tuple, Bands]] = {}


@dataclass(frozen=True)
class Residents:
    """A gmina's population as shown and divided by: the year it was counted and the total."""

    year: int
    total: int


def peer_bands(submission: Submission, keys: frozenset[str]) -> Bands:
    """Bands of `keys` among the submission's peers: one query while nothing changed among
    them, three when they are recomputed."""
    edition_id, kind = submission.edition_id, submission.gmina.kind
    # An aggregate: always one row.
    state = tuple(column_rows(_fingerprint_query(), {"edition_id": edition_id, "kind": kind})[0])
    cached = _CACHE.get((edition_id, kind, keys))
    if cached is not None and cached[0] == state:
        return cached[1]
    bands = _bands(edition_id, kind, keys, _peer_residents(edition_id, kind,
                                                           submission.edition.year))
    _CACHE[(edition_id, kind, keys)] = (state, bands)
    return bands


def residents_of(gmina_id: int, year: int) -> Residents | None:
    """The gmina's population for `year` (one query)."""
    return _choose(column_rows(_residents_query(), {"gmina_id": gmina_id}), year).get(gmina_id)


@cache
def _residents_query() -> Select:
    # Built once, as _fingerprint_query: every review page runs it.
    return (select(Population.gmina_id, Population.year, Population.total)
            .where(Population.gmina_id == bindparam("gmina_id")).order_by(Population.year))


@cache
def _fingerprint_query() -> Select:
    """The peers' membership and versions, and the population figures, in one row.

    Built once: SQLAlchemy then reuses its cache key, which costs about as much as running the
    query. Built on first use, when every model is imported. Population figures are only added
    or corrected, and either sets imported_at (indexed): its latest value, one index lookup,
    tells that any figure changed (summing every figure cost half of this query).
    """
    return (
        select(func.count(Submission.id), func.coalesce(func.sum(Submission.lock_version), 0),
               func.coalesce(func.sum(Submission.id), 0), func.max(Submission.submitted_at),
               select(func.max(Population.imported_at)).scalar_subquery())
        .join(Gmina, Gmina.id == Submission.gmina_id)
        .where(Submission.edition_id == bindparam("edition_id"),
               Submission.status.in_(PEER_STATES), Gmina.kind == bindparam("kind"))
    )


def _peer_residents(edition_id: int, kind: int, year: int) -> dict[int, Residents]:
    peers = (select(Submission.gmina_id).join(Gmina, Gmina.id == Submission.gmina_id)
             .where(Submission.edition_id == edition_id, Submission.status.in_(PEER_STATES),
                    Gmina.kind == kind))
    return _choose(session.execute(
        select(Population.gmina_id, Population.year, Population.total)
        .where(Population.gmina_id.in_(peers))
        .order_by(Population.gmina_id, Population.year)), year)


def _choose(rows: Iterable[tuple[int, int, int]], year: int) -> dict[int, Residents]:
    """Population of `year` or the nearest earlier year; failing that the earliest later one.
    `rows` (gmina id, year, total) come in year order for each gmina."""
    chosen: dict[int, Residents] = {}
    for gmina_id, counted, total in rows:
        best = chosen.get(gmina_id)
        if best is None or (counted <= year and (best.year > year or counted > best.year)):
            chosen[gmina_id] = Residents(counted, total)
    return chosen


def _bands(edition_id: int, kind: int, keys: frozenset[str],
           residents: dict[int, Residents]) -> Bands:
    per_capita: dict[tuple[int, str], list[Decimal]] = defaultdict(list)
    for key, value, gmina_id in session.execute(
            select(Answer.item_key, Answer.value, Submission.gmina_id)
            .join(Submission, Submission.id == Answer.submission_id)
            .join(Gmina, Gmina.id == Submission.gmina_id)
            .where(Submission.edition_id == edition_id, Submission.status.in_(PEER_STATES),
                   Gmina.kind == kind, Answer.item_key.in_(keys))):
        number = flags.as_number(value)
        population = residents.get(gmina_id)
        if number is not None and population is not None and population.total:
            per_capita[(kind, key)].append(number / population.total)
    return flags.bands(per_capita)
