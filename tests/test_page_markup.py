"""Every page a person can reach, in every role, is markup assistive technology can use: no id
is repeated (labels, skip links and error summaries point at ids) and every form control has a
label. Crawled from the demo data with CSRF on, so each form carries its real token field."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser

from portal.demo import DEMO_PASSWORD, load_demo

START = ["/", "/ankieta", "/wyniki/projekt", "/review/", "/admin/scoring", "/admin/police",
         "/admin/outbox", "/ranking/2018"]
SKIP = ("/logout", "/pliki/", "/download", "/files/", "/evidence")
PAGES_PER_ROLE = 80


class _Controls(HTMLParser):
    """The ids of a page, and its form controls a person fills in, with how each is labelled."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.controls: list[tuple[str, str | None, bool]] = []  # (description, id, labelled)
        self._open_labels = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(attributes["id"])
        if tag == "label":
            self._open_labels += 1
            if attributes.get("for"):
                self.label_for.add(attributes["for"])
        if tag in ("input", "select", "textarea") and attributes.get("type") not in (
                "hidden", "submit", "button", "reset", "image"):
            named = bool(attributes.get("aria-label") or attributes.get("aria-labelledby"))
            self.controls.append((f"{tag}[name={attributes.get('name')}]", attributes.get("id"),
                                  named or self._open_labels > 0))

    def handle_endtag(self, tag):
        if tag == "label":
            self._open_labels -= 1


def _problems(html: str) -> list[str]:
    parser = _Controls()
    parser.feed(html)
    found = [f"id {i!r} repeated" for i in sorted(set(parser.ids)) if parser.ids.count(i) > 1]
    found += [f"{what} has no label" for what, control_id, labelled in parser.controls
              if not labelled and control_id not in parser.label_for]
    return found


def _log_in(client, email: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302


def _crawl(client) -> tuple[int, dict[str, list[str]]]:
    queue, seen, problems = deque(START), set(), {}
    while queue and len(seen) < PAGES_PER_ROLE:
        path = queue.popleft()
        if path in seen or any(part in path for part in SKIP):
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        found = _problems(html)
        if found:
            problems[path] = found
        queue.extend(href for href in re.findall(r'href="(/[^"#?]*)', html) if href not in seen)
    return len(seen), problems


def test_pages_repeat_no_id_and_label_every_control(app, monkeypatch):
    with app.app_context():
        load_demo()  # once: every role's pages over the same data
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    for email in (None, "kornik@demo.gminabezpieczna.pl", "recenzent@demo.gminabezpieczna.pl",
                  "admin@demo.gminabezpieczna.pl"):
        client = app.test_client()
        if email:
            _log_in(client, email)
        visited, problems = _crawl(client)
        assert visited >= 20, email  # the crawl reached the role's pages
        assert problems == {}, email
