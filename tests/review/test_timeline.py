"""A submission's history: every save, submission, query, reply, return and approval, by kind."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.db import session
from portal.review.models import ReviewQuery
from tests.review.conftest import as_user, post_decision, post_query, post_verify
from tests.review.helpers import verify_all_for_tests
from tests.submissions.conftest import revisions_token, section_url

DECLARATION = {"name": "Katarzyna Kórnicka", "position": "Sekretarz gminy", "accept": "y"}


@pytest.fixture
def history(client, assigned, reviewer, official):
    """Query, return, reply, change, resubmit, verify everything, approve."""
    as_user(client, reviewer)
    post_verify(client, assigned, "guard_fte")
    post_query(client, assigned, "budget_754_total", "Proszę sprawdzić <b>kwotę</b>.")
    post_decision(client, assigned, "return")
    query = session.scalar(select(ReviewQuery))
    as_user(client, official)
    client.post(f"/review/queries/{query.id}/replies", data={"body": "Poprawione."})
    page = client.get(section_url(assigned, "budget")).get_data(as_text=True)
    client.post(section_url(assigned, "budget"), data={"_revisions": revisions_token(page),
                                                       "budget_754_total": "2 200 000"})
    client.post(f"/submissions/{assigned.id}/review", data=DECLARATION)
    as_user(client, reviewer)
    client.post(f"/review/queries/{query.id}/close")
    verify_all_for_tests(assigned, reviewer)
    post_verify(client, assigned, "budget_754_total", version=1)
    post_decision(client, assigned, "approve")
    return assigned


def _kinds(html: str) -> list[str]:
    return re.findall(r'<li class="timeline-(\w+)">', html)


def test_timeline_shows_the_full_history(client, history):
    html = client.get(f"/review/submissions/{history.id}/timeline").get_data(as_text=True)
    kinds = set(_kinds(html))
    assert {"save", "submission", "query", "reply", "return", "approval",
            "verification"} <= kinds
    assert "Gmina ponownie przesłała ankietę po zwrocie" in html
    assert "2\xa0100\xa0000,00 → 2\xa0200\xa0000,00" in html
    assert "Proszę sprawdzić &lt;b&gt;kwotę&lt;/b&gt;." in html
    assert "migawkę zatwierdzonych danych nr 1" in html


@pytest.mark.parametrize("kind", ["query", "reply", "return", "approval", "save"])
def test_timeline_filters_by_kind(client, history, kind):
    html = client.get(f"/review/submissions/{history.id}/timeline?kind={kind}").get_data(
        as_text=True)
    assert set(_kinds(html)) == {kind}
    assert 'aria-current="page"' in html
