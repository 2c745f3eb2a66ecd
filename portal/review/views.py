"""The reviewer's pages: the queue, one submission's review, decisions and its timeline."""

from __future__ import annotations

from functools import cache

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from portal.auth.models import Role, User
from portal.core.access import role_required
from portal.core.errors import DomainError
from portal.core.read_only import reads_only
from portal.db import session, utcnow
from portal.editions.models import Edition
from portal.editions.services import current_edition
from portal.municipalities.models import Gmina, Powiat
from portal.review import forms, services
from portal.review.models import ReviewQuery
from portal.review.page import build_review
from portal.review.queue import STATUSES, QueueFilters, review_queue
from portal.review.snapshots import snapshot_history
from portal.review.timeline import KINDS, timeline
from portal.submissions.models import Submission
from portal.submissions.services import definition_of
from portal.submissions.workflow import STATE_LABELS

bp = Blueprint("review", __name__, url_prefix="/review")


def _staff_submission(submission_id: int) -> Submission:
    """The submission with its gmina, edition (and its questionnaire version) and reviewer, in
    one query; 404 for officials and unknown ids."""
    if not current_user.is_staff:
        abort(404)
    submission = session.scalar(_staff_submission_query(), {"submission_id": submission_id})
    if submission is None:
        abort(404)
    return submission


@cache
def _staff_submission_query() -> Select:
    # Built once (on first use, when every model is imported): SQLAlchemy then reuses its cache
    # key, which with three chains of joins costs about as much as running the query.
    return (
        select(Submission).where(Submission.id == bindparam("submission_id"))
        .options(joinedload(Submission.gmina).joinedload(Gmina.powiat)
                 .joinedload(Powiat.voivodeship),
                 joinedload(Submission.edition).joinedload(Edition.questionnaire_version),
                 joinedload(Submission.reviewer))
    )


def _query_for_user(query_id: int) -> ReviewQuery:
    """Staff see every query; an official only the queries sent to their gmina."""
    query = session.get(ReviewQuery, query_id)
    if query is None:
        abort(404)
    if current_user.is_official and (query.submission.gmina_id != current_user.gmina_id
                                     or query.sent_at is None):
        abort(404)
    return query


def _me() -> User:
    """The logged-in user's account (services link rows to it; e-mails outlive the request)."""
    return current_user.record()


def _back(submission: Submission, item_key: str | None = None):
    """To the answer's place on its section's page, or to the submission's summary."""
    section = definition_of(submission).section_of.get(item_key) if item_key else None
    if section is None:
        return redirect(url_for(".submission", submission_id=submission.id))
    return redirect(url_for(".section", submission_id=submission.id, section_key=section.key,
                            _anchor=f"item-{item_key}"))


def _run(action, success: str) -> bool:
    """Run a service call as one unit of work: commit and flash, or roll back and explain."""
    try:
        action()
    except DomainError as error:
        session.rollback()
        flash(str(error), "error")
        return False
    session.commit()
    flash(success, "success")
    return True


def _form_refused(form) -> None:
    messages = [str(m) for errors in form.errors.values() for m in errors]
    flash(messages[0] if messages else _("Formularz wygasł. Odśwież stronę."), "error")


# --- queue ------------------------------------------------------------------------------------
def _filters() -> QueueFilters:
    args = request.args
    status = args.get("status") if args.get("status") in {s.value for s in STATUSES} else None
    kind = args.get("kind", type=int)
    return QueueFilters(
        status=status, voivodeship=args.get("voivodeship") or None,
        kind=kind if kind in (1, 2, 3) else None, mine=args.get("mine") == "1",
        unassigned=args.get("unassigned") == "1", sort=args.get("sort", "waiting"),
        descending=args.get("dir") == "desc", page=max(1, args.get("page", 1, type=int) or 1))


@bp.route("/")
@reads_only
@role_required(Role.REVIEWER, Role.ADMIN)
def queue():
    edition = current_edition()
    if edition is None:
        return render_template("submissions/no_edition.html")
    filters = _filters()
    page = review_queue(edition, filters, user=current_user)
    # Translated once: each lookup of a lazy label would translate it again (50 rows).
    labels = {state: str(label) for state, label in STATE_LABELS.items()}
    return render_template("review/queue.html", edition=edition, page=page, filters=filters,
                           labels=labels, now=utcnow(), statuses=STATUSES,
                           queue_url=_queue_url)


