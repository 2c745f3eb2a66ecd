"""Admin scoring pages: access per role, starting, comparing and publishing runs."""

from __future__ import annotations

import pytest

from portal.scoring import results, services
from tests import factories
from tests.scoring import service_helpers as h


@pytest.fixture
def run(edition):
    h.gminy(6, edition=edition)
    return services.start_run(edition, actor=None, draws=10)


@pytest.mark.parametrize("role, status", [("admin", 200), ("reviewer", 200), ("official", 403),
                                          (None, 302)])
def test_run_pages_by_role(client, run, role, status):
    if role:
        factories.login(client, getattr(factories, role)())
    for url in ("/admin/scoring", f"/admin/scoring/runs/{run.id}",
                f"/admin/scoring/compare?a={run.id}&b={run.id}"):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize("role", ["reviewer", "official"])
def test_only_admins_change_runs(client, run, role):
    factories.login(client, getattr(factories, role)())
    assert client.post(f"/admin/scoring/runs/{run.id}/publish").status_code == 403
    assert client.post(f"/admin/scoring/runs/{run.id}/deadline").status_code == 403
    assert client.post("/admin/scoring/runs", data={"edition": run.edition_id}).status_code == 403


def test_admin_starts_compares_and_publishes(client, run, edition):
    factories.login(client, factories.admin())
    response = client.post("/admin/scoring/runs", data={"edition": edition.id, "draws": "5"},
                           follow_redirects=True)
    assert "Przebieg nr 2 gotowy" in response.get_data(as_text=True)
    second = results.runs(edition)[0]
    page = client.get(f"/admin/scoring/runs/{second.id}").get_data(as_text=True)
    assert "Jakość danych" in page and "Gmina testowa 00" in page
    compare = client.get(f"/admin/scoring/compare?a={run.id}&b={second.id}")
    assert "identyczne" in compare.get_data(as_text=True)
    confirm = client.get(f"/admin/scoring/runs/{second.id}/publish")
    assert "Tak, opublikuj" in confirm.get_data(as_text=True)
    client.post(f"/admin/scoring/runs/{second.id}/publish", follow_redirects=True)
    assert results.published_run(edition).id == second.id


def test_publish_needs_csrf(csrf_client, run):
    factories.login(csrf_client, factories.admin())
    assert csrf_client.post(f"/admin/scoring/runs/{run.id}/publish").status_code == 400


def test_cli_score_creates_a_draft_run(runner, edition):
    h.gminy(4, edition=edition)
    result = runner.invoke(args=["portal", "score", "--edition", "2018", "--draws", "20"])
    assert result.exit_code == 0, result.output
    assert "4 of" in result.output and "draft" in result.output
    [run] = results.runs(edition)
    assert run.draws == 20 and run.ranked_count == 4


def test_cli_score_unknown_edition_fails(runner):
    result = runner.invoke(args=["portal", "score", "--edition", "1999"])
    assert result.exit_code != 0 and "1999" in result.output
