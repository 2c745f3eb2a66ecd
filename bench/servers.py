"""Gunicorn servers for the portal and the floor, with the same settings, on 127.0.0.1 only."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
WORKERS = 2
START_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(process: subprocess.Popen, port: int, log: Path, *,
                         timeout_s: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not listen on {port} in {timeout_s:.0f} s; see {log}")


# What the portal and the floor run: the app, where it is imported from, its environment.
PORTAL_APP = "wsgi:app"
FLOOR_APP = "floor_app:create_app()"


def portal_env(url: str, upload_folder: Path) -> dict[str, str]:
    return {"PORTAL_DATABASE_URL": url, "PORTAL_SECRET_KEY": "bench-secret",
            "PORTAL_UPLOAD_FOLDER": str(upload_folder)}


def floor_env(url: str) -> dict[str, str]:
    return {"BENCH_FLOOR_DATABASE_URL": url}


def gunicorn_args(app: str, port: int, *, pythonpath: Path = ROOT, workers: int = WORKERS,
                  timeout_s: int = 60) -> list[str]:
    """The gunicorn command line both servers share (sync workers, 127.0.0.1 only)."""
    return [str(GUNICORN), "--workers", str(workers), "--worker-class", "sync",
            "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT), "--pythonpath", str(pythonpath),
            "--log-level", "warning", "--timeout", str(timeout_s), app]


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str], log: Path, *, pythonpath: Path = ROOT
             ) -> Iterator[int]:
    """Run `app` under gunicorn (WORKERS sync workers) and yield its port; always stop it."""
    port = free_port()
    args = gunicorn_args(app, port, pythonpath=pythonpath)
    with log.open("w") as log_file:
        process = subprocess.Popen(args, env={**os.environ, **env}, stdout=log_file,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_until_listening(process, port, log)
            yield port
        finally:
            _stop(process)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()  # gunicorn's master stops its workers on SIGTERM
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=5)


def portal_server(url: str, upload_folder: Path, log: Path):
    return gunicorn(PORTAL_APP, portal_env(url, upload_folder), log)


def floor_server(url: str, log: Path):
    return gunicorn(FLOOR_APP, floor_env(url), log, pythonpath=BENCH)
