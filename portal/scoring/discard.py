"""Discarding a draft run that should never be published (wrong data, started by mistake).

Deleted, not marked: the runs' status CHECK constraint knows only draft/published/withdrawn and
a new state would need a migration, while a draft was never public, so no published ranking
depends on it. The entries, their explanations and the run row go in the caller's transaction;
the audit event keeps what the run was (edition, number, hashes, who started it).

Services flush; the view commits.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from portal.core import audit
from portal.core.audit import AuditEvent
from portal.core.errors import DomainError
from portal.db import session
from portal.scoring.models import IndicatorResult, Objection, RankingEntry, RunStatus, ScoringRun

DISCARDED = "scoring.run_discarded"


class DiscardRefused(DomainError):
    """The run cannot be discarded: it is not a draft, or gminy may still reply to it."""


def refusal(run: ScoringRun, today: date) -> str | None:
    """Why the run cannot be discarded now, or None."""
    if run.status != RunStatus.DRAFT:
        return _("Odrzucić można tylko projekt. Opublikowany albo wycofany przebieg pozostaje "
                 "w historii rankingu.")
    if run.reply_deadline is not None and today <= run.reply_deadline:
        # Officials are entitled to reply until the deadline; the draft must not vanish under
        # them. Clearing the deadline (an audited step) closes the right of reply first.
        return _("Gminy mogą zgłaszać zastrzeżenia do %(d)s. Aby odrzucić projekt, najpierw "
                 "usuń termin zgłaszania zastrzeżeń.", d=run.reply_deadline.strftime("%d.%m.%Y"))
    objections = session.scalar(select(func.count(Objection.id))
                                .where(Objection.run_id == run.id)) or 0
    if objections:
        # A gmina's objection and its resolution are correspondence of a public body: part of
        # the record of the right of reply, kept with the draft they were about (whether open
        # or resolved). Such a draft stays in the history, like a superseded one.
        return _("Do projektu zgłoszono zastrzeżenia gmin (%(n)d). Są one częścią dokumentacji "
                 "prawa do odpowiedzi, więc projekt pozostaje w historii i nie można go "
                 "odrzucić.", n=objections)
    return None


def discard(run: ScoringRun, *, actor, today: date) -> None:
    """Delete a draft run with its entries and indicator results; refuse anything else."""
    # Lock the row, then re-check: a concurrent publication must not lose its run.
    session.scalar(select(ScoringRun).where(ScoringRun.id == run.id).with_for_update()
                   .execution_options(populate_existing=True))
    reason = refusal(run, today)
    if reason:
        raise DiscardRefused(reason)
    entries = select(RankingEntry.id).where(RankingEntry.run_id == run.id)
    count = session.scalar(select(func.count()).select_from(entries.subquery())) or 0
    audit.record(DISCARDED, "scoring_run", run.id, actor=actor, edition_id=run.edition_id,
                 edition=run.edition.year, number=run.number,
                 methodology_version=run.methodology_version,
                 input_sha256=run.input_sha256, started_at=run.started_at.isoformat(),
                 started_by_id=run.started_by_id, entries=count, notes=run.notes)
    session.execute(delete(IndicatorResult).where(IndicatorResult.entry_id.in_(entries)),
                    execution_options={"synchronize_session": False})
    session.execute(delete(RankingEntry).where(RankingEntry.run_id == run.id),
                    execution_options={"synchronize_session": False})
    session.delete(run)
    session.flush()


def next_number(edition_id: int) -> int:
    """The next run number of an edition, never the number of a discarded draft.

    The audit trail and any message about "przebieg nr 3" must keep meaning one run.
    """
    highest = session.scalar(select(func.max(ScoringRun.number))
                             .where(ScoringRun.edition_id == edition_id)) or 0
    for details in session.scalars(select(AuditEvent.details)
                                   .where(AuditEvent.action == DISCARDED)):
        if (details or {}).get("edition_id") == edition_id:
            highest = max(highest, int(details.get("number") or 0))
    return highest + 1
