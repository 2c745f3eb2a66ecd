"""Imports are batches: a dry run writes nothing, newer batches supersede, history stays."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.core.audit import AuditEvent
from portal.core.errors import DomainError
from portal.db import session
from portal.municipalities.services import get_gmina_by_teryt
from portal.police_data.batch_writes import write_batch_rows
from portal.police_data.figures import crime_figures, threat_figures, year_period
from portal.police_data.models import CrimeStat, PoliceImportBatch
from portal.police_data.services import import_file, list_batches, preview_import
from tests import factories
from tests.police_data.conftest import crime_line


def test_dry_run_validates_and_compares_but_writes_nothing(pilot, crime_csv, police_counts):
    before = police_counts()

    preview = preview_import(crime_csv(), "policja.csv")

    assert preview.ok and preview.added == 1 and preview.kind == "crime"
    assert police_counts() == before


def test_import_stores_a_batch_with_file_checksum_who_and_counts(pilot, crime_csv):
    admin = factories.admin()
    data = crime_csv([crime_line(), crime_line(category="rozboj", confirmed="4", detected="3")])

    batch = import_file(data, "policja_2018.csv", actor=admin).batch

    assert (batch.kind, batch.file_name, batch.imported_by, batch.rows_count) == (
        "crime", "policja_2018.csv", admin, 2)
    assert len(batch.sha256) == 64 and batch.imported_at is not None
    assert (batch.period_start, batch.period_end) == (date(2018, 1, 1), date(2018, 12, 31))
    assert (batch.added_count, batch.units_count, batch.is_demo) == (2, 1, False)
    event = session.scalar(select(AuditEvent).where(AuditEvent.object_id == batch.id,
                                                    AuditEvent.action == "police_data.imported"))
    assert event.actor_id == admin.id and event.details["sha256"] == batch.sha256


def test_detection_rate_is_computed_from_detected_and_base_when_missing(pilot, crime_csv):
    import_file(crime_csv([crime_line(confirmed="90", detected="40", reopened="10")]), "p.csv")

    (stat,) = session.scalars(select(CrimeStat)).all()

    assert stat.detection_rate == Decimal("40.0")  # 40 / (90 + 10)


def test_a_rate_far_from_the_counts_is_kept_with_a_note(pilot, crime_csv):
    preview = preview_import(crime_csv([crime_line(confirmed="100", detected="40", rate="55")]),
                             "p.csv")
    assert preview.ok
    assert "różni się od obliczonego" in preview.notes[0].message


def test_a_newer_batch_supersedes_the_same_keys_and_history_stays(pilot, crime_csv):
    first = import_file(crime_csv([crime_line(), crime_line(teryt="3021021")]), "v1.csv").batch
    preview = preview_import(crime_csv([crime_line(confirmed="120", detected="40")]), "v2.csv")
    assert (preview.added, preview.changed, preview.unchanged, preview.missing) == (0, 1, 0, 1)
    assert [(c.column, c.old, c.new) for c in preview.changes] == [
        ("confirmed", 100, 120), ("detection_rate", Decimal("40.0"), Decimal("33.3"))]
    assert preview.changes[0].key.startswith("3021011 Luboń")

    second = import_file(crime_csv([crime_line(confirmed="120", detected="40")]), "v2.csv").batch

    rows = session.scalars(select(CrimeStat).order_by(CrimeStat.id)).all()
    assert [(r.batch_id, r.confirmed, r.superseded_by_id) for r in rows] == [
        (first.id, 100, second.id), (first.id, 100, None), (second.id, 120, None)]
    listings, total = list_batches()
    assert total == 2
    assert [(item.batch.id, item.status, item.current_rows) for item in listings] == [
        (second.id, "current", 1), (first.id, "partial", 1)]


def test_a_batch_entirely_replaced_is_listed_as_superseded(pilot, crime_csv):
    first = import_file(crime_csv(), "v1.csv").batch
    import_file(crime_csv([crime_line(detected="41")]), "v2.csv")

    statuses = {item.batch.id: item.status for item in list_batches()[0]}

    assert statuses[first.id] == "superseded"


def test_a_file_identical_to_the_current_data_is_not_imported_again(pilot, crime_csv):
    import_file(crime_csv(), "v1.csv")
    preview = preview_import(crime_csv(), "v1.csv")
    assert preview.unchanged == 1 and not preview.changes_anything
    assert preview.same_file_batch_ids

    with pytest.raises(DomainError):
        import_file(crime_csv(), "v1.csv")

    assert len(session.scalars(select(PoliceImportBatch)).all()) == 1


def test_current_figures_for_all_gminy_come_from_one_query(pilot, crime_csv, threat_csv,
                                                           query_counter):
    import_file(crime_csv([crime_line(), crime_line(teryt="3021021", confirmed="7",
                                                    detected="7"),
                           crime_line(year=2017, confirmed="1", detected="1")]), "p.csv")
    import_file(crime_csv([crime_line(confirmed="101")]), "p2.csv")
    import_file(threat_csv(), "k.csv")
    session.flush()
    lubon, puszczykowo = get_gmina_by_teryt("302101"), get_gmina_by_teryt("302102")

    before = query_counter["n"]
    figures = crime_figures(*year_period(2018))
    assert query_counter["n"] - before == 1

    assert set(figures) == {lubon.id, puszczykowo.id}
    figure = figures[lubon.id]["kradziez_rzeczy"]
    assert (figure.confirmed, figure.detected, figure.base, figure.level) == (101, 40, 101,
                                                                              "gmina")
    assert figures[puszczykowo.id]["kradziez_rzeczy"].detection_rate == Decimal("100.0")
    assert not figure.is_demo
    threats = threat_figures(*year_period(2018))
    assert threats[lubon.id]["nieprawidlowe_parkowanie"].eliminated == 20


def test_kmzb_and_crime_batches_do_not_supersede_each_other(pilot, crime_csv, threat_csv):
    import_file(crime_csv(), "p.csv")
    import_file(threat_csv(), "k.csv")
    assert [item.status for item in list_batches()[0]] == ["current", "current"]


def test_a_second_current_row_for_a_key_is_refused_by_the_database(pilot, crime_csv,
                                                                   police_counts):
    # The bulk write (COPY on PostgreSQL) must fail like a Core INSERT, leaving nothing.
    batch = import_file(crime_csv(), "v1.csv").batch
    session.commit()
    before = police_counts()
    table = CrimeStat.__table__
    (current,) = session.execute(select(table).where(table.c.superseded_by_id.is_(None))).all()
    row = {key: value for key, value in current._mapping.items()
           if key not in ("id", "batch_id", "superseded_by_id")}

    with pytest.raises(IntegrityError, match="police_crime_stats"):
        write_batch_rows(table, batch.id, [], [row])

    session.rollback()
    assert police_counts() == before
