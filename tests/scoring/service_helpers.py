"""Builders for the scoring service tests: gminy with approved snapshots and Police figures."""

from __future__ import annotations

import copy
from datetime import date

from portal.db import session, utcnow
from portal.municipalities.models import Gmina
from portal.police_data.models import CrimeStat, PoliceImportBatch, ThreatMapStat
from portal.review.models import SubmissionSnapshot
from portal.submissions.models import Submission
from tests import factories
from tests.sample_2018 import COMPLETE_2018

START, END = date(2018, 1, 1), date(2018, 12, 31)


def answers(i: int) -> dict:
    """Complete 2018 answers varied by `i` (deterministic)."""
    values = copy.deepcopy(COMPLETE_2018)
    values["cctv_cameras_public"] = 10 + 7 * i
    values["cctv_staffed_24_7"] = "yes" if i % 2 else "no"
    values["cctv_police_live_link"] = ("none", "some", "all")[i % 3]
    values["budget_754_total"] = f"{1_000_000 + 37_000 * i}.00"
    values["safety_debates_count"] = i % 5
    return values


def batch(kind: str = "crime", is_demo: bool = False) -> PoliceImportBatch:
    b = PoliceImportBatch(kind=kind, file_name=f"{kind}.csv", sha256="a" * 64, size_bytes=1,
                          is_demo=is_demo, period_start=START, period_end=END, rows_count=0,
                          units_count=0, added_count=0, changed_count=0, unchanged_count=0)
    session.add(b)
    session.flush()
    return b


def gminy(n: int, *, code: str = "97", approved: int | None = None, police: bool = True,
          edition=None) -> list[Gmina]:
    """`n` made-up gminy (kinds 1..3 in turn) with population; the first `approved` (default
    all) have an approved snapshot of `answers(i)` when `edition` is given."""
    created = factories.made_up_gminy(n, voivodeship_code=code)
    crime_batch = batch("crime") if police else None
    kmzb_batch = batch("kmzb") if police else None
    for i, g in enumerate(created):
        pop = 5000 + 1000 * i
        if police:
            crimes = pop * (10 + i % 7) // 1000
            session.add(CrimeStat(batch_id=crime_batch.id, gmina_id=g.id, period_start=START,
                                  period_end=END, category="ogolem", source="test",
                                  confirmed=crimes, detected=crimes * 2 // 3, reopened=0))
            session.add(ThreatMapStat(batch_id=kmzb_batch.id, gmina_id=g.id, period_start=START,
                                      period_end=END, category="wandalizm", source="test",
                                      reported=20 + i, confirmed=10 + i, eliminated=5 + i % 4))
        if edition is not None and (approved is None or i < approved):
            approve_directly(edition, g, answers(i))
    session.flush()
    return created


def approve_directly(edition, gmina: Gmina, values: dict) -> SubmissionSnapshot:
    """An approved submission with its snapshot, without the review pages (fast)."""
    now = utcnow()
    submission = Submission(edition_id=edition.id, gmina_id=gmina.id, status="approved",
                            submitted_at=now, approved_at=now, in_review_since=now)
    session.add(submission)
    session.flush()
    version = edition.questionnaire_version
    snapshot = SubmissionSnapshot(submission_id=submission.id, number=1, values=values,
                                  evidence={}, questionnaire_version=version.version,
                                  questionnaire_sha256=version.sha256, approved_at=now)
    session.add(snapshot)
    session.flush()
    return snapshot
