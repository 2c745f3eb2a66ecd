"""Discarding a draft run: admins only, after confirmation, never a published run."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.core.audit import AuditEvent
from portal.db import session
from portal.scoring import discard, objections, results, services
from portal.scoring.models import IndicatorResult, RankingEntry, ScoringRun
from tests import factories
from tests.scoring import service_helpers as h

TODAY = date(2019, 6, 1)


@pytest.fixture
def run(edition):
    h.gminy(4, edition=edition)
    return services.start_run(edition, actor=None, draws=0)


def _rows(run_id: int) -> tuple[int, int]:
    entries = session.scalar(select(func.count()).where(RankingEntry.run_id == run_id))
    explained = session.scalar(
        select(func.count(IndicatorResult.id))
        .join(RankingEntry, RankingEntry.id == IndicatorResult.entry_id)
        .where(RankingEntry.run_id == run_id))
    return entries, explained


def _events(run_id: int) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(
        AuditEvent.action == discard.DISCARDED, AuditEvent.object_id == run_id)))


def test_admin_discards_a_draft_after_confirming(client, run, edition):
    admin = factories.admin()
    factories.login(client, admin)
    run_id, number = run.id, run.number
    assert _rows(run_id)[0] == 4 and _rows(run_id)[1] > 0
    run_page = client.get(f"/admin/scoring/runs/{run_id}").get_data(as_text=True)
    assert f'href="/admin/scoring/runs/{run_id}/discard"' in run_page
    confirm = client.get(f"/admin/scoring/runs/{run_id}/discard").get_data(as_text=True)
    assert "Rozumiem, że projekt i jego wyniki zostaną trwale usunięte." in confirm

    response = client.post(f"/admin/scoring/runs/{run_id}/discard", data={"confirm": "y"},
                           follow_redirects=True)

    page = response.get_data(as_text=True)
    assert response.request.path == "/admin/scoring"
    assert f"Odrzucono projekt: przebieg nr {number} edycji 2018" in page
    assert f"/admin/scoring/runs/{run_id}\"" not in page  # gone from the runs list
    assert results.runs(edition) == []
    assert session.get(ScoringRun, run_id) is None and _rows(run_id) == (0, 0)
    [event] = _events(run_id)
    assert event.actor_id == admin.id
    assert event.details["number"] == number and event.details["entries"] == 4


def test_confirmation_is_required(client, run):
    factories.login(client, factories.admin())
    response = client.post(f"/admin/scoring/runs/{run.id}/discard", data={})
    assert response.status_code == 400
    assert "Potwierdź, że chcesz odrzucić projekt." in response.get_data(as_text=True)
    assert session.get(ScoringRun, run.id) is not None and not _events(run.id)


def test_discarding_needs_csrf(csrf_client, run):
    factories.login(csrf_client, factories.admin())
    response = csrf_client.post(f"/admin/scoring/runs/{run.id}/discard", data={"confirm": "y"})
    assert response.status_code == 400
    assert session.get(ScoringRun, run.id) is not None


@pytest.mark.parametrize("role, status", [("reviewer", 403), ("official", 403), (None, 302)])
def test_only_admins_discard(client, run, role, status):
    if role:
        factories.login(client, getattr(factories, role)())
    assert client.get(f"/admin/scoring/runs/{run.id}/discard").status_code == status
    response = client.post(f"/admin/scoring/runs/{run.id}/discard", data={"confirm": "y"})
    assert response.status_code == status
    assert session.get(ScoringRun, run.id) is not None


def test_unknown_run_is_404(client):
    factories.login(client, factories.admin())
    assert client.post("/admin/scoring/runs/999999/discard",
                       data={"confirm": "y"}).status_code == 404


def test_a_published_run_is_refused_even_when_posted_by_hand(client, run, edition):
    admin = factories.admin()
    services.publish(run, actor=admin, today=TODAY)
    factories.login(client, admin)
    assert "Odrzuć projekt…" not in client.get(f"/admin/scoring/runs/{run.id}").get_data(True)
    confirm = client.get(f"/admin/scoring/runs/{run.id}/discard").get_data(as_text=True)
    assert "Odrzucić można tylko projekt" in confirm and 'name="confirm"' not in confirm

    response = client.post(f"/admin/scoring/runs/{run.id}/discard", data={"confirm": "y"},
                           follow_redirects=True)

    assert response.request.path == f"/admin/scoring/runs/{run.id}"
    assert "Odrzucić można tylko projekt" in response.get_data(as_text=True)
    assert results.published_run(edition).id == run.id and not _events(run.id)


def test_service_refuses_a_published_run(run):
    admin = factories.admin()
    services.publish(run, actor=admin, today=TODAY)
    with pytest.raises(discard.DiscardRefused):
        discard.discard(run, actor=admin, today=TODAY)


def test_a_draft_open_for_objections_or_with_objections_stays(run, edition, app_ctx):
    admin = factories.admin()
    gmina = session.get(RankingEntry, session.scalar(
        select(RankingEntry.id).where(RankingEntry.run_id == run.id))).gmina
    official = factories.official(gmina)
    services.set_reply_deadline(run, TODAY + timedelta(days=7), actor=admin)
    with pytest.raises(discard.DiscardRefused, match="najpierw usuń termin"):
        discard.discard(run, actor=admin, today=TODAY)
    objection = objections.add_objection(run, gmina, actor=official, today=TODAY,
                                         comment="Liczba kamer jest zaniżona.")
    objections.resolve(objection, accept=False, resolution="Dane zgodne.", actor=admin)
    services.set_reply_deadline(run, None, actor=admin)
    # resolved or not, a gmina's objection is part of the record: the draft keeps it
    with pytest.raises(discard.DiscardRefused, match="zastrzeżenia gmin \\(1\\)"):
        discard.discard(run, actor=admin, today=TODAY)
    assert session.get(ScoringRun, run.id) is not None


def test_a_discarded_number_is_not_given_again(run, edition):
    admin = factories.admin()
    first = run.number
    discard.discard(run, actor=admin, today=TODAY)
    again = services.start_run(edition, actor=admin, draws=0)
    assert again.number == first + 1