def _queue_url(**changes) -> str:
    """The queue's URL with the current filters, some changed (None removes one)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(".queue", **args)


# --- one submission ---------------------------------------------------------------------------
@bp.route("/submissions/<int:submission_id>")
@reads_only
@login_required
def submission(submission_id: int):
    """The summary: the gmina, the progress of each section, the changes since a return and the
    decision. The answers themselves are on the section pages."""
    submission = _staff_submission(submission_id)
    locale = str(get_locale())
    data = build_review(submission, locale=locale, shown=frozenset(), all_flags=True)
    assign_form = None
    if current_user.role == Role.ADMIN:
        assign_form = forms.AssignForm(reviewer_id=submission.reviewer_id)
        assign_form.reviewer_id.choices = [
            SelectChoice(user.id, user.name) for user in session.scalars(
                select(User).where(User.role.in_([Role.REVIEWER, Role.ADMIN]),
                                   User.active.is_(True)).order_by(User.name))]
    # The decision and reopen forms are written out in the template with the page's CSRF token.
    return render_template(
        "review/submission.html", submission=submission, data=data,
        refusal=services.decision_refusal(submission, current_user), assign_form=assign_form,
        locale=locale, labels=STATE_LABELS,
        snapshots=snapshot_history(submission) if submission.approved_at else [])


@bp.route("/submissions/<int:submission_id>/sections/<section_key>")
@reads_only
@login_required
def section(submission_id: int, section_key: str):
    """One section's answers, each with its context, flags, query threads and forms."""
    submission = _staff_submission(submission_id)
    section = next((s for s in definition_of(submission).sections if s.key == section_key), None)
    if section is None:
        abort(404)
    locale = str(get_locale())
    data = build_review(submission, locale=locale, shown=frozenset((section_key,)))
    return render_template(
        "review/section.html", submission=submission, data=data, section=section,
        refusal=services.decision_refusal(submission, current_user), locale=locale)


@bp.route("/submissions/<int:submission_id>/assign", methods=["POST"])
@role_required(Role.REVIEWER, Role.ADMIN)
def assign(submission_id: int):
    submission = _staff_submission(submission_id)
    reviewer = _me()
    if current_user.role == Role.ADMIN and request.form.get("reviewer_id"):
        reviewer = session.get(User, request.form.get("reviewer_id", type=int) or 0)
        if reviewer is None:
            abort(400)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    _run(lambda: services.assign(submission, reviewer, actor=_me()),
         _("Przypisano recenzenta: %(name)s.", name=reviewer.name))
    return _back(submission)


@bp.route("/submissions/<int:submission_id>/answers/<item_key>/verify", methods=["POST"])
@role_required(Role.REVIEWER, Role.ADMIN)
def verify(submission_id: int, item_key: str):
    submission = _staff_submission(submission_id)
    form = forms.VerifyForm()
    if not form.validate_on_submit():
        _form_refused(form)
    else:
        _run(lambda: services.verify(submission, item_key, expected_version=form.version.data,
                                     actor=_me()), _("Odpowiedź zweryfikowana."))
    return _back(submission, item_key)


@bp.route("/submissions/<int:submission_id>/answers/<item_key>/queries", methods=["POST"])
@role_required(Role.REVIEWER, Role.ADMIN)
def open_query(submission_id: int, item_key: str):
    submission = _staff_submission(submission_id)
    form = forms.QueryForm()
    if not form.validate_on_submit():
        _form_refused(form)
    else:
        _run(lambda: services.open_query(submission, item_key, form.comment.data,
                                         expected_version=form.version.data,
                                         actor=_me()),
             _("Pytanie zapisane. Gmina zobaczy je po zwrocie ankiety."))
    return _back(submission, item_key)


@bp.route("/queries/<int:query_id>/replies", methods=["POST"])
@login_required
def reply(query_id: int):
    query = _query_for_user(query_id)
    form = forms.ReplyForm()
    if not form.validate_on_submit():
        _form_refused(form)
    else:
        _run(lambda: services.reply(query, form.body.data, actor=_me()),
             _("Odpowiedź wysłana."))
    if current_user.is_official:
        section = definition_of(query.submission).section_of[query.item_key]
        return redirect(url_for("submissions.section", submission_id=query.submission_id,
                                section_key=section.key, _anchor=f"item-{query.item_key}"))
    return _back(query.submission, query.item_key)


