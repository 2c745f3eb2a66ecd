"""The review queue: filters, sorting, pagination, counts, and a fixed number of queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.db import session, utcnow
from portal.review import queue as queue_module
from portal.review.models import ReviewQuery
from portal.review.queue import QueueFilters, review_queue
from tests.review.conftest import as_user, many_submissions


def _gminy(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/review/submissions/\d+">([^<]+)</a>', html)


@pytest.fixture
def queue_data(edition, reviewer, submitted):
    """Kórnik (pilot) plus six made-up gminy in another voivodeship, in several states."""
    made = many_submissions(edition, 6)
    made[0].reviewer_id = reviewer.id
    made[1].status, made[1].returned_at = "returned", utcnow()
    made[2].status, made[2].approved_at = "approved", utcnow()
    made[3].in_review_since = utcnow() - timedelta(days=40)
    made[5].status, made[5].submitted_at = "draft", None
    session.flush()
    return made


def test_queue_lists_submitted_gminy_with_their_details(client, queue_data, reviewer, submitted):
    as_user(client, reviewer)
    html = client.get("/review/").get_data(as_text=True)
    assert "Kórnik" in html and "poznański" in html and "wielkopolskie" in html
    assert "Gmina testowa 6-05" not in html  # drafts are not waiting for anyone
    assert "Roman Recenzent" in html  # assigned reviewer, and in the per-reviewer counts
    assert "Najdłużej czekające" in html
    oldest = html[html.index("Najdłużej czekające"):html.index("Recenzenci")]
    assert oldest.index("Gmina testowa 6-03") < oldest.index("Kórnik")
    assert "40 dni" in oldest


@pytest.mark.parametrize(("query", "expected"), [
    ("status=returned", ["Gmina testowa 6-01"]),
    ("status=draft", ["Gmina testowa 6-05"]),
    ("voivodeship=30&status=submitted", ["Kórnik"]),
    ("kind=2", ["Gmina testowa 6-01", "Gmina testowa 6-04"]),
    ("mine=1", ["Gmina testowa 6-00"]),
])
def test_queue_filters(client, queue_data, reviewer, query, expected):
    as_user(client, reviewer)
    html = client.get(f"/review/?{query}&sort=gmina").get_data(as_text=True)
    assert _gminy(html) == expected


def test_queue_filter_unassigned(client, queue_data, reviewer):
    as_user(client, reviewer)
    html = client.get("/review/?unassigned=1&status=submitted&sort=gmina").get_data(as_text=True)
    assert "Gmina testowa 6-00" not in _gminy(html)
    assert "Kórnik" in _gminy(html)


def test_queue_sorts_both_ways(client, queue_data, reviewer):
    as_user(client, reviewer)
    ascending = _gminy(client.get("/review/?sort=gmina").get_data(as_text=True))
    descending = _gminy(client.get("/review/?sort=gmina&dir=desc").get_data(as_text=True))
    assert ascending == sorted(ascending) and descending == ascending[::-1]
    html = client.get("/review/?sort=gmina").get_data(as_text=True)
    assert 'aria-sort="ascending"' in html


def test_queue_counts_per_status(edition, queue_data, reviewer):
    page = review_queue(edition, QueueFilters(), user=reviewer)
    assert page.status_counts == {"submitted": 4, "returned": 1, "approved": 1, "draft": 1}
    assert [(load.name, load.submitted) for load in page.reviewer_loads] == [
        ("Roman Recenzent", 1)]
    assert page.unassigned_waiting == 3


def test_queue_paginates(client, edition, reviewer, monkeypatch):
    many_submissions(edition, 12)
    monkeypatch.setattr(queue_module, "PER_PAGE", 5)
    as_user(client, reviewer)
    first = client.get("/review/?sort=gmina").get_data(as_text=True)
    third = client.get("/review/?sort=gmina&page=3").get_data(as_text=True)
    beyond = client.get("/review/?sort=gmina&page=99").get_data(as_text=True)
    assert _gminy(first) == [f"Gmina testowa 12-{i:02d}" for i in range(5)]
    assert _gminy(third) == ["Gmina testowa 12-10", "Gmina testowa 12-11"]
    assert _gminy(beyond) == _gminy(third)  # past the end: the last page
    assert 'aria-current="page">1<' in first and "strona 1 z 3" in first


@pytest.mark.parametrize("sort", queue_module.SORTS)
@pytest.mark.parametrize("descending", [False, True])
def test_queue_pages_follow_each_other_in_every_sort(edition, reviewer, other_reviewer, sort,
                                                     descending):
    """Page by page, the queue lists every submission once, in the order of the column."""
    made = many_submissions(edition, 12)
    for i, submission in enumerate(made):
        submission.reviewer_id = (reviewer.id, other_reviewer.id, None)[i % 3]
        submission.in_review_since = utcnow() - timedelta(days=i % 4)
        for _ in range(i % 3):
            session.add(ReviewQuery(submission_id=submission.id, item_key="guard_fte",
                                    opened_by_id=reviewer.id))
    session.flush()

    def listing(page: int, per_page: int):
        filters = QueueFilters(sort=sort, descending=descending, page=page)
        return review_queue(edition, filters, user=reviewer, per_page=per_page).rows

    whole = listing(1, 100)
    pages = [row for page in (1, 2, 3) for row in listing(page, 5)]
    assert [row.submission_id for row in pages] == [row.submission_id for row in whole]
    assert len(whole) == 12
    if sort == "queries":
        counts = [row.open_queries for row in whole]
        assert counts == sorted(counts, reverse=descending) and set(counts) == {0, 1, 2}


def _count_queue_queries(client, query_counter) -> int:
    session.commit()  # end the setup's savepoint, so only the request's statements count
    query_counter["n"] = 0
    assert client.get("/review/?sort=waiting").status_code == 200
    return query_counter["n"]


def test_queue_needs_the_same_small_number_of_queries_for_5_and_40_submissions(
        client, edition, reviewer, query_counter):
    as_user(client, reviewer)
    many_submissions(edition, 5, voivodeship_code="97")
    small = _count_queue_queries(client, query_counter)
    for made in many_submissions(edition, 35, voivodeship_code="96"):
        made.reviewer_id = reviewer.id
    session.flush()
    large = _count_queue_queries(client, query_counter)
    assert small == large <= 8
