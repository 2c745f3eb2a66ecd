"""One section of the questionnaire as a page: build the form, read a save, explain problems."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup

from portal.core.errors import DomainError
from portal.db import utcnow
from portal.questionnaires.definition import Questionnaire, Section
from portal.questionnaires.evaluation import evaluate
from portal.questionnaires.forms import build_section_form, read_section_form
from portal.questionnaires.types import ITEM_TYPES
from portal.review.threads import queries_of
from portal.submissions import saving, services
from portal.submissions.item_display import EVIDENCE_SUFFIX, item_displays
from portal.submissions.item_html import render_items
from portal.submissions.item_view import ItemView, shown_value
from portal.submissions.models import Submission
from portal.submissions.section_nav import section_links
from portal.submissions.uploads import store_upload
from portal.submissions.workflow import State

CONTROL_FIELDS = {"csrf_token", "_revisions", "_action", "_remove_file", "_remove_evidence"}


@dataclass
class Outcome:
    saved: bool
    message: str = ""
    status: int = 200
    next_section: str | None = None
    anchor: str | None = None
    conflict: bool = False


class TamperedForm(DomainError):
    pass


@lru_cache(maxsize=4)
def _revisions_serializer(secret_key: str) -> URLSafeSerializer:
    # One per secret key: making a serializer costs as much as signing a section's token.
    return URLSafeSerializer(secret_key, salt="section-revisions")


class SectionPage:
    def __init__(self, submission: Submission, questionnaire: Questionnaire, section: Section, *,
                 locale: str, user, upload_folder: Path, now: datetime | None = None):
        self.submission = submission
        self.questionnaire = questionnaire
        self.section = section
        self.locale = locale
        self.user = user
        self.upload_folder = upload_folder
        self.now = now or utcnow()
        # Only the answers that decide this section: its items and those their rules use.
        self.answers = services.answer_rows(submission, questionnaire.keys_deciding(section))
        self.values = services.python_values(questionnaire, self.answers)
        self.evidence = services.evidence_keys(self.answers)
        self.read_only_reason = (
            None if services.can_edit(submission, user, self.now)
            else services.editing_refusal(submission, self.now) or _("Tylko do odczytu.")
        )
        # Queries reach the gmina only when a submitted submission is returned, and nothing goes
        # back to draft: a draft has none, so its pages skip the three queries that load them.
        sent = ([] if State(submission.status) == State.DRAFT
                else queries_of(submission.id, sent_only=True))
        # After a return only the queried items may change; the threads are shown beside them.
        self.editable = (None if self.read_only_reason
                         else services.editable_keys(submission, sent_queries=sent))
        self.queries: dict[str, list] = {}
        for query in sent:
            self.queries.setdefault(query.item_key, []).append(query)
        self.form = None
        self.fields: dict[str, Any] = {}  # item key -> its field (posted) or ShownValue (GET)
        self.items: list[ItemView] = []
        self.error_summary: list[tuple[str, str, str]] = []
        self.conflicts: dict[str, saving.Conflict] = {}
        self._revisions_token: str | None = None
        index = questionnaire.sections.index(section)
        self.next_section = questionnaire.sections[index + 1] if index + 1 < len(
            questionnaire.sections) else None

    @property
    def revisions_token(self) -> str:
        """The signed form base of the answers as loaded (only pages that are drawn need it)."""
        if self._revisions_token is None:
            self._revisions_token = self._sign_revisions()
        return self._revisions_token

    @property
    def prefilled_keys(self) -> list[str]:
        keys = {item.key for item in self.section.items}
        return [key for key in services.unconfirmed_prefills(self.answers) if key in keys]

    # --- rendering --------------------------------------------------------------------------
    def _form_class(self, rows: dict[str, int]):
        return build_section_form(self.section, self.questionnaire, self.locale, rows=rows)

    def _stored_rows(self) -> dict[str, int]:
        # build_section_form adds one blank row to the stored ones.
        return {item.key: len(self.values.get(item.key) or [])
                for item in self.section.items if item.type == "repeat"}

    def for_display(self) -> SectionPage:
        """The page for a GET: stored values, and problems with values already given."""
        data = {}
        for item in self.section.items:
            if item.key in self.values and item.type != "file":
                data[item.key] = ITEM_TYPES[item.type].form_data(self.values[item.key], item,
                                                                 self.locale)
        displays = item_displays(self.questionnaire, self.section, self.locale)
        self.fields = {display.key: shown_value(display.widget, data.get(display.key))
                       for display in displays if display.widget not in ("calculated", "repeat")}
        if any(item.type == "repeat" for item in self.section.items):
            # Repeating rows are still drawn by WTForms (a row per stored one, plus a blank).
            self.form = self._form_class(self._stored_rows())(formdata=None, data=data)
            self.fields.update((item.key, self.form[item.key]) for item in self.section.items
                               if item.type == "repeat")
        evaluation = evaluate(self.questionnaire, self.values, locale=self.locale,
                              evidence=self.evidence, section=self.section)
        errors = {key: msgs for key, msgs in evaluation.errors.items() if key in self.values}
        self._build_items(evaluation, errors)
        return self

    def _build_items(self, evaluation, errors: dict[str, list[str]]) -> None:
        prefilled = set(self.prefilled_keys)
        displays = item_displays(self.questionnaire, self.section, self.locale)
        self.items = []
        self.error_summary = []
        for item, display in zip(self.section.items, displays, strict=True):
            kind = ITEM_TYPES[item.type]
            view = ItemView(item=item, display=display,
                            field=self.fields.get(item.key),
                            relevant=evaluation.relevant.get(item.key, True),
                            errors=[str(e) for e in errors.get(item.key, [])],
                            prefilled=item.key in prefilled,
                            read_only_reason=self._item_refusal(item.key),
                            queries=self.queries.get(item.key, []))
            if item.type == "calculated":
                view.calculated_display = kind.format(evaluation.values.get(item.key), item,
                                                      self.locale)
            answer = self.answers.get(item.key)
            if item.type == "file":
                view.file_meta = answer.value if answer is not None else None
            if answer is not None:
                view.evidence_meta = answer.evidence
            if item.key in self.conflicts:
                conflict = self.conflicts[item.key]
                view.conflict = conflict
                if conflict.current_value is not None:
                    view.conflict_display = kind.format(
                        kind.from_json(conflict.current_value, item), item, self.locale)
            if view.errors and view.relevant:
                self.error_summary.extend((item.key, item.label.get(self.locale), e)
                                          for e in view.errors)
            self.items.append(view)

    def _item_refusal(self, key: str) -> str | None:
        if self.read_only_reason:
            return self.read_only_reason
        if self.editable is not None and key not in self.editable:
            return _("Po zwrocie ankiety można zmieniać tylko pola, o które pyta recenzent.")
        return None

    def section_links(self) -> Markup:
        """The section navigation's links (portal/submissions/section_nav.py)."""
        return section_links(self.questionnaire, self.section, self.submission.id, self.locale)

    def items_html(self) -> Markup:
        """The items as HTML (portal/submissions/item_html.py), for the template."""
        return render_items(self)

    @property
    def open_query_count(self) -> int:
        return sum(1 for queries in self.queries.values() for q in queries if q.is_open)

    # --- saving -----------------------------------------------------------------------------
    def handle_post(self, request) -> Outcome:
        """Validate and store a save; never stores part of it when something is wrong."""
        if self.read_only_reason:
            self.for_display()
            return Outcome(False, self.read_only_reason, 403)
        rows = self._posted_rows(request.form)
        self.form = self._form_class(rows)()
        self.fields = {field.name: field for field in self.form if field.name != "csrf_token"}
        try:
            self._check_posted_names(request.form, request.files)
            base = self._read_revisions(request.form.get("_revisions", ""))
        except TamperedForm as error:
            self.for_display()
            return Outcome(False, str(error), 400)
        if not self.form.validate_on_submit():
            self.for_display()
            return Outcome(False, _("Formularz wygasł. Odśwież stronę i spróbuj ponownie."), 400)
        values, errors = read_section_form(self.form, self.section)
        values = {k: v for k, v in values.items() if self.questionnaire.item(k).type != "file"}
        self._drop_unposted(request.form, values)
        self._read_uploads(request, values, errors)
        evidence = self._read_evidence(request, errors)
        merged = {**self.values, **values}
        evaluation = evaluate(self.questionnaire, merged, locale=self.locale,
                              evidence=self.evidence | {k for k, v in evidence.items() if v},
                              section=self.section)
        if errors:
            self._build_items(evaluation, errors)
            return Outcome(False, _("Nie zapisano: popraw zaznaczone pola (%(n)d).",
                                    n=len(self.error_summary)), 422)
        try:
            changed = saving.save_section(self.submission, self.section, values, base,
                                            actor=self.user, now=self.now, answers=self.answers)
            for key, meta in evidence.items():
                saving.attach_evidence(self.submission, key, meta, actor=self.user,
                                         now=self.now)
        except saving.StaleSection as stale:
            return self._conflict_outcome(stale, evaluation, values, base)
        except DomainError as error:
            self._build_items(evaluation, {})
            return Outcome(False, str(error), 409)
        return self._saved_outcome(changed, evaluation, request.form.get("_action"))

    def _saved_outcome(self, changed: int, evaluation, action: str | None) -> Outcome:
        # Only answers that are there and wrong: empty required items are for the review page.
        problems = sum(1 for item in self.section.items
                       if item.key in evaluation.errors and item.key in evaluation.values)
        message = _("Zapisano sekcję „%(name)s”.", name=self.section.title.get(self.locale))
        if problems:
            message += " " + _("Pola wymagające uwagi: %(n)d.", n=problems)
        go_next = action == "save_next" and self.next_section is not None
        return Outcome(True, message, 302,
                       next_section=self.next_section.key if go_next else None)

    def _conflict_outcome(self, stale: saving.StaleSection, evaluation,
                          values: dict[str, Any], old_base: dict[str, list]) -> Outcome:
        self.conflicts = {c.item_key: c for c in stale.conflicts}
        # The user has now seen the other person's values of the conflicting items: saving
        # again keeps theirs. Items they left untouched keep the old base, so a second save
        # still leaves a colleague's newer values there alone.
        self.answers = services.answer_rows(self.submission,
                                            self.questionnaire.keys_deciding(self.section))
        base = saving.form_base(self.answers, [item.key for item in self.section.items])
        for key, (revision, fingerprint) in old_base.items():
            item = self.questionnaire.items_by_key.get(key)
            if item is None or key not in values or key in self.conflicts:
                continue
            kind = ITEM_TYPES[item.type]
            posted = None if kind.is_empty(values[key]) else kind.to_json(values[key], item)
            if saving.value_fingerprint(posted) == fingerprint:
                base[key] = [revision, fingerprint]
        self._revisions_token = self._serializer().dumps(
            [self.submission.id, self.section.key, base])
        self._build_items(evaluation, {})
        names = ", ".join(
            f"{self.questionnaire.item(c.item_key).label.get(self.locale)} ({c.changed_by})"
            for c in stale.conflicts)
        return Outcome(False, _("Nie zapisano: w międzyczasie inna osoba zmieniła pola: "
                                "%(names)s. Twoje wpisy są poniżej – sprawdź je i zapisz "
                                "ponownie.", names=names), 409, conflict=True)

    def _drop_unposted(self, form, values: dict[str, Any]) -> None:
        """An item the browser did not post at all is not changed by this save.

        Browsers leave out disabled fields (items locked after a return) and radio groups
        nobody has chosen in yet; a checkbox group with every box cleared is also left out, so
        for an editable multiple choice "not posted" still means "cleared". A locked item that
        was posted anyway stays, and the service refuses the save if it differs.
        """
        for key in list(values):
            locked = self.editable is not None and key not in self.editable
            if self.questionnaire.item(key).type == "multiple_choice" and not locked:
                continue
            if not any(name == key or name.startswith(key + "-") for name in form):
                del values[key]

    def _posted_rows(self, form) -> dict[str, int]:
        rows = {}
        for item in self.section.items:
            if item.type != "repeat":
                continue
            prefix = item.key + "-"
            indexes = {name[len(prefix):].split("-", 1)[0] for name in form if
                       name.startswith(prefix)}
            rows[item.key] = len([i for i in indexes if i.isdigit()])
        return rows

    def _check_posted_names(self, form, files) -> None:
        keys = {item.key for item in self.section.items}
        for name in list(form.keys()) + list(files.keys()):
            base = name.removesuffix(EVIDENCE_SUFFIX)
            if name in CONTROL_FIELDS or base in keys or name.split("-", 1)[0] in keys:
                continue
            raise TamperedForm(_("Nieznane pole formularza: „%(name)s”. Nic nie zapisano.",
                                 name=name[:64]))

    def _serializer(self) -> URLSafeSerializer:
        return _revisions_serializer(current_app.config["SECRET_KEY"])

    def _sign_revisions(self) -> str:
        base = saving.form_base(self.answers, [item.key for item in self.section.items])
        return self._serializer().dumps([self.submission.id, self.section.key, base])

    def _read_revisions(self, token: str) -> dict[str, list]:
        try:
            submission_id, section_key, revisions = self._serializer().loads(token)
        except (BadSignature, ValueError, TypeError) as error:
            raise TamperedForm(_("Formularz został zmieniony (pole _revisions). Odśwież stronę; "
                                 "nic nie zapisano.")) from error
        if submission_id != self.submission.id or section_key != self.section.key:
            raise TamperedForm(_("Formularz dotyczy innej sekcji. Odśwież stronę; nic nie "
                                 "zapisano."))
        try:
            return {str(k): [int(v[0]), str(v[1])] for k, v in revisions.items()}
        except (TypeError, ValueError, IndexError, AttributeError) as error:
            raise TamperedForm(_("Formularz został zmieniony (pole _revisions). Odśwież "
                                 "stronę; nic nie zapisano.")) from error

    def _read_uploads(self, request, values: dict[str, Any], errors: dict[str, list[str]]):
        removed = set(request.form.getlist("_remove_file"))
        for item in self.section.items:
            if item.type != "file":
                continue
            upload = request.files.get(item.key)
            if upload is not None and upload.filename:
                try:
                    values[item.key] = store_upload(
                        upload, folder=self.upload_folder, label=item.label.get(self.locale),
                        extensions=item.extensions or None, max_size_mb=item.max_size_mb or 20)
                except DomainError as error:
                    errors.setdefault(item.key, []).append(str(error))
            elif item.key in removed:
                values[item.key] = None

    def _read_evidence(self, request, errors: dict[str, list[str]]) -> dict[str, dict | None]:
        """Documents attached to answers (items with `evidence`); None means removed."""
        removed = set(request.form.getlist("_remove_evidence"))
        found: dict[str, dict | None] = {}
        for item in self.section.items:
            if item.evidence == "none":
                continue
            upload = request.files.get(item.key + EVIDENCE_SUFFIX)
            if upload is not None and upload.filename:
                label = _("%(item)s – dokument", item=item.label.get(self.locale))
                try:
                    found[item.key] = store_upload(upload, folder=self.upload_folder,
                                                   label=label, extensions=None, max_size_mb=20)
                except DomainError as error:
                    errors.setdefault(item.key, []).append(str(error))
            elif item.key in removed:
                found[item.key] = None
        return found
