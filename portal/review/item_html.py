"""The answers on the reviewer's page of one section of a submission, as HTML.

The page shows every relevant answer of the section (up to 30) with its status, values, flags,
query threads and forms. Written as a Jinja loop this was half of the page's time: some 27
escapes and 27 attribute lookups an answer. As on the section page
(portal/submissions/item_html.py), what is the same for every submission (an item's key, label
and unit, the status headings) is escaped once per process, questionnaire and locale, and a view
escapes only
what it shows of this submission: values, names, dates, flag messages. The query threads, a few a
page, still come from the `review/_thread.html` macros. Keys are written as they are: the loader
admits only `[a-z][a-z0-9_]*` (item_reader.KEY_PATTERN). Translations are called outside
f-strings: pybabel does not look inside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from flask import get_template_attribute
from flask_babel import force_locale
from markupsafe import Markup, escape

from portal.core.csrf import csrf_token
from portal.core.formatting import local_datetime
from portal.core.i18n import html_gettext as _
from portal.core.urls import ANY_KEY, cached_url_for
from portal.questionnaires.definition import Item, Questionnaire
from portal.review.flags import KIND_LABELS

if TYPE_CHECKING:
    from portal.review.page import ItemRow, ReviewData

STATUS_CSS = {"verified": "approved", "queried": "returned", "pending": "draft"}

_CACHE: WeakKeyDictionary[Questionnaire, dict[str, _Parts]] = WeakKeyDictionary()


@dataclass(frozen=True)
class _Item:
    """An item's HTML that does not depend on the submission."""

    opening: dict[str, str]  # status -> the article's start, heading and the answer's label
    unit: str  # ' <span class="unit">…</span>', or "" for an item without a unit
    evidence: bool  # whether the item takes a supporting document


@dataclass(frozen=True)
class _Parts:
    """A questionnaire's fixed HTML in one locale."""

    items: dict[str, _Item]


def render_section(data: ReviewData, rows: list[ItemRow], *, may_decide: bool) -> Markup:
    """The answers of one section (`rows`, built with their texts: ReviewData.shown).

    `may_decide`: the viewer may verify, ask and close queries (services.decision_refusal).
    """
    parts = _parts(data.questionnaire, data.locale)
    page = _Page(data, rows, may_decide)
    return Markup("".join(_item(row, parts.items[row.item.key], page) for row in rows))


class _Page:
    """What every item of one view shares: permissions, links, the CSRF token, and the fixed
    HTML between an item's values, put together once per view."""

    def __init__(self, data: ReviewData, rows: list[ItemRow], may_decide: bool):
        submission = data.submission
        self.questionnaire = data.questionnaire
        self.may_decide = may_decide
        self.in_review = submission.status == "submitted"
        self.may_act = self.in_review and may_decide
        self.threads_open = submission.status in ("submitted", "returned")
        self.thread = self.reply_form = None
        self._times: dict[datetime, str] = {}
        if any(row.queries for row in rows):
            self.thread = get_template_attribute("review/_thread.html", "thread")
            self.reply_form = get_template_attribute("review/_thread.html", "reply_form")
        self.url_file = self._url("submissions.download_file", submission.id)
        self.url_evidence = self._url("submissions.download_evidence", submission.id)
        self.url_verify = self._url("review.verify", submission.id)
        self.url_query = self._url("review.open_query", submission.id)
        self.flag_labels = {kind: escape(str(label)) for kind, label in KIND_LABELS.items()}
        previous, change = _("Poprzednia edycja (zatwierdzona)"), _("Zmiana")
        evidence, verified = _("Dokument potwierdzający"), _("Zweryfikowano")
        flags = _("Automatyczne uwagi (tylko informacja)")
        verify, ask = _("Zweryfikuj"), _("Zadaj pytanie gminie")
        question, save = _("Pytanie lub uwaga (wymagane)"), _("Zapisz pytanie")
        self.previous = f"</dd></div>\n<div><dt>{previous}</dt><dd>"
        self.change = f"</dd></div>\n<div><dt>{change}</dt><dd>"
        self.evidence = f"</dd></div>\n<div><dt>{evidence}</dt><dd>"
        self.verified = f"</dd></div>\n<div><dt>{verified}</dt><dd>"
        self.flags = f'\n</dl>\n<ul class="flags" aria-label="{flags}">\n'
        # The item's two forms, around its key and review version.
        csrf = f'<input type="hidden" name="csrf_token" value="{escape(csrf_token())}">\n'
        self.version = f'{csrf}<input type="hidden" name="version" value="'
        self.verify = (f'">\n<button type="submit" class="button">{verify}</button>\n'
                       "</form>\n")
        self.ask = f'<details>\n<summary>{ask}</summary>\n<form method="post" action="'
        self.question = question
        self.save = (f'name="comment" required maxlength="5000"></textarea>\n'
                     f'<button type="submit" class="button">{save}</button>\n</form>\n'
                     "</details>\n")

    def when(self, value: datetime) -> str:
        """local_datetime(value), escaped; worked out once per minute shown on this view.

        Times are shown to the minute, and answers verified together (a whole section at once)
        share one: converting each was a third of this HTML's time. UTC offsets and their
        changes fall on whole minutes, so the minute alone decides the text.
        """
        minute = value.replace(second=0, microsecond=0)
        text = self._times.get(minute)
        if text is None:
            text = self._times[minute] = escape(local_datetime(minute))
        return text

    @staticmethod
    def _url(endpoint: str, submission_id: int) -> str:
        return str(escape(cached_url_for(endpoint, submission_id=submission_id, item_key=ANY_KEY)))


