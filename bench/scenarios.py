"""The measured pages: each scenario is one portal call and the floor call it is held against.

A scenario's `portal` and `floor` functions get a client already on that server (logged in as
`account` on the portal) and the scratch data, visit the page once as a browser would, and
return the call the load driver repeats. To benchmark another page, append a Scenario.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from http_load import Call, Client, multipart, scrape_form
from review_data import REVIEWER
from scratch import OFFICIAL, Fixture

from portal.review.queue import PER_PAGE


@dataclass(frozen=True)
class Scenario:
    name: str
    what: str
    portal: Callable[[Client, Fixture], Call]
    floor: Callable[[Client, Fixture], Call]
    account: str = OFFICIAL


def largest_section(fixture: Fixture) -> str:
    return max(fixture.sections, key=lambda key: fixture.sections[key])


def smallest_section(fixture: Fixture) -> str:
    return min(fixture.sections, key=lambda key: fixture.sections[key])


def section_path(fixture: Fixture, key: str) -> str:
    return f"/submissions/{fixture.submission_id}/sections/{key}"


def floor_path(fixture: Fixture) -> str:
    """The floor page with as many inputs as the portal's largest section page draws."""
    return f"/items/{fixture.section_inputs or fixture.sections[largest_section(fixture)]}"


def review_path(submission_id: int, section: str | None = None) -> str:
    """The review summary of a submission, or the review page of one of its sections."""
    path = f"/review/submissions/{submission_id}"
    return f"{path}/sections/{section}" if section else path


def _visit(client: Client, path: str) -> str:
    page = client.browse(Call("GET", path))  # also picks up the session's CSRF cookie
    if page.status != 200:
        raise RuntimeError(f"GET {path} answered {page.status}")
    return page.text


def _get(client: Client, path: str) -> Call:
    _visit(client, path)
    return Call("GET", path, headers=client.cookie_header())


def _resave(client: Client, path: str, form_id: str | None) -> Call:
    """Post the form back with the values it shows: parsing, validation and the save run."""
    form = scrape_form(_visit(client, path), form_id)
    body, content_type = multipart([*form.fields, ("_action", "save")], form.files)
    headers = {**client.cookie_header(), "Content-Type": content_type}
    return Call("POST", path, body, headers, expect=302)


SCENARIOS = [
    Scenario(
        "section GET",
        "the largest section page (stored answers, evaluation, form) as its official",
        portal=lambda c, fx: _get(c, section_path(fx, largest_section(fx))),
        floor=lambda c, fx: _get(c, floor_path(fx)),
    ),
    Scenario(
        "section POST",
        "saving the largest section unchanged: _revisions + CSRF from the GET, expects 302",
        portal=lambda c, fx: _resave(c, section_path(fx, largest_section(fx)), "section-form"),
        floor=lambda c, fx: _resave(c, floor_path(fx), None),
    ),
    Scenario(
        "review queue GET",
        f"the first page of the review queue ({PER_PAGE} rows of 2,477, default sort) as a "
        "reviewer",
        portal=lambda c, fx: _get(c, "/review/"),
        floor=lambda c, fx: _get(c, f"/queue/{fx.edition_id}/{PER_PAGE}"),
        account=REVIEWER,
    ),
    Scenario(
        "review page GET",
        "the review page of the largest section of a complete submission (values, last "
        "year's values, changes, flags, peers, forms) as its assigned reviewer",
        portal=lambda c, fx: _get(c, review_path(fx.review_full_id, fx.review_section)),
        floor=lambda c, fx: _get(c, f"/answers/{fx.review_full_id}/{fx.review_rows}"),
        account=REVIEWER,
    ),
    Scenario(
        "review summary GET",
        "the review summary of a complete submission (each section's counts of verified, "
        "pending, queried and flagged answers; the decision) as its assigned reviewer",
        portal=lambda c, fx: _get(c, review_path(fx.review_full_id)),
        floor=lambda c, fx: _get(c, f"/answers/{fx.review_full_id}/{fx.review_rows}"),
        account=REVIEWER,
    ),
]
