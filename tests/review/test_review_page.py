"""The review page: values with units, last year's approved values, flags, and constant queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.db import session, utcnow
from portal.editions.services import close_edition, create_edition, open_edition
from portal.municipalities.models import Population
from portal.review.models import QueryMessage, ReviewQuery
from portal.submissions.models import Answer, AnswerChange
from portal.submissions.services import open_submission
from tests.review.conftest import as_user, item_page_html, many_submissions, page_html
from tests.review.helpers import approve_for_tests
from tests.sample_2018 import COMPLETE_2018, store_answers


@pytest.fixture
def last_year(official, reviewer):
    """Kórnik's approved 2017 questionnaire (same questionnaire version), closed."""
    today = date.today()
    previous = create_edition(year=2017, questionnaire="2018")
    open_edition(previous, opens_on=today - timedelta(days=400),
                 closes_on=today - timedelta(days=300))
    old = open_submission(previous, official.gmina, actor=official)
    store_answers(old, dict(COMPLETE_2018, budget_cctv_capital="100000.00",
                            budget_754_total="2000000.00"), user=official)
    approve_for_tests(old, reviewer)
    close_edition(previous)
    session.flush()
    return old


def test_review_page_shows_values_units_last_year_and_the_change(client, last_year, assigned,
                                                                 reviewer):
    as_user(client, reviewer)
    html = item_page_html(client, assigned, "budget_754_total")
    item = html[html.index('id="item-budget_754_total"'):]
    item = item[:item.index("</article>")]
    assert "2\xa0100\xa0000,00" in item and "2\xa0000\xa0000,00" in item
    assert 'class="unit">zł' in item
    assert "+5%" in item
    assert "migawka nr 1" in page_html(client, assigned)


def test_change_of_more_than_half_is_flagged_as_advice(client, last_year, assigned, reviewer):
    as_user(client, reviewer)
    html = item_page_html(client, assigned, "budget_cctv_capital")
    item = html[html.index('id="item-budget_cctv_capital"'):]
    item = item[:item.index("</article>")]
    assert "duża zmiana r/r" in item and "+200%" in item
    # The summary counts flags of every section, though it shows no answer.
    assert "z flagami: 0" not in page_html(client, assigned)
    assert "status-pending" in html[html.index('id="item-budget_cctv_capital"') - 80:
                                    html.index('id="item-budget_cctv_capital"')]


def _small_peers(edition, submission) -> list:
    """30 made-up gminy; Kórnik (urban-rural, 30 909 residents in 2020) spends as much as the
    ten of its type, which get 3 000 residents: per resident it is among the lowest."""
    peers = [made for made in many_submissions(edition, 30, answers=COMPLETE_2018)
             if made.gmina.kind == submission.gmina.kind]
    for made in peers:
        session.query(Population).filter_by(gmina_id=made.gmina_id).one().total = 3000
    session.flush()
    return peers


def _item(html: str, key: str) -> str:
    item = html[html.index(f'id="item-{key}"'):]
    return item[:item.index("</article>")]


def _shown(client, submission, key: str) -> str:
    """The answer as its section's review page shows it."""
    return _item(item_page_html(client, submission, key), key)


def test_per_capita_outlier_among_gminy_of_the_same_type_is_flagged(client, edition, assigned,
                                                                    reviewer):
    _small_peers(edition, assigned)
    as_user(client, reviewer)
    item = _shown(client, assigned, "budget_754_total")
    assert "nietypowo na mieszkańca" in item and "poniżej 1. percentyla" in item


def test_flags_follow_the_peers_between_views(client, edition, assigned, reviewer):
    """The bands are kept between views, yet each view shows what the peers are now."""
    peers = _small_peers(edition, assigned)
    as_user(client, reviewer)
    assert "poniżej 1. percentyla" in _shown(client, assigned, "budget_754_total")
    # A population import replaces the figures in place: the peers are as big as Kórnik.
    for made in peers:
        session.query(Population).filter_by(gmina_id=made.gmina_id).one().total = 30909
    session.flush()
    assert "nietypowo" not in _shown(client, assigned, "budget_754_total")
    for made in peers:
        session.query(Population).filter_by(gmina_id=made.gmina_id).one().total = 3000
    session.flush()
    assert "poniżej 1. percentyla" in _shown(client, assigned, "budget_754_total")
    # Two peers returned to their gminy: nine submitted gminy of the type are too few to compare.
    for made in peers[:2]:
        made.status, made.returned_at = "returned", utcnow()
    session.flush()
    assert "nietypowo" not in _shown(client, assigned, "budget_754_total")
    # Submitted again: compared again.
    for made in peers[:2]:
        made.status = "submitted"
    session.flush()
    assert "poniżej 1. percentyla" in _shown(client, assigned, "budget_754_total")