@bp.route("/queries/<int:query_id>/close", methods=["POST"])
@role_required(Role.REVIEWER, Role.ADMIN)
def close_query(query_id: int):
    query = _query_for_user(query_id)
    form = forms.CloseQueryForm()
    if not form.validate_on_submit():
        _form_refused(form)
    else:
        _run(lambda: services.close_query(query, actor=_me(), comment=form.comment.data),
             _("Pytanie zamknięte."))
    return _back(query.submission, query.item_key)


@bp.route("/submissions/<int:submission_id>/sections/<section_key>/verify-all",
          methods=["GET", "POST"])
@login_required
def verify_section(submission_id: int, section_key: str):
    submission = _staff_submission(submission_id)
    data = build_review(submission, locale=str(get_locale()),
                        shown=frozenset((section_key,)))
    section = next((s for s, _rows in data.sections if s.key == section_key), None)
    if section is None:
        abort(404)
    form = forms.BulkVerifyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        expected = _posted_items(request.form.getlist("item"))
        if _run(lambda: services.bulk_verify(submission, section_key, expected,
                                             expected_lock=form.lock_version.data,
                                             actor=_me()),
                _("Zweryfikowano odpowiedzi bez uwag w sekcji „%(name)s”: %(n)d.",
                  name=section.title.get(str(get_locale())), n=len(expected))):
            return redirect(url_for(".section", submission_id=submission_id,
                                    section_key=section_key))
        return redirect(url_for(".verify_section", submission_id=submission_id,
                                section_key=section_key))
    candidates = {key for key, _version in services.bulk_candidates(data, section_key)}
    return render_template("review/verify_section.html", submission=submission, data=data,
                           section=section, form=form,
                           rows=[r for r in data.section_rows(section_key)
                                 if r.item.key in candidates],
                           refusal=services.decision_refusal(submission, current_user),
                           locale=str(get_locale()))


def _posted_items(values: list[str]) -> dict[str, int]:
    expected = {}
    for value in values:
        key, _sep, version = value.rpartition(":")
        if not key or not version.isdigit():
            abort(400)
        expected[key] = int(version)
    return expected


@bp.route("/submissions/<int:submission_id>/return", methods=["POST"])
@role_required(Role.REVIEWER, Role.ADMIN)
def return_to_gmina(submission_id: int):
    submission = _staff_submission(submission_id)
    form = forms.DecisionForm()
    if not form.validate_on_submit():
        _form_refused(form)
    else:
        _run(lambda: services.return_to_gmina(submission, expected_lock=form.lock_version.data,
                                              actor=_me(), comment=form.comment.data),
             _("Ankieta zwrócona do gminy; urzędnicy dostaną wiadomość e-mail."))
    return _back(submission)


@bp.route("/submissions/<int:submission_id>/approve", methods=["POST"])
@role_required(Role.REVIEWER, Role.ADMIN)
def approve(submission_id: int):
    submission = _staff_submission(submission_id)
    form = forms.DecisionForm()
    if not form.validate_on_submit():
        _form_refused(form)
    else:
        _run(lambda: services.approve(submission, expected_lock=form.lock_version.data,
                                      actor=_me(), comment=form.comment.data),
             _("Ankieta zatwierdzona; jej wartości zapisano jako migawkę."))
    return _back(submission)


@bp.route("/submissions/<int:submission_id>/reopen", methods=["POST"])
@role_required(Role.ADMIN)
def reopen(submission_id: int):
    submission = _staff_submission(submission_id)
    form = forms.ReopenForm()
    if not form.validate_on_submit():
        _form_refused(form)
    else:
        _run(lambda: services.reopen(submission, reason=form.reason.data,
                                     expected_lock=form.lock_version.data, actor=_me()),
             _("Ankieta ponownie otwarta do weryfikacji."))
    return _back(submission)


@bp.route("/submissions/<int:submission_id>/timeline")
@reads_only
@login_required
def history(submission_id: int):
    submission = _staff_submission(submission_id)
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else None
    return render_template("review/timeline.html", submission=submission, kind=kind,
                           kinds=KINDS, labels=STATE_LABELS,
                           entries=timeline(submission, definition_of(submission), kind))
