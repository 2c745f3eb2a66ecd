"""The review is split as the questionnaire is: a summary with each section's progress and the
decision, and one page per section with its answers."""

from __future__ import annotations

import re

from portal.db import session
from portal.review.page import build_review
from tests.review.conftest import (
    as_user,
    item_page_html,
    page_html,
    page_url,
    post_query,
    post_verify,
)
from tests.review.helpers import verify_all_for_tests


def _section_row(html: str, number: int) -> list[str]:
    """The cells of the summary's row for the section numbered `number`: the link, then
    answers, verified, to verify, open queries, flagged."""
    row = re.search(rf'<tr><th scope="row"><a href="([^"]+)">{number}\. .*?</tr>', html, re.S)
    return [row.group(1), *re.findall(r'<td class="num">(\d+)</td>', row.group(0))]


def test_the_summary_counts_each_sections_answers_and_links_to_its_page(client, assigned,
                                                                        reviewer):
    as_user(client, reviewer)
    post_verify(client, assigned, "respondent_name")
    post_query(client, assigned, "budget_754_total", "Proszę o Rb-28S.")
    data = build_review(assigned)
    identification = len(data.section_rows("identification"))
    budget = data.section_rows("budget")

    html = page_html(client, assigned)

    url = page_url(assigned)
    assert _section_row(html, 1) == [f"{url}/sections/identification", str(identification),
                                     "1", str(identification - 1), "0", "0"]
    assert _section_row(html, 2)[:5] == [f"{url}/sections/budget", str(len(budget)), "0",
                                         str(len(budget) - 1), "1"]
    # The answers themselves are on the section pages.
    assert 'id="item-respondent_name"' not in html
    # Work goes on where an answer still waits: the identification section.
    assert (f'href="{url}/sections/identification">Kontynuuj weryfikację: Dane kontaktowe'
            in html)


def test_a_section_page_shows_only_its_answers_and_leads_to_its_neighbours(client, assigned,
                                                                          reviewer):
    as_user(client, reviewer)
    html = item_page_html(client, assigned, "budget_754_total")
    url = page_url(assigned)

    assert "<h1>Wydatki gminy na bezpieczeństwo publiczne</h1>" in html
    assert 'id="item-budget_754_total"' in html
    assert 'id="item-respondent_name"' not in html and 'id="item-guard_fte"' not in html
    rows = build_review(assigned).section_rows("budget")
    assert html.count('<article class="review-item') == len(rows)
    # The navigation marks this section and tells how many answers wait in each.
    current = re.search(r'<a href="[^"]+/sections/budget" aria-current="page">2\. [^<]+'
                        r'<span class="count">(\d+)<span class="visually-hidden"> do weryfikacji',
                        html)
    assert current and int(current.group(1)) == len(rows)
    assert f'href="{url}/sections/identification" rel="prev"' in html
    assert f'href="{url}/sections/municipal_guard" rel="next"' in html
    assert f'href="{url}/sections/budget/verify-all"' in html


def test_verifying_an_answer_leads_back_to_it_on_its_section_page(client, assigned, reviewer):
    as_user(client, reviewer)
    response = post_verify(client, assigned, "guard_fte")
    assert response.request.path == f"{page_url(assigned)}/sections/municipal_guard"
    assert "Odpowiedź zweryfikowana." in response.get_data(as_text=True)


def test_when_everything_is_verified_each_section_page_points_to_the_decision(
        client, assigned, reviewer):
    as_user(client, reviewer)
    assert "Przejdź do decyzji" not in item_page_html(client, assigned, "guard_fte")
    verify_all_for_tests(assigned, reviewer)
    html = item_page_html(client, assigned, "guard_fte")
    assert f'<a href="{page_url(assigned)}#decision-title">Przejdź do decyzji</a>' in html
    assert '<span class="count">' not in html  # nothing left to verify in any section
    # Nothing to continue with: the summary offers no "Kontynuuj weryfikację".
    assert "weryfikację:" not in page_html(client, assigned)


def test_a_section_shows_only_the_answers_that_apply_to_the_gmina(client, edition, official,
                                                                  reviewer):
    from portal.submissions.services import open_submission
    from tests.review.helpers import submit_for_tests
    from tests.sample_2018 import COMPLETE_2018, store_answers

    submission = open_submission(edition, official.gmina, actor=official)
    store_answers(submission, dict(COMPLETE_2018, guard_exists="no"), user=official)
    submit_for_tests(submission)
    session.flush()
    as_user(client, reviewer)
    # Only "is there a guard" is asked: the section keeps that one answer.
    html = item_page_html(client, submission, "guard_exists")
    assert html.count('<article class="review-item') == 1


def test_an_unknown_section_is_not_found_and_officials_see_no_section_page(
        client, assigned, official, reviewer):
    as_user(client, reviewer)
    assert client.get(f"{page_url(assigned)}/sections/nope").status_code == 404
    as_user(client, official)
    assert client.get(f"{page_url(assigned)}/sections/budget").status_code == 404


def test_the_section_page_speaks_english(client, assigned, reviewer):
    as_user(client, reviewer)
    client.post("/language/en", data={"next": "/"})
    html = item_page_html(client, assigned, "budget_754_total")
    assert "← Summary and decision" in html
    assert '<span class="visually-hidden"> to be verified</span>' in html