def test_comments_with_html_are_escaped_on_the_review_page(client, assigned, reviewer):
    query = ReviewQuery(submission_id=assigned.id, item_key="guard_fte", opened_by_id=reviewer.id)
    query.messages.append(QueryMessage(author_id=reviewer.id,
                                       body='<img src=x onerror="alert(1)">'))
    session.add(query)
    session.flush()
    as_user(client, reviewer)
    html = item_page_html(client, assigned, "guard_fte")
    assert '<img src=x onerror="alert(1)">' not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html


def _scenario(submission, reviewer, official, *, queried_keys):
    """Queries with replies, a return and changes after it, then a resubmission."""
    for key in queried_keys:
        query = ReviewQuery(submission_id=submission.id, item_key=key, opened_by_id=reviewer.id,
                            sent_at=utcnow())
        query.messages.append(QueryMessage(author_id=reviewer.id, body=f"Pytanie o {key}"))
        query.messages.append(QueryMessage(author_id=official.id, body="Odpowiedź"))
        session.add(query)
    submission.returned_at = utcnow() - timedelta(minutes=5)
    for key in queried_keys:
        session.add(AnswerChange(submission_id=submission.id, item_key=key, old_value=None,
                                 new_value=COMPLETE_2018[key], actor_id=official.id))
    submission.reviewer_id = reviewer.id
    session.flush()


def _count_page_queries(client, submission, query_counter, section: str | None = None) -> int:
    """Statements of one view of the summary, or of a section's page."""
    session.commit()  # end the setup's savepoint, so only the request's statements count
    query_counter["n"] = 0
    path = f"/review/submissions/{submission.id}"
    assert client.get(f"{path}/sections/{section}" if section else path).status_code == 200
    return query_counter["n"]


def test_review_page_needs_the_same_queries_for_a_small_and_the_largest_submission(
        client, last_year, edition, official, reviewer, submitted, query_counter):
    small = many_submissions(edition, 5, voivodeship_code="97",
                             answers={"respondent_name": "Jan", "has_cctv": "no"})
    _scenario(small[0], reviewer, official, queried_keys=["respondent_name"])
    as_user(client, reviewer)
    small_count = _count_page_queries(client, small[0], query_counter)
    small_section = _count_page_queries(client, small[0], query_counter, "identification")

    large = submitted  # the whole questionnaire, with last year's approved snapshot
    many_submissions(edition, 40, voivodeship_code="96", answers=COMPLETE_2018)
    _scenario(large, reviewer, official, queried_keys=[
        "budget_754_total", "guard_fte", "cctv_cameras_public", "building_investments",
        "cctv_legal_basis", "budget_754_by_year"])
    large_count = _count_page_queries(client, large, query_counter)
    large_section = _count_page_queries(client, large, query_counter, "cctv")

    assert small_count == large_count <= 13
    assert small_section == large_section <= large_count  # the section pages reuse the bands
    # Nothing changed among the peers: the second view reuses the percentile bands instead of
    # reading the peers' population and answers.
    assert _count_page_queries(client, large, query_counter) == large_count - 2


def test_a_value_changed_between_two_views_shows_on_the_second(client, assigned, reviewer):
    """Views of an unchanged submission share one evaluation; a changed value, even written
    without a new revision (an administrator's fix in the database), is evaluated anew."""
    as_user(client, reviewer)
    assert "2\xa0100\xa0000,00" in _shown(client, assigned, "budget_754_total")
    answer = session.scalar(select(Answer).where(Answer.submission_id == assigned.id,
                                                 Answer.item_key == "budget_754_total"))
    answer.value = "2500000.00"
    session.flush()
    item = _shown(client, assigned, "budget_754_total")
    assert "2\xa0500\xa0000,00" in item and "2\xa0100\xa0000,00" not in item
    # Relevance follows too: without a guard, the guard's questions leave its section.
    assert 'id="item-guard_fte"' in item_page_html(client, assigned, "guard_fte")
    session.scalar(select(Answer).where(Answer.submission_id == assigned.id,
                                        Answer.item_key == "guard_exists")).value = "no"
    session.flush()
    assert 'id="item-guard_fte"' not in item_page_html(client, assigned, "guard_fte")
