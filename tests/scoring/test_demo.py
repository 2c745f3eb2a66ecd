"""The demo publishes one 2018 ranking over the approved pilot gminy, idempotently."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.db import session
from portal.demo import load_demo
from portal.editions.services import get_edition
from portal.scoring import results
from portal.scoring.models import ScoringRun


def test_demo_publishes_one_ranking_and_opens_a_draft_for_objections(app):
    with app.app_context():  # the demo sends (logs) notification e-mails
        load_demo()
    edition = get_edition(2018)
    run = results.published_run(edition)
    assert run is not None and run.ranked_count >= 9 and run.uses_demo_data
    listing = results.entries(run)
    assert {e.not_ranked_reason for e in listing if not e.ranked} == {"brak zatwierdzonej ankiety"}
    assert len({e.published_score for e in listing if e.ranked}) > 5  # varied answers
    with app.app_context():
        load_demo()
    assert session.scalar(select(func.count(ScoringRun.id))) == 2
