"""Scoring pages: runs for admins and reviewers, the draft scorecard and objections for gminy."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from portal.core.access import role_required
from portal.core.errors import DomainError
from portal.db import session
from portal.editions.models import POLAND, Edition
from portal.municipalities.models import Gmina
from portal.scoring import discard, objections, results, services
from portal.scoring.compare import compare
from portal.scoring.forms import (
    ConfirmForm,
    DeadlineForm,
    DiscardForm,
    ObjectionForm,
    ResolveForm,
    StartRunForm,
)
from portal.scoring.models import Objection, RunStatus, ScoringRun
from portal.submissions.uploads import store_upload, stored_path

bp = Blueprint("scoring", __name__)
STAFF = ("admin", "reviewer")


def today() -> date:
    return datetime.now(POLAND).date()


def _run_or_404(run_id: int) -> ScoringRun:
    return session.get(ScoringRun, run_id) or abort(404)


@bp.get("/admin/scoring")
@role_required(*STAFF)
def runs():
    editions = session.scalars(select(Edition).order_by(Edition.year.desc())).all()
    form = StartRunForm()
    form.edition.choices = [SelectChoice(e.id, str(e.year)) for e in editions]
    listing = [(e, results.runs(e)) for e in editions]
    return render_template("scoring/runs.html", listing=listing, form=form)


@bp.post("/admin/scoring/runs")
@role_required("admin")
def start():
    form = StartRunForm()
    form.edition.choices = [SelectChoice(e.id, str(e.year))
                            for e in session.scalars(select(Edition))]
    if not form.validate_on_submit():
        flash(_("Popraw formularz uruchomienia."), "error")
        return redirect(url_for("scoring.runs"))
    edition = session.get(Edition, form.edition.data) or abort(404)
    try:
        run = services.start_run(edition, actor=current_user, draws=form.draws.data,
                                 notes=form.notes.data)
        session.commit()
    except DomainError as error:
        session.rollback()
        flash(str(error), "error")
        return redirect(url_for("scoring.runs"))
    flash(_("Przebieg nr %(n)d gotowy (projekt).", n=run.number), "success")
    return redirect(url_for("scoring.run", run_id=run.id))


@bp.get("/admin/scoring/runs/<int:run_id>")
@role_required(*STAFF)
def run(run_id: int):
    scoring_run = _run_or_404(run_id)
    return render_template(
        "scoring/run.html", run=scoring_run, entries=results.entries(scoring_run),
        pillars=results.pillars(scoring_run), objections=objections.objections_for(scoring_run),
        deadline_form=DeadlineForm(reply_deadline=scoring_run.reply_deadline),
        resolve_form=ResolveForm(), refusal=services.publication_refusal(scoring_run, today()),
        discard_refusal=discard.refusal(scoring_run, today()),
        yes_no=results.yes_no_of(scoring_run),
        others=[r for r in results.runs(scoring_run.edition) if r.id != scoring_run.id])


@bp.post("/admin/scoring/runs/<int:run_id>/deadline")
@role_required("admin")
def set_deadline(run_id: int):
    scoring_run = _run_or_404(run_id)
    form = DeadlineForm()
    if not form.validate_on_submit():
        flash(_("Podaj poprawną datę."), "error")
        return redirect(url_for("scoring.run", run_id=run_id))
    try:
        services.set_reply_deadline(scoring_run, form.reply_deadline.data, actor=current_user)
        session.commit()
    except DomainError as error:
        session.rollback()
        flash(str(error), "error")
        return redirect(url_for("scoring.run", run_id=run_id))
    flash(_("Zapisano termin zgłaszania zastrzeżeń."), "success")
    return redirect(url_for("scoring.run", run_id=run_id))


@bp.route("/admin/scoring/runs/<int:run_id>/publish", methods=["GET", "POST"])
@role_required("admin")
def publish(run_id: int):
    scoring_run = _run_or_404(run_id)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.publish(scoring_run, actor=current_user, today=today())
            session.commit()
        except DomainError as error:
            session.rollback()
            flash(str(error), "error")
            return redirect(url_for("scoring.run", run_id=run_id))
        flash(_("Opublikowano ranking (przebieg nr %(n)d).", n=scoring_run.number), "success")
        return redirect(url_for("scoring.run", run_id=run_id))
    current = results.published_run(scoring_run.edition)
    return render_template("scoring/publish.html", run=scoring_run, form=form, current=current,
                           refusal=services.publication_refusal(scoring_run, today()))


@bp.route("/admin/scoring/runs/<int:run_id>/discard", methods=["GET", "POST"])
@role_required("admin")
def discard_run(run_id: int):
    scoring_run = _run_or_404(run_id)
    form = DiscardForm()
    refusal = discard.refusal(scoring_run, today())
    if request.method == "POST" and refusal:  # also a hand-made POST for a published run
        flash(refusal, "error")
        return redirect(url_for("scoring.run", run_id=run_id))
    if request.method == "POST" and form.validate_on_submit():
        number, year = scoring_run.number, scoring_run.edition.year
        try:
            discard.discard(scoring_run, actor=current_user, today=today())
            session.commit()
        except DomainError as error:
            session.rollback()
            flash(str(error), "error")
            return redirect(url_for("scoring.run", run_id=run_id))
        flash(_("Odrzucono projekt: przebieg nr %(n)d edycji %(y)d usunięto razem z wynikami. "
                "Zdarzenie zapisano w dzienniku zmian.", n=number, y=year), "success")
        return redirect(url_for("scoring.runs"))
    page = render_template("scoring/discard.html", run=scoring_run, form=form, refusal=refusal)
    return page, 400 if request.method == "POST" else 200


@bp.get("/admin/scoring/compare")
@role_required(*STAFF)
def compare_runs():
    a = _run_or_404(request.args.get("a", type=int) or 0)
    b = _run_or_404(request.args.get("b", type=int) or 0)
    names = results.indicator_names(b) | results.indicator_names(a)
    return render_template("scoring/compare.html", a=a, b=b, moves=compare(a, b), names=names)


@bp.post("/admin/scoring/objections/<int:objection_id>/resolve")
@role_required("admin")
def resolve(objection_id: int):
    objection = session.get(Objection, objection_id) or abort(404)
    form = ResolveForm()
    if not form.validate_on_submit():
        flash(_("Wybierz rozstrzygnięcie i podaj uzasadnienie."), "error")
        return redirect(url_for("scoring.run", run_id=objection.run_id))
    try:
        objections.resolve(objection, accept=form.decision.data == "accept",
                           resolution=form.resolution.data, actor=current_user)
        session.commit()
    except DomainError as error:
        session.rollback()
        flash(str(error), "error")
        return redirect(url_for("scoring.run", run_id=objection.run_id))
    flash(_("Rozpatrzono zastrzeżenie."), "success")
    return redirect(url_for("scoring.run", run_id=objection.run_id))


# --- the draft scorecard and the right of reply ----------------------------------------------

@bp.get("/wyniki/projekt")
@login_required
def draft_home():
    if current_user.role in STAFF:
        return redirect(url_for("scoring.runs"))
    drafts = objections.draft_runs_for_reply()
    if not drafts or current_user.gmina_teryt6 is None:
        return render_template("scoring/no_draft.html")
    return redirect(url_for("scoring.draft_card", run_id=drafts[0].id,
                            teryt6=current_user.gmina_teryt6))


def _run_and_gmina(run_id: int, teryt6: str) -> tuple[ScoringRun, Gmina]:
    scoring_run = _run_or_404(run_id)
    gmina = session.scalar(select(Gmina).where(Gmina.teryt6 == teryt6)) or abort(404)
    return scoring_run, gmina


def _card_or_404(run_id: int, teryt6: str) -> tuple[ScoringRun, Gmina]:
    scoring_run, gmina = _run_and_gmina(run_id, teryt6)
    if not objections.can_view_draft(scoring_run, gmina, current_user):
        abort(404)  # never reveal another gmina's draft, or that it exists
    return scoring_run, gmina


def _outdated_own_card(scoring_run: ScoringRun, gmina: Gmina):
    """An official following an older link (an e-mail) to their own gmina's draft card, which
    is no longer shown: to the published scorecard, or a page saying the draft is withdrawn
    from view, instead of a bare 404."""
    if scoring_run.status == RunStatus.PUBLISHED:
        flash(_("Projekt wyników nr %(n)d został opublikowany: oto karta wyników gminy.",
                n=scoring_run.number), "info")
        return redirect(url_for("public.scorecard", year=scoring_run.edition.year,
                                teryt6=gmina.teryt6))
    return render_template("scoring/no_draft.html", hidden_run=scoring_run)


@bp.get("/wyniki/projekt/<int:run_id>/<teryt6>")
@login_required
def draft_card(run_id: int, teryt6: str):
    scoring_run, gmina = _run_and_gmina(run_id, teryt6)
    if not objections.can_view_draft(scoring_run, gmina, current_user):
        if objections.is_own_gmina(gmina, current_user):
            return _outdated_own_card(scoring_run, gmina)
        abort(404)  # never reveal another gmina's draft, or that it exists
    entry = results.entry_for(scoring_run, gmina) or abort(404)
    names = results.indicator_names(scoring_run)
    form = ObjectionForm()
    form.indicator.choices = [SelectChoice("", _("całego wyniku")),
                              *(SelectChoice(key, name) for key, name in names.items())]
    return render_template(
        "scoring/draft_card.html", run=scoring_run, gmina=gmina, entry=entry, names=names,
        pillars=results.pillars(scoring_run), form=form,
        objections=objections.objections_for(scoring_run, gmina),
        reply_open=objections.reply_open(scoring_run, today()),
        stats=results.category_stats(scoring_run).get(entry.category, {}),
        yes_no=results.yes_no_of(scoring_run),
        shares=results.yes_shares(scoring_run, entry.category))


@bp.post("/wyniki/projekt/<int:run_id>/<teryt6>/zastrzezenia")
@login_required
def add_objection(run_id: int, teryt6: str):
    scoring_run, gmina = _card_or_404(run_id, teryt6)
    names = results.indicator_names(scoring_run)
    form = ObjectionForm()
    form.indicator.choices = [SelectChoice("", ""),
                              *(SelectChoice(key, name) for key, name in names.items())]
    back = redirect(url_for("scoring.draft_card", run_id=run_id, teryt6=teryt6))
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return back
    try:
        evidence = []
        upload = form.evidence.data
        if upload and upload.filename:
            evidence.append(store_upload(
                upload, folder=Path(current_app.config["UPLOAD_FOLDER"]),
                label=_("Dokument"), extensions=None,
                max_size_mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)))
        objections.add_objection(scoring_run, gmina, actor=current_user,
                                 comment=form.comment.data, today=today(), evidence=evidence,
                                 indicator=form.indicator.data or None)
        session.commit()
    except DomainError as error:
        session.rollback()
        flash(str(error), "error")
        return back
    flash(_("Zgłoszono zastrzeżenie. Administrator rozpatrzy je przed publikacją."), "success")
    return back


@bp.get("/wyniki/projekt/zastrzezenia/<int:objection_id>/pliki/<int:n>")
@login_required
def objection_file(objection_id: int, n: int):
    objection = session.get(Objection, objection_id) or abort(404)
    if not objections.can_view_draft(objection.run, objection.gmina, current_user):
        abort(404)
    if not 0 <= n < len(objection.evidence or []):
        abort(404)
    meta = objection.evidence[n]
    path = stored_path(Path(current_app.config["UPLOAD_FOLDER"]), meta)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype=meta.get("content_type"), as_attachment=True,
                     download_name=meta.get("name", "plik"))
