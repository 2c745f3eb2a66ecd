"""Returning to the gmina: queried items highlighted and editable alone, replies, the diff."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.db import session
from portal.notifications.models import OutboxMessage
from portal.review.models import QueryMessage, ReviewQuery
from portal.submissions.models import Answer
from tests.review.conftest import as_user, fresh, page_html, post_decision, post_query
from tests.submissions.conftest import revisions_token, section_url

DECLARATION = {"name": "Katarzyna Kórnicka", "position": "Sekretarz gminy", "accept": "y"}
SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def returned(client, assigned, reviewer, sent):
    as_user(client, reviewer)
    post_query(client, assigned, "budget_754_total",
               "Kwota różni się od Rb-28S. " + SCRIPT)
    post_decision(client, assigned, "return", comment="Prosimy o korektę.")
    return fresh(assigned)


def _value(submission, key):
    return session.scalar(select(Answer.value).where(Answer.submission_id == submission.id,
                                                     Answer.item_key == key))


def _save(client, submission, section, data):
    page = client.get(section_url(submission, section)).get_data(as_text=True)
    return client.post(section_url(submission, section),
                       data={"_revisions": revisions_token(page), **data},
                       follow_redirects=True)


def test_return_needs_an_open_query(client, assigned, reviewer, sent):
    as_user(client, reviewer)
    response = post_decision(client, assigned, "return")
    assert "wymaga co najmniej jednego otwartego pytania" in response.get_data(as_text=True)
    assert fresh(assigned).status == "submitted"
    assert sent == []


def test_return_sends_the_queries_and_tells_the_officials_after_commit(
        returned, official, sent):
    assert returned.status == "returned" and returned.returned_at is not None
    assert session.scalar(select(ReviewQuery)).sent_at is not None
    assert [(c["kind"], c["recipients"]) for c in sent] == [("submission_returned",
                                                             [official.email])]
    assert sent[0]["context"]["queries"][0]["text"].startswith("Kwota różni się")
    outbox = session.scalar(select(OutboxMessage).where(OutboxMessage.kind ==
                                                        "submission_returned"))
    assert outbox.recipient == official.email
    assert SCRIPT not in outbox.html_body  # the comment is escaped in the e-mail too


def test_official_sees_the_queried_item_highlighted_with_the_comment(client, returned,
                                                                     official):
    as_user(client, official)
    dashboard = client.get("/ankieta").get_data(as_text=True)
    page = client.get(section_url(returned, "budget")).get_data(as_text=True)

    assert "pytania recenzenta (1)" in dashboard
    assert "#item-budget_754_total" in dashboard
    assert 'class="item queried"' in page
    assert "Kwota różni się od Rb-28S." in page
    assert SCRIPT not in page and "&lt;script&gt;" in page
    assert 'name="budget_total_expenditure"' in page
    total_input = page[page.index('name="budget_total_expenditure"') - 300:
                       page.index('name="budget_total_expenditure"') + 200]
    assert "disabled" in total_input  # other items are locked
    queried_input = page[page.index('name="budget_754_total"') - 300:
                         page.index('name="budget_754_total"') + 200]
    assert "disabled" not in queried_input


def test_official_changes_only_the_queried_item(client, returned, official):
    as_user(client, official)
    saved = _save(client, returned, "budget", {"budget_754_total": "2 200 000"})
    assert _value(returned, "budget_754_total") == "2200000.00"
    assert "Zapisano sekcję" in saved.get_data(as_text=True)

    refused = _save(client, returned, "budget", {"budget_754_total": "2 200 000",
                                                  "budget_total_expenditure": "1 000 000"})

    assert "można zmieniać tylko pola, o które pyta recenzent" in refused.get_data(as_text=True)
    assert _value(returned, "budget_total_expenditure") == "150000000.00"


def test_official_replies_and_the_reviewer_is_told(client, returned, official, reviewer, sent):
    query = session.scalar(select(ReviewQuery))
    as_user(client, official)
    response = client.post(f"/review/queries/{query.id}/replies",
                           data={"body": "Poprawiono zgodnie z Rb-28S <b>korekta</b>."})

    assert response.status_code == 302
    assert "#item-budget_754_total" in response.headers["Location"]
    assert session.scalars(select(QueryMessage.body)).all()[-1].endswith("<b>korekta</b>.")
    assert sent[-1]["kind"] == "query_replied" and sent[-1]["recipients"] == [reviewer.email]
    link = sent[-1]["context"]["path"]  # to the answer on its section's review page
    assert link == f"/review/submissions/{returned.id}/sections/budget#item-budget_754_total"
    as_user(client, reviewer)
    html = client.get(link.partition("#")[0]).get_data(as_text=True)
    assert "&lt;b&gt;korekta&lt;/b&gt;" in html


def test_resubmission_tells_the_reviewer_and_shows_what_changed(client, returned, official,
                                                                 reviewer, sent):
    as_user(client, official)
    _save(client, returned, "budget", {"budget_754_total": "2 200 000"})
    response = client.post(f"/submissions/{returned.id}/review", data=DECLARATION)

    assert response.status_code == 302
    assert fresh(returned).status == "submitted"
    assert sent[-1]["kind"] == "submission_resubmitted"
    assert sent[-1]["recipients"] == [reviewer.email]
    as_user(client, reviewer)
    html = page_html(client, returned)
    changes = html[html.index("Zmiany od zwrotu"):]
    assert "2\xa0100\xa0000,00" in changes and "2\xa0200\xa0000,00" in changes
    assert '<del class="diff-old">2\xa0100\xa0000,00</del>' in changes
    # Each change leads to its answer on its section's page, which lists its own changes.
    link = f"/review/submissions/{returned.id}/sections/budget#item-budget_754_total"
    assert f'<a href="{link}">' in changes
    section = client.get(link.partition("#")[0]).get_data(as_text=True)
    assert '<a href="#item-budget_754_total">' in section[section.index("Zmiany od zwrotu"):]
    other = client.get(f"/review/submissions/{returned.id}/sections/cctv").get_data(as_text=True)
    assert "Zmiany od zwrotu" not in other


def test_query_thread_goes_on_after_resubmission_until_the_reviewer_closes_it(
        client, returned, official, reviewer):
    query = session.scalar(select(ReviewQuery))
    as_user(client, official)
    client.post(f"/review/queries/{query.id}/replies", data={"body": "Poprawione."})
    client.post(f"/submissions/{returned.id}/review", data=DECLARATION)
    as_user(client, reviewer)
    client.post(f"/review/queries/{query.id}/replies", data={"body": "Dziękuję."})
    client.post(f"/review/queries/{query.id}/close")
    assert session.get(ReviewQuery, query.id).status == "closed"
    assert [m.body for m in session.get(ReviewQuery, query.id).messages][1:] == [
        "Poprawione.", "Dziękuję."]
