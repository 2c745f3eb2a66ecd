"""Who hears about objections and publication: the e-mails queued in the same unit of work.

Messages are queued with portal.notifications, which sends them only after the commit.
"""

from __future__ import annotations

from sqlalchemy import select

from portal.auth.models import Role, User
from portal.db import session
from portal.municipalities.models import Gmina
from portal.notifications.services import (
    Target,
    active_admins,
    officials_of,
    portal_path,
    queue_for_gminy,
)
from portal.scoring.models import Objection, RankingEntry, ScoringRun


def notify_objection_filed(objection: Objection, *, actor) -> None:
    """To the admins, who resolve objections before the run can be published."""
    run = objection.run
    target = Target(gmina=objection.gmina, recipients=active_admins(),
                    path=portal_path("scoring.run", run_id=run.id))
    queue_for_gminy("objection_filed", [target], year=run.edition.year,
                    context={"run_number": run.number, "comment": objection.comment,
                             "actor": actor})


def notify_objection_resolved(objection: Objection, *, actor) -> None:
    """To the gmina's officials: the decision and its reason, linked to their draft card."""
    run = objection.run
    target = Target(gmina=objection.gmina, recipients=officials_of(objection.gmina_id),
                    path=portal_path("scoring.draft_card", run_id=run.id,
                                     teryt6=objection.gmina.teryt6))
    queue_for_gminy("objection_resolved", [target], year=run.edition.year,
                    context={"run_number": run.number, "comment": objection.comment,
                             "accepted": objection.status == "accepted",
                             "resolution": objection.resolution, "actor": actor})


def notify_published(run: ScoringRun, *, correction: bool = False) -> int:
    """To the officials of every gmina in the run, each linked to their public scorecard.

    One query for all recipients with their gminy (2,477 gminy must not mean 2,477 queries);
    the rows are then inserted in bulk by queue_for_gminy().
    """
    year = run.edition.year
    rows = session.execute(
        select(User, Gmina).join(Gmina, User.gmina_id == Gmina.id)
        .join(RankingEntry, (RankingEntry.gmina_id == Gmina.id) & (RankingEntry.run_id == run.id))
        .where(User.role == Role.OFFICIAL, User.active.is_(True))
        .order_by(Gmina.teryt6, User.id)
    ).all()
    by_gmina: dict[int, tuple[Gmina, list[User]]] = {}
    for user, gmina in rows:
        by_gmina.setdefault(gmina.id, (gmina, []))[1].append(user)
    targets = [Target(gmina=gmina, recipients=users,
                      path=portal_path("public.scorecard", year=year, teryt6=gmina.teryt6))
               for gmina, users in by_gmina.values()]
    return queue_for_gminy("ranking_published", targets, year=year,
                           context={"run": run, "correction": correction})
