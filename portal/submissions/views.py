"""The official's journey: dashboard, one page per section, review and submit."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.core.access import role_required
from portal.core.errors import DomainError
from portal.core.read_only import reads_only
from portal.db import session, utcnow
from portal.editions.services import current_edition
from portal.review.threads import queries_of
from portal.submissions import saving, services
from portal.submissions.forms import DeclarationForm, SectionPage, SimpleActionForm
from portal.submissions.heading import SubmissionHeading, submission_heading
from portal.submissions.models import Submission
from portal.submissions.uploads import stored_path

bp = Blueprint("submissions", __name__)


def _load(submission_id: int, *, heading_only: bool = False
          ) -> Submission | SubmissionHeading:
    """The submission if the current user may see it; 404 otherwise (never reveal existence).

    `heading_only`: its heading (submissions/heading.py), for pages that only show it.
    """
    if heading_only:
        submission = submission_heading(submission_id)
    else:
        submission = services.get_submission(submission_id)
    if submission is None or not services.visible_to(submission, current_user):
        abort(404)
    return submission


def _section_or_404(submission: Submission | SubmissionHeading, section_key: str):
    questionnaire = services.definition_of(submission)
    for section in questionnaire.sections:
        if section.key == section_key:
            return questionnaire, section
    abort(404)


@bp.route("/ankieta")
@role_required("official")
def dashboard():
    edition = current_edition()
    if edition is None:
        return render_template("submissions/no_edition.html")
    submission = services.open_submission(edition, current_user.gmina_record(), actor=current_user)
    session.commit()
    answers = services.answers_by_key(submission)
    evaluation = services.evaluate_submission(submission, answers)
    return render_template(
        "submissions/dashboard.html",
        edition=edition,
        submission=submission,
        questionnaire=services.definition_of(submission),
        evaluation=evaluation,
        totals=services.required_totals(evaluation),
        prefilled=set(services.unconfirmed_prefills(answers)),
        refusal=services.editing_refusal(submission, utcnow()),
        queries=queries_of(submission.id, sent_only=True, open_only=True),
    )


@bp.route("/submissions/<int:submission_id>/sections/<section_key>", methods=["GET", "POST"])
@reads_only
@login_required
def section(submission_id: int, section_key: str):
    submission = _load(submission_id, heading_only=request.method != "POST")
    questionnaire, section = _section_or_404(submission, section_key)
    page = SectionPage(submission, questionnaire, section, locale=str(get_locale()),
                       user=current_user, upload_folder=Path(current_app.config["UPLOAD_FOLDER"]))
    if request.method == "POST":
        outcome = page.handle_post(request)
        if request.headers.get("X-Autosave") == "1":
            return _autosave_response(page, outcome)
        if outcome.saved:
            session.commit()
            flash(outcome.message, "success")
            target = outcome.next_section or section.key
            return redirect(url_for(".section", submission_id=submission.id,
                                    section_key=target, _anchor=outcome.anchor))
        session.rollback()
        if outcome.message:
            flash(outcome.message, "error")
        return render_template("submissions/section.html", page=page), outcome.status
    return render_template("submissions/section.html", page=page.for_display())


def _autosave_response(page, outcome):
    """JSON for the page script: saved or not, and what to show or hide now."""
    if outcome.saved:
        session.commit()
        page = SectionPage(page.submission, page.questionnaire, page.section,
                           locale=page.locale, user=current_user,
                           upload_folder=page.upload_folder).for_display()
    else:
        session.rollback()
    payload = {
        "saved": outcome.saved,
        "message": outcome.message,
        "conflict": outcome.conflict,
        "revisions": page.revisions_token,
        "relevant": {view.item.key: view.relevant for view in page.items},
        "calculated": {view.item.key: view.calculated_display for view in page.items
                       if view.widget == "calculated"},
        "errors": {view.item.key: view.errors for view in page.items if view.errors},
    }
    return jsonify(payload), (200 if outcome.saved else outcome.status)


@bp.route("/submissions/<int:submission_id>/sections/<section_key>/confirm", methods=["POST"])
@role_required("official")
def confirm_prefilled(submission_id: int, section_key: str):
    submission = _load(submission_id)
    _questionnaire, section = _section_or_404(submission, section_key)
    if not SimpleActionForm().validate_on_submit():
        abort(400)
    try:
        count = saving.confirm_prefilled(submission, section, actor=current_user)
    except DomainError as error:
        session.rollback()
        flash(str(error), "error")
    else:
        session.commit()
        flash(_("Potwierdzono wartości z poprzedniej edycji: %(n)d.", n=count), "success")
    return redirect(url_for(".section", submission_id=submission.id, section_key=section.key))


@bp.route("/submissions/<int:submission_id>/review", methods=["GET", "POST"])
@reads_only
@login_required
def review(submission_id: int):
    submission = _load(submission_id)
    answers = services.answers_by_key(submission)
    evaluation = services.evaluate_submission(submission, answers)
    form = DeclarationForm()
    if request.method == "POST":
        if not current_user.is_official:
            abort(403)
        if form.validate_on_submit():
            try:
                services.submit(submission, declarant_name=form.name.data,
                                declarant_position=form.position.data,
                                declaration_accepted=form.accept.data, actor=current_user)
            except DomainError as error:
                session.rollback()
                flash(str(error), "error")
            else:
                session.commit()
                flash(_("Ankieta została przesłana do weryfikacji. Dziękujemy!"), "success")
                return redirect(url_for(".dashboard"))
        else:
            flash(_("Popraw błędy w oświadczeniu."), "error")
    return render_template(
        "submissions/review.html",
        submission=submission,
        questionnaire=services.definition_of(submission),
        evaluation=evaluation,
        problems=services.problems(services.definition_of(submission), evaluation),
        prefilled=services.unconfirmed_prefills(answers),
        form=form,
        refusal=services.editing_refusal(submission, utcnow()),
        locale=str(get_locale()),
    ), (200 if request.method == "GET" else 422)


@bp.route("/submissions/<int:submission_id>/files/<item_key>")
@login_required
def download_file(submission_id: int, item_key: str):
    answer = services.answers_by_key(_load(submission_id)).get(item_key)
    return _send_stored(answer.value if answer is not None else None)


@bp.route("/submissions/<int:submission_id>/evidence/<item_key>")
@login_required
def download_evidence(submission_id: int, item_key: str):
    answer = services.answers_by_key(_load(submission_id)).get(item_key)
    return _send_stored(answer.evidence if answer is not None else None)


def _send_stored(meta):
    if not isinstance(meta, dict):
        abort(404)
    path = stored_path(Path(current_app.config["UPLOAD_FOLDER"]), meta)
    if not path.exists():
        abort(404)
    # Always an attachment with the sniff-proof type we checked at upload: never rendered inline.
    response = send_file(path, mimetype=meta.get("content_type", "application/octet-stream"),
                         as_attachment=True, download_name=meta.get("name", "plik"))
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
