"""Dates and times as Polish users read them: Warsaw time, dd.mm.yyyy."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask_babel import format_date, format_datetime

from portal.core.formatting import local_date, local_datetime

MOMENTS = [
    datetime(2026, 1, 15, 23, 30, tzinfo=UTC),  # winter (UTC+1): already the next day in Warsaw
    datetime(2026, 3, 29, 0, 59, tzinfo=UTC),  # just before the switch to summer time
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # just after it (UTC+2)
    datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # the repeated hour in October
    datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
    datetime(2026, 7, 1, 22, 5),  # naive values are UTC, as stored
]


@pytest.mark.parametrize("moment", MOMENTS)
def test_dates_read_in_warsaw_time_as_babel_would_write_them(app, moment):
    with app.test_request_context("/"):
        assert local_datetime(moment) == format_datetime(moment, "dd.MM.yyyy HH:mm")
        assert local_date(moment) == format_date(moment, "dd.MM.yyyy")


def test_examples_a_user_sees(app):
    with app.test_request_context("/"):
        assert local_datetime(datetime(2026, 1, 15, 23, 30, tzinfo=UTC)) == "16.01.2026 00:30"
        assert local_datetime(datetime(2026, 7, 1, 8, 0, tzinfo=UTC)) == "01.07.2026 10:00"
        assert local_date(date(2026, 2, 3)) == "03.02.2026"
        assert local_date(None) == local_datetime(None) == "—"
