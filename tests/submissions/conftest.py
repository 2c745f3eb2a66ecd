"""Fixtures for the official's journey: an open 2018 edition and logged-in officials."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from portal.editions.models import Edition
from portal.submissions.services import open_submission
from tests import factories


@pytest.fixture
def edition() -> Edition:
    return factories.open_edition_2018()


@pytest.fixture
def kornik_official():
    return factories.official(factories.pilot_gmina("302109"), name="Katarzyna Kórnicka")


@pytest.fixture
def submission(edition, kornik_official):
    return open_submission(edition, kornik_official.gmina, actor=kornik_official)


@pytest.fixture
def logged_in(client, kornik_official):
    factories.login(client, kornik_official)
    return client


def revisions_token(html: str) -> str:
    return re.search(r'name="_revisions" value="([^"]+)"', html).group(1)


def section_url(submission, key: str) -> str:
    return f"/submissions/{submission.id}/sections/{key}"


class _FormFields(HTMLParser):
    """What a browser posts for one form: enabled inputs, checked boxes, textareas, selections."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs or "form" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("file", "submit"):
            if attrs.get("type") not in ("radio", "checkbox") or "checked" in attrs:
                self.fields.append((name, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.append((name, ""))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value") or ""))

    def handle_data(self, data):
        if self._textarea is not None:
            name, text = self.fields[-1]
            self.fields[-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_fields(html: str, form_id: str = "section-form") -> list[tuple[str, str]]:
    """The (name, value) pairs of the form as shown, to post it back unchanged."""
    parser = _FormFields(form_id)
    parser.feed(html)
    return parser.fields
