"""Two officials of one gmina editing the same section: nothing is silently lost."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.db import session
from portal.submissions.models import Answer
from tests import factories
from tests.submissions.conftest import revisions_token, section_url


@pytest.fixture
def second_client(app):
    return app.test_client()


def test_stale_save_is_refused_naming_the_item_and_who_changed_it(
        app, logged_in, second_client, submission):
    colleague = factories.official(submission.gmina, name="Zbigniew Drugi")
    factories.login(second_client, colleague)
    url = section_url(submission, "budget")
    mine = revisions_token(logged_in.get(url).get_data(as_text=True))
    theirs = revisions_token(second_client.get(url).get_data(as_text=True))

    first = second_client.post(url, data={"_revisions": theirs, "budget_754_total": "500"})
    stale = logged_in.post(url, data={"_revisions": mine, "budget_754_total": "700"})

    assert first.status_code == 302
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "Zbigniew Drugi" in html
    assert 'value="700"' in html  # what I typed is still in the form
    # Next to the item: who saved what meanwhile (as text, not markup).
    beside = re.search(r'<p class="conflict" role="status">(.*?)</p>', html).group(1)
    assert beside.startswith("W międzyczasie Zbigniew Drugi (")
    assert "zapisał(a) tu: 500,00." in beside
    stored = session.scalar(select(Answer.value).where(Answer.item_key == "budget_754_total"))
    assert stored == "500.00"

    # Having seen the other value, saving again keeps mine deliberately.
    again = logged_in.post(url, data={"_revisions": revisions_token(html),
                                      "budget_754_total": "700"})
    assert again.status_code == 302
    session.expire_all()
    stored = session.scalar(select(Answer.value).where(Answer.item_key == "budget_754_total"))
    assert stored == "700.00"


def test_saves_of_different_items_do_not_conflict(logged_in, second_client, submission):
    colleague = factories.official(submission.gmina)
    factories.login(second_client, colleague)
    url = section_url(submission, "budget")
    mine = revisions_token(logged_in.get(url).get_data(as_text=True))
    theirs = revisions_token(second_client.get(url).get_data(as_text=True))

    assert second_client.post(url, data={"_revisions": theirs,
                                         "budget_754_total": "500"}).status_code == 302
    response = logged_in.post(url, data={"_revisions": mine,
                                         "budget_total_expenditure": "9000000"})
    assert response.status_code == 302