def _item(row: ItemRow, fixed: _Item, page: _Page) -> str:
    key = row.item.key
    answer = row.answer
    shown = escape(row.display)
    if row.file_meta:
        shown = f'<a href="{page.url_file.replace(ANY_KEY, key)}">{shown}</a>'
    out = [fixed.opening[row.status], shown]
    if fixed.unit and answer is not None and answer.value is not None:
        out.append(fixed.unit)
    out.append(page.previous)
    if row.previous_display:
        out.append(escape(row.previous_display))
        out.append(fixed.unit)
    else:
        out.append("—")
    out.append(page.change)
    out.append(escape(row.change) if row.change else "—")
    if fixed.evidence:
        evidence = row.evidence
        out.append(page.evidence)
        out.append(f'<a href="{page.url_evidence.replace(ANY_KEY, key)}">'
                   f'{escape(evidence.get("name", ""))}</a>' if evidence else "—")
    if row.verified:
        review = row.review
        who = review.verified_by_name
        out.append(page.verified)
        out.append("—" if who is None else escape(who))  # None: nobody (users.name is not null)
        out.append(", ")
        out.append(page.when(review.verified_at))
    out.append("</dd></div>")
    if row.flags:
        labels = page.flag_labels
        out.append(page.flags)
        out.extend(f'<li><span class="flag">{labels.get(flag.kind, "")}</span> '
                   f"{escape(flag.message)}</li>" for flag in row.flags)
        out.append("\n</ul>\n")
    else:
        out.append("\n</dl>\n")
    for query in row.queries:
        is_open = query.is_open
        out.append(page.thread(
            query, page.questionnaire,
            reply_allowed=page.may_decide and is_open and page.threads_open,
            close_allowed=page.may_decide and is_open and page.in_review))
        if page.may_decide and is_open:
            out.append(page.reply_form(query))
        out.append("\n")
    if page.may_act:
        out.append('<div class="item-actions">\n')
        if row.open_query is None:
            version = f"{page.version}{row.review_version}"
            if not row.verified:
                out.append(f'<form method="post" action="{page.url_verify.replace(ANY_KEY, key)}">'
                           f"\n{version}{page.verify}")
            out.append(f'{page.ask}{page.url_query.replace(ANY_KEY, key)}">\n{version}">\n'
                       f'<label for="query-{key}">{page.question}</label>\n'
                       f'<textarea id="query-{key}" {page.save}')
        out.append("</div>\n")
    out.append("</article>\n")
    return "".join(out)


def _parts(questionnaire: Questionnaire, locale: str) -> _Parts:
    """The questionnaire's fixed HTML in `locale`; computed once per process."""
    by_locale = _CACHE.setdefault(questionnaire, {})
    parts = by_locale.get(locale)
    if parts is None:
        # In `locale` whatever the request's: the parts are kept for every later request in it.
        with force_locale(locale):
            statuses = {"verified": _("zweryfikowana"), "queried": _("pytanie otwarte"),
                        "pending": _("do weryfikacji")}
            answer = _("Odpowiedź")
        parts = by_locale[locale] = _Parts(
            items={item.key: _fixed_item(item, locale, statuses, answer)
                   for section in questionnaire.sections for item in section.items})
    return parts


def _fixed_item(item: Item, locale: str, statuses: dict[str, str], answer: str) -> _Item:
    key, label = item.key, escape(item.label.get(locale))
    unit = item.unit.get(locale) if item.unit else None
    opening = {
        status: (f'<article class="review-item status-{status}" id="item-{key}" '
                 f'aria-labelledby="label-{key}">\n<h3 class="item-label" id="label-{key}">'
                 f'{label} <span class="status status-{STATUS_CSS[status]}">{text}</span></h3>\n'
                 f'<dl class="review-values">\n<div><dt>{answer}</dt><dd>')
        for status, text in statuses.items()}
    return _Item(opening=opening,
                 unit=f' <span class="unit">{escape(unit)}</span>' if unit else "",
                 evidence=item.evidence != "none")
