"""Right of reply: officials object to their draft result; admins resolve before publishing."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.db import session
from portal.municipalities.models import Gmina
from portal.scoring import objections, services
from portal.scoring.models import ObjectionStatus, RankingEntry
from portal.scoring.services import RunRefused
from portal.submissions.services import open_submission
from portal.submissions.workflow import State
from tests import factories
from tests.review.helpers import approve_for_tests
from tests.sample_2018 import store_answers
from tests.scoring import service_helpers as h

TODAY = date(2019, 6, 1)


@pytest.fixture
def kornik(edition, admin):
    """Kórnik approved through the review helpers, plus made-up approved gminy."""
    gmina = factories.pilot_gmina("302109")
    official = factories.official(gmina)
    submission = open_submission(edition, gmina, actor=official)
    store_answers(submission, user=official)
    approve_for_tests(submission, admin)
    h.gminy(5, edition=edition)
    return gmina, official, submission


@pytest.fixture
def run(edition, admin, kornik):
    run = services.start_run(edition, actor=admin, draws=0)
    services.set_reply_deadline(run, TODAY + timedelta(days=7), actor=admin)
    return run


def test_official_objects_and_publishing_waits_for_the_resolution(run, kornik, admin, app_ctx):
    gmina, official, _ = kornik
    objection = objections.add_objection(run, gmina, actor=official, today=TODAY,
                                         comment="Liczba kamer jest zaniżona.")
    assert objection.status == ObjectionStatus.OPEN
    after_deadline = TODAY + timedelta(days=8)
    with pytest.raises(RunRefused, match="nierozpatrzone"):
        services.publish(run, actor=admin, today=after_deadline)
    objections.resolve(objection, accept=False, resolution="Dane zgodne z protokołem.",
                       actor=admin)
    services.publish(run, actor=admin, today=after_deadline)
    assert run.is_published


def test_accepting_an_objection_reopens_the_submission(run, kornik, admin, app_ctx):
    gmina, official, submission = kornik
    objection = objections.add_objection(run, gmina, actor=official, today=TODAY,
                                         comment="Błędna liczba strażników.")
    objections.resolve(objection, accept=True, resolution="Sprawdzimy ponownie.", actor=admin)
    session.refresh(submission)
    assert submission.status == State.SUBMITTED
    assert objection.status == ObjectionStatus.ACCEPTED and objection.resolved_by_id == admin.id
    with pytest.raises(RunRefused, match="nowy"):
        services.publish(run, actor=admin, today=TODAY + timedelta(days=8))


def test_objections_close_at_the_deadline(run, kornik):
    gmina, official, _ = kornik
    with pytest.raises(RunRefused):
        objections.add_objection(run, gmina, actor=official, comment="Za późno",
                                 today=run.reply_deadline + timedelta(days=1))


def test_an_official_cannot_object_for_another_gmina(run, kornik):
    _, official, _ = kornik
    other = factories.pilot_gmina("302101")
    with pytest.raises(RunRefused):
        objections.add_objection(run, other, actor=official, comment="x", today=TODAY)


def test_a_resolution_needs_a_reason(run, kornik, admin, app_ctx):
    gmina, official, _ = kornik
    objection = objections.add_objection(run, gmina, actor=official, comment="x", today=TODAY)
    with pytest.raises(services.DomainError):
        objections.resolve(objection, accept=False, resolution="  ", actor=admin)


# --- pages -----------------------------------------------------------------------------------

def _card(run, gmina) -> str:
    return f"/wyniki/projekt/{run.id}/{gmina.teryt6}"


def test_official_sees_own_draft_scorecard(client, run, kornik, monkeypatch):
    from portal.scoring import views

    monkeypatch.setattr(views, "today", lambda: TODAY)
    gmina, official, _ = kornik
    factories.login(client, official)
    response = client.get("/wyniki/projekt")
    assert response.status_code == 302 and response.location.endswith(_card(run, gmina))
    page = client.get(_card(run, gmina)).get_data(as_text=True)
    assert "Karta wyników" in page and "Zgłoś zastrzeżenie" in page
    assert "Przestępstwa stwierdzone na 1000 mieszkańców" in page


def test_official_of_another_gmina_gets_404(client, run, kornik):
    gmina, _, _ = kornik
    stranger = factories.official(factories.pilot_gmina("302101"))
    factories.login(client, stranger)
    assert client.get(_card(run, gmina)).status_code == 404
    response = client.post(f"{_card(run, gmina)}/zastrzezenia", data={"comment": "x"})
    assert response.status_code == 404


def test_an_old_link_to_a_hidden_draft_explains_instead_of_404(client, run, kornik, admin):
    # The resolution e-mail links to the draft card; the admin may later close the right of
    # reply (the draft is no longer shown) or publish the run.
    gmina, official, _ = kornik
    services.set_reply_deadline(run, None, actor=admin)
    factories.login(client, official)
    response = client.get(_card(run, gmina))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Projekt wyników nr {run.number} nie jest już udostępniony gminom" in page
    assert "Karta wyników" not in page and "Zgłoś zastrzeżenie" not in page
    client.post("/logout")
    factories.login(client, factories.official(factories.pilot_gmina("302101")))
    assert client.get(_card(run, gmina)).status_code == 404  # still nothing about others


def test_an_old_link_to_a_published_draft_leads_to_the_public_scorecard(client, run, kornik,
                                                                         admin, app_ctx):
    gmina, official, _ = kornik
    services.publish(run, actor=admin, today=run.reply_deadline + timedelta(days=1))
    factories.login(client, official)
    response = client.get(_card(run, gmina))
    assert response.status_code == 302
    assert response.location.endswith(f"/ranking/{run.edition.year}/gmina/{gmina.teryt6}")
    page = client.get(response.location).get_data(as_text=True)
    assert f"Projekt wyników nr {run.number} został opublikowany" in page


def test_official_posts_an_objection_with_evidence(client, run, kornik, monkeypatch):
    from portal.scoring import views

    monkeypatch.setattr(views, "today", lambda: TODAY)
    gmina, official, _ = kornik
    factories.login(client, official)
    response = client.post(f"{_card(run, gmina)}/zastrzezenia", data={
        "comment": "<b>Kamery</b> policzono dwa razy.", "indicator": "kamery_na_10_tys",
        "evidence": (io.BytesIO(b"%PDF-1.4 test"), "protokol.pdf")},
        content_type="multipart/form-data", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "&lt;b&gt;Kamery&lt;/b&gt;" in page and "<b>Kamery</b>" not in page
    [objection] = objections.objections_for(run, gmina)
    assert objection.evidence[0]["name"] == "protokol.pdf"
    download = client.get(f"/wyniki/projekt/zastrzezenia/{objection.id}/pliki/0")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")


def test_objection_post_needs_csrf(csrf_client, run, kornik):
    gmina, official, _ = kornik
    factories.login(csrf_client, official)
    response = csrf_client.post(f"{_card(run, gmina)}/zastrzezenia", data={"comment": "x"})
    assert response.status_code == 400


def test_the_run_page_with_several_open_objections_repeats_no_id(app, client, run, kornik, app_ctx,
                                                                 admin, monkeypatch):
    # One resolution form per open objection: each radio button must keep its own id.
    gmina, official, _ = kornik
    objections.add_objection(run, gmina, actor=official, today=TODAY, comment="Kamery.")
    other = session.scalars(select(Gmina).join(RankingEntry, RankingEntry.gmina_id == Gmina.id)
                            .where(RankingEntry.run_id == run.id, Gmina.id != gmina.id)).first()
    objections.add_objection(run, other, actor=factories.official(other), today=TODAY,
                             comment="Strażnicy.")
    factories.login(client, admin)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # every form with its token
    page = client.get(f"/admin/scoring/runs/{run.id}").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert page.count('name="decision"') == 4
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []
