"""Right of reply: officials object to their gmina's draft result; admins resolve objections."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from portal.core import audit
from portal.core.errors import DomainError
from portal.db import session, utcnow
from portal.municipalities.models import Gmina
from portal.review import services as review
from portal.scoring import notify
from portal.scoring.models import Objection, ObjectionStatus, RankingEntry, RunStatus, ScoringRun
from portal.scoring.services import RunRefused, require_draft
from portal.submissions.models import Submission
from portal.submissions.workflow import State

MAX_COMMENT = 5000


def reply_open(run: ScoringRun, today: date) -> bool:
    """Officials may object while the run is a draft with a deadline not yet passed."""
    return (run.status == RunStatus.DRAFT and run.reply_deadline is not None
            and today <= run.reply_deadline)


def can_view_draft(run: ScoringRun, gmina: Gmina, user) -> bool:
    """Staff see every draft scorecard; an official only their own gmina's, once it is shown."""
    if not user.is_authenticated:
        return False
    if user.role in ("admin", "reviewer"):
        return True
    return (is_own_gmina(gmina, user)
            and run.status == RunStatus.DRAFT and run.reply_deadline is not None)


def is_own_gmina(gmina: Gmina, user) -> bool:
    """The user is an official of this gmina (who may hear what became of its draft card)."""
    return user.is_authenticated and user.role == "official" and user.gmina_id == gmina.id


def draft_runs_for_reply() -> list[ScoringRun]:
    """Draft runs shown to officials (a reply deadline is set), newest first."""
    return list(session.scalars(select(ScoringRun).where(
        ScoringRun.status == RunStatus.DRAFT, ScoringRun.reply_deadline.is_not(None))
        .order_by(ScoringRun.started_at.desc())))


def objections_for(run: ScoringRun, gmina: Gmina | None = None) -> list[Objection]:
    query = select(Objection).where(Objection.run_id == run.id).order_by(Objection.id)
    if gmina is not None:
        query = query.where(Objection.gmina_id == gmina.id)
    return list(session.scalars(query))


def add_objection(run: ScoringRun, gmina: Gmina, *, actor, comment: str, today: date,
                  evidence: list[dict] | None = None, indicator: str | None = None
                  ) -> Objection:
    """Record an official's objection; only their own gmina, only until the deadline."""
    require_draft(run)
    if not reply_open(run, today):
        raise RunRefused(_("Termin zgłaszania zastrzeżeń minął albo nie został wyznaczony."))
    if actor.role != "official" or actor.gmina_id != gmina.id:
        raise RunRefused(_("Zastrzeżenia może zgłosić tylko urzędnik tej gminy."))
    text = (comment or "").strip()
    if not text:
        raise DomainError(_("Opisz zastrzeżenie."))
    if len(text) > MAX_COMMENT:
        raise DomainError(_("Opis jest za długi (najwyżej %(n)d znaków).", n=MAX_COMMENT))
    has_entry = session.scalar(select(RankingEntry.id).where(
        RankingEntry.run_id == run.id, RankingEntry.gmina_id == gmina.id))
    if has_entry is None:
        raise RunRefused(_("Ta gmina nie ma wyniku w tym przebiegu."))
    objection = Objection(run_id=run.id, gmina_id=gmina.id, author_id=actor.id, comment=text,
                          evidence=list(evidence or []), indicator=indicator or None,
                          status=ObjectionStatus.OPEN)
    session.add(objection)
    session.flush()
    audit.record("scoring.objection_added", "objection", objection.id, actor=actor,
                 run_id=run.id, gmina_id=gmina.id)
    notify.notify_objection_filed(objection, actor=actor)
    return objection


def resolve(objection: Objection, *, accept: bool, resolution: str, actor) -> None:
    """Accept (the gmina's submission is reopened for review) or reject, with a reason."""
    run = objection.run
    require_draft(run)
    if objection.status != ObjectionStatus.OPEN:
        raise DomainError(_("To zastrzeżenie zostało już rozpatrzone."))
    text = (resolution or "").strip()
    if not text:
        raise DomainError(_("Podaj uzasadnienie rozstrzygnięcia."))
    if accept:
        _reopen_submission(objection, text, actor)
    objection.status = ObjectionStatus.ACCEPTED if accept else ObjectionStatus.REJECTED
    objection.resolution = text
    objection.resolved_by_id = actor.id
    objection.resolved_at = utcnow()
    audit.record("scoring.objection_resolved", "objection", objection.id, actor=actor,
                 status=str(objection.status), run_id=run.id)
    session.flush()
    notify.notify_objection_resolved(objection, actor=actor)


def _reopen_submission(objection: Objection, resolution: str, actor) -> None:
    submission = session.scalar(select(Submission).where(
        Submission.edition_id == objection.run.edition_id,
        Submission.gmina_id == objection.gmina_id))
    if submission is None or submission.status != State.APPROVED:
        return  # nothing approved to reopen: the data change happens elsewhere
    reason = _("Zastrzeżenie gminy do projektu wyników (przebieg nr %(n)d): %(c)s — %(r)s",
               n=objection.run.number, c=objection.comment, r=resolution)
    review.reopen(submission, reason=reason[:2000], expected_lock=submission.lock_version,
                  actor=actor)
