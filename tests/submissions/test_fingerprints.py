"""Value fingerprints tell a field left as shown from a changed one (saving.form_base)."""

from __future__ import annotations

import pytest

from portal.submissions.saving import value_fingerprint


@pytest.mark.no_db
def test_remembered_fingerprints_still_tell_json_types_apart():
    # Equal in Python, different answers in JSON: each must keep its own fingerprint, also
    # when the first one seen was remembered.
    for _ in range(2):
        prints = {value_fingerprint(v) for v in (True, 1, 1.0, "1", None, "yes", "tak")}
        assert len(prints) == 7


@pytest.mark.no_db
def test_long_texts_and_tables_are_fingerprinted_by_content():
    text = "Monitoring " * 100
    assert value_fingerprint(text) == value_fingerprint("Monitoring " * 100)
    assert value_fingerprint(text) != value_fingerprint(text + ".")
    table = {"2016": "100.00", "2017": "200.00"}
    assert value_fingerprint(table) == value_fingerprint(dict(reversed(table.items())))
    assert value_fingerprint(table) != value_fingerprint({**table, "2017": "200.01"})
