"""The answers on the review page (written in Python, portal/review/item_html.py): what each
shows and offers, escaped, in both languages."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.db import session
from portal.review.models import ReviewQuery
from portal.submissions.models import Answer
from tests.review.conftest import (
    as_user,
    item_page_html,
    lock_version,
    page_html,
    page_url,
    post_query,
    post_verify,
)

SCRIPT = '<script>alert("x")</script>'


def _item(html: str, key: str) -> str:
    """The item's <article>, from its start tag (its status class) to its end."""
    item = html[html.rindex("<article", 0, html.index(f'id="item-{key}"')):]
    return item[:item.index("</article>")]


def _answer_is(submission, key: str, value) -> None:
    session.scalar(select(Answer).where(Answer.submission_id == submission.id,
                                        Answer.item_key == key)).value = value
    session.flush()


def test_each_answer_shows_its_value_status_and_the_forms_to_decide(client, assigned, reviewer):
    _answer_is(assigned, "respondent_name", SCRIPT)
    as_user(client, reviewer)
    post_verify(client, assigned, "guard_fte")
    post_query(client, assigned, "budget_754_total", "Proszę <b>sprawdzić</b> kwotę.")
    html = item_page_html(client, assigned, "respondent_name")  # the identification section
    url = page_url(assigned)

    pending = _item(html, "respondent_name")
    assert SCRIPT not in html
    assert "<dd>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</dd>" in pending
    assert ('<article class="review-item status-pending" id="item-respondent_name"' in pending
            and '<span class="status status-draft">do weryfikacji</span>' in pending)
    assert f'<form method="post" action="{url}/answers/respondent_name/verify">' in pending
    assert pending.count('<input type="hidden" name="version" value="0">') == 2  # verify, ask
    assert '<textarea id="query-respondent_name" name="comment"' in pending

    verified = _item(item_page_html(client, assigned, "guard_fte"), "guard_fte")
    assert '<span class="status status-approved">zweryfikowana</span>' in verified
    assert "<dt>Zweryfikowano</dt><dd>Roman Recenzent, " in verified
    assert "/verify" not in verified  # verified already; it may still be asked about
    assert '<input type="hidden" name="version" value="1">' in verified

    queried = _item(item_page_html(client, assigned, "budget_754_total"), "budget_754_total")
    query = session.scalar(select(ReviewQuery))
    assert '<span class="status status-returned">pytanie otwarte</span>' in queried
    assert "2\xa0100\xa0000,00 <span class=\"unit\">zł</span>" in queried
    assert "Pytanie recenzenta (otwarte)" in queried
    assert "Proszę &lt;b&gt;sprawdzić&lt;/b&gt; kwotę." in queried
    assert f'action="/review/queries/{query.id}/close"' in queried
    assert f'id="reply-{query.id}"' in queried
    assert "/verify" not in queried and "query-budget_754_total" not in queried

    document = _item(html, "head_declaration_file")
    assert f'<a href="/submissions/{assigned.id}/files/head_declaration_file">x.pdf</a>' in document


def test_a_reviewer_not_assigned_sees_the_answers_without_forms(client, assigned,
                                                                other_reviewer):
    as_user(client, other_reviewer)
    html = item_page_html(client, assigned, "budget_754_total")
    assert (f'<li><a href="{page_url(assigned)}/sections/budget" aria-current="page">2. '
            in html)
    assert 'id="item-budget_754_total"' in html
    assert 'class="item-actions"' not in html and "verify-all" not in html


def test_the_answers_speak_english(client, assigned, reviewer):
    as_user(client, reviewer)
    client.post("/language/en", data={"next": "/"})
    item = _item(item_page_html(client, assigned, "budget_754_total"), "budget_754_total")
    assert '<span class="status status-draft">to be verified</span>' in item
    assert "<dt>Response</dt>" in item and "2,100,000.00" in item
    assert '<button type="submit" class="button">Verify</button>' in item


def test_every_id_on_the_review_page_is_unique(app, client, assigned, reviewer, admin,
                                               monkeypatch):
    # Labels, skip links and screen readers find elements by id; a repeated id breaks them.
    as_user(client, reviewer)
    post_query(client, assigned, "budget_754_total", "Proszę sprawdzić kwotę.")
    for user in (reviewer, admin):
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)  # to log in as `user`
        as_user(client, user)
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # every form with its token
        for html in (page_html(client, assigned),
                     item_page_html(client, assigned, "budget_754_total"),  # with the query
                     item_page_html(client, assigned, "cctv_operators_per_shift")):
            ids = re.findall(r'\sid="([^"]+)"', html)
            assert len(ids) >= 7
            assert sorted(i for i in set(ids) if ids.count(i) > 1) == []


def test_the_decision_forms_carry_the_pages_csrf_token(app, client, assigned, reviewer,
                                                       monkeypatch):
    as_user(client, reviewer)
    post_query(client, assigned, "budget_754_total", "Proszę sprawdzić kwotę.")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    html = page_html(client, assigned)
    form = html[html.index(f'action="{page_url(assigned)}/return"'):]
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    data = {"lock_version": lock_version(html), "comment": ""}

    forged = client.post(f"{page_url(assigned)}/return", data={**data, "csrf_token": "x"})
    assert forged.status_code == 400 and assigned.status == "submitted"
    response = client.post(f"{page_url(assigned)}/return", data={**data, "csrf_token": token})
    assert response.status_code == 302
    session.refresh(assigned)
    assert assigned.status == "returned"
