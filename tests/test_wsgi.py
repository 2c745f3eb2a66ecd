"""The app as gunicorn and `make run` start it: a fresh interpreter importing wsgi.py.

The suite imports every model before any test runs, which hides import-order mistakes (a
statement joining a model that is not mapped yet); a fresh process does not.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import wsgi
client = wsgi.app.test_client()
print(client.get("/healthz").status_code, client.get("/login").status_code)
"""


@pytest.mark.no_db
def test_wsgi_app_starts_and_serves_in_a_fresh_interpreter(tmp_path):
    env = {**os.environ, "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}",
           "PORTAL_UPLOAD_FOLDER": str(tmp_path / "uploads")}
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["200", "200"]
