"""The scoring service: runs over approved snapshots and Police data, stored in bulk."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.db import session
from portal.review.models import SubmissionSnapshot
from portal.scoring import results, services
from portal.scoring.models import IndicatorResult, RankingEntry, RunStatus, ScoringRun
from portal.scoring.services import RunRefused
from tests.scoring import service_helpers as h

TODAY = date(2019, 6, 1)


def _snapshot(entries: list[RankingEntry]) -> list[tuple]:
    return [(e.gmina_id, e.ranked, e.score, e.published_score, e.rank_category, e.rank_national,
             e.median_rank, e.rank_p05, e.rank_p95, e.group_scores, e.flags) for e in entries]


def test_same_inputs_give_identical_entries(edition, admin):
    h.gminy(9, edition=edition)
    first = services.start_run(edition, actor=admin, draws=40)
    second = services.start_run(edition, actor=admin, draws=40)
    assert (first.number, second.number) == (1, 2)
    assert first.input_sha256 == second.input_sha256 and first.seed == second.seed
    assert _snapshot(results.entries(first)) == _snapshot(results.entries(second))


def test_a_changed_answer_changes_the_input_hash(edition, admin):
    gminy = h.gminy(6, edition=edition)
    before = services.start_run(edition, actor=admin, draws=0)
    snapshot = session.scalar(select(SubmissionSnapshot).join(SubmissionSnapshot.submission)
                              .where(SubmissionSnapshot.submission.has(gmina_id=gminy[0].id)))
    snapshot.values = dict(snapshot.values, cctv_cameras_public=999)
    session.flush()
    after = services.start_run(edition, actor=admin, draws=0)
    assert after.input_sha256 != before.input_sha256


def test_changed_police_data_changes_the_input_hash(edition, admin):
    from portal.police_data.models import CrimeStat

    h.gminy(6, edition=edition)
    before = services.start_run(edition, actor=admin, draws=0)
    stat = session.scalars(select(CrimeStat)).first()
    stat.confirmed += 1
    session.flush()
    assert services.start_run(edition, actor=admin, draws=0).input_sha256 != before.input_sha256


def test_gminy_without_an_approved_snapshot_are_not_ranked_with_the_reason(edition, admin):
    gminy = h.gminy(6, edition=edition, approved=4)
    run = services.start_run(edition, actor=admin, draws=0)
    by_gmina = {e.gmina_id: e for e in results.entries(run)}
    assert {by_gmina[g.id].ranked for g in gminy[:4]} == {True}
    for g in gminy[4:]:
        entry = by_gmina[g.id]
        assert not entry.ranked and entry.rank_national is None
        assert entry.not_ranked_reason == "brak zatwierdzonej ankiety"
    assert run.ranked_count == 4 and run.units_count >= 6


def test_a_gmina_without_population_is_not_ranked_in_polish(edition, admin):
    from portal.municipalities.models import Population

    gminy = h.gminy(6, edition=edition)
    session.execute(Population.__table__.delete().where(Population.gmina_id == gminy[0].id))
    run = services.start_run(edition, actor=admin, draws=0)
    entry = results.entry_for(run, gminy[0])
    assert not entry.ranked and entry.not_ranked_reason == "brak danych o ludności"


def test_run_records_its_metadata_and_quality(edition, admin):
    h.gminy(9, edition=edition)
    run = services.start_run(edition, actor=admin, draws=20, notes=" próba ")
    assert run.status == RunStatus.DRAFT and run.methodology_version == "2018.1"
    assert len(run.methodology_sha256) == 64 and "methodology:" in run.methodology_text
    assert run.code_version and run.seed.isdigit() and run.draws == 20 and run.notes == "próba"
    assert set(run.timings) == {"load", "compute", "store"}
    assert run.finished_at is not None and run.started_by_id == admin.id
    quality = run.quality
    assert quality["coverage"]["ranked"] == 9
    ids = {row["id"] for row in quality["indicators"]}
    assert "przestepczosc" in ids and {"skew", "kurtosis", "skew_kurt_flag"} <= set(
        quality["indicators"][0])
    # cameras and the 754 spending both grow with i in the helper: flagged as double counting
    assert isinstance(quality["correlations"], list)


def test_contributions_sum_to_the_score(edition, admin):
    gminy = h.gminy(6, edition=edition)
    run = services.start_run(edition, actor=admin, draws=0)
    entry = results.entry_for(run, gminy[2])
    assert len(entry.indicators) == 27
    assert sum(r.contribution for r in entry.indicators) == pytest.approx(float(entry.score),
                                                                         abs=1e-5)


def _count_store_queries(edition, admin, query_counter, n: int, code: str) -> int:
    h.gminy(n, edition=edition, code=code)
    query_counter["n"] = 0
    services.start_run(edition, actor=admin, draws=0)
    return query_counter["n"]


def test_query_count_does_not_grow_with_the_number_of_gminy(edition, admin, query_counter):
    few = _count_store_queries(edition, admin, query_counter, 5, "95")
    many = _count_store_queries(edition, admin, query_counter, 30, "94")
    assert many == few


def test_entries_and_results_load_in_constant_queries(edition, admin, query_counter):
    h.gminy(12, edition=edition)
    run = services.start_run(edition, actor=admin, draws=0)
    session.expire_all()
    session.refresh(run)
    query_counter["n"] = 0
    listing = results.entries(run)
    names = [(e.gmina.name, e.gmina.powiat.name, e.gmina.powiat.voivodeship.name)
             for e in listing]
    assert len(names) >= 12 and query_counter["n"] == 1
    query_counter["n"] = 0
    results.category_stats(run)
    assert query_counter["n"] == 1


def test_published_run_is_immutable(edition, admin):
    h.gminy(6, edition=edition)
    run = services.start_run(edition, actor=admin, draws=0)
    services.publish(run, actor=admin, today=TODAY)
    assert results.published_run(edition) == run
    with pytest.raises(RunRefused):
        services.set_reply_deadline(run, TODAY, actor=admin)
    with pytest.raises(RunRefused):
        services.update_notes(run, "zmiana", actor=admin)
    with pytest.raises(RunRefused):
        services.publish(run, actor=admin, today=TODAY)


def test_a_correction_run_supersedes_the_published_one(edition, admin):
    h.gminy(6, edition=edition)
    first = services.start_run(edition, actor=admin, draws=0)
    services.publish(first, actor=admin, today=TODAY)
    correction = services.start_run(edition, actor=admin, draws=0)
    replaced = services.publish(correction, actor=admin, today=TODAY)
    assert replaced == first
    assert first.status == RunStatus.WITHDRAWN and first.superseded_by_id == correction.id
    assert results.published_run(edition) == correction
    assert session.scalar(select(func.count(RankingEntry.id))
                          .where(RankingEntry.run_id == first.id)) > 0  # stays for the record


def test_publishing_waits_for_the_reply_deadline(edition, admin):
    h.gminy(3, edition=edition)
    run = services.start_run(edition, actor=admin, draws=0)
    services.set_reply_deadline(run, TODAY, actor=admin)
    with pytest.raises(RunRefused):
        services.publish(run, actor=admin, today=TODAY)
    services.publish(run, actor=admin, today=TODAY + timedelta(days=1))
    assert run.is_published


def test_a_changed_methodology_file_is_refused_for_a_used_version(edition, admin, tmp_path):
    h.gminy(3, edition=edition)
    services.start_run(edition, actor=admin, draws=0)
    original = services.methodology_path("2018").read_text(encoding="utf-8")
    changed = tmp_path / "methodology.yaml"
    changed.write_text(original.replace("weight: 25}", "weight: 30}"), encoding="utf-8")
    with pytest.raises(services.DomainError, match="nie może się zmienić"):
        services.start_run(edition, actor=admin, draws=0, methodology_file=changed)


def test_choice_items_need_codes(edition, tmp_path):
    original = services.methodology_path("2018").read_text(encoding="utf-8")
    broken = tmp_path / "methodology.yaml"
    broken.write_text(original.replace('  sms_alert_system: {"yes": 1, "no": 0}\n', ""),
                      encoding="utf-8")
    with pytest.raises(services.DomainError, match="codes.sms_alert_system"):
        services.load_methodology_for(edition, broken)


def test_powiat_level_figures_stand_in_and_are_flagged(edition, admin):
    from portal.police_data.models import AreaCrimeStat

    gminy = h.gminy(6, edition=edition, police=False)
    b = h.batch("bdl")
    session.add(AreaCrimeStat(batch_id=b.id, level="powiat", unit_code=f"{gminy[0].powiat.code}000",
                              powiat_id=gminy[0].powiat_id, year=2018, category="ogolem",
                              detection_rate=65, per_1000=20))
    session.flush()
    run = services.start_run(edition, actor=admin, draws=0)
    entry = results.entry_for(run, gminy[1])
    assert "przestepczosc" in entry.flags["powiat_level"]
    crime = next(r for r in entry.indicators if r.indicator == "przestepczosc")
    assert crime.powiat_level and crime.raw == pytest.approx(6000 * 20 / 1000)


def test_runs_are_numbered_per_edition(edition, admin):
    h.gminy(3, edition=edition)
    runs = [services.start_run(edition, actor=admin, draws=0) for _ in range(2)]
    assert [r.number for r in runs] == [1, 2]
    assert session.scalar(select(func.count(ScoringRun.id))) == 2
    assert session.scalar(select(func.count(IndicatorResult.id))) == 2 * 3 * 27
