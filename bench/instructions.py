"""CPU instructions per request of a page, counted by valgrind's callgrind: a repeatable figure.

Timings on a shared or virtual machine drift (on our VMs by a factor of two within an hour), so
two versions of the code timed minutes apart cannot be compared to a few percent. Callgrind counts
the instructions the Python process executes, which depend only on the code, data and inputs:
the same run twice agrees to about 0.3%. It does not see waiting (the database server's own work
on PostgreSQL, network round trips), so it compares CPU work, not latency.

Usage:
    .venv/bin/python bench/instructions.py prepare DIR          # scratch SQLite data (~15 s)
    .venv/bin/python bench/instructions.py count DIR [--page section|review|summary|queue] [-n 20]

`count` runs the portal found on PYTHONPATH (or this checkout), so an older version checked out
in a git worktree is measured against the same data with PYTHONPATH=that/worktree. It needs the
Debian package valgrind (callgrind_control comes with it).
"""

from __future__ import annotations

import argparse
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

PAGES = ("section", "review", "summary", "queue")


def prepare(folder: Path) -> None:
    import inprocess  # noqa: F401  (imports the portal's models before scratch uses them)
    import scratch

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "uploads").mkdir(exist_ok=True)
    fixture = scratch.prepare(scratch.sqlite_url(folder), folder / "uploads")
    scratch.grow_queue(fixture, folder / "uploads")
    (folder / "fixture.pickle").write_bytes(pickle.dumps(fixture))
    print(f"scratch data in {folder}")


def count(folder: Path, page: str, requests: int) -> int:
    """Instructions per request: runs `_measure` under callgrind, instrumented only around the
    measured requests (startup, login and warm-up are not counted)."""
    with tempfile.TemporaryDirectory() as out:
        command = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
                   f"--callgrind-out-file={out}/callgrind.out", sys.executable, __file__,
                   "_measure", str(folder), "--page", page, "-n", str(requests)]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"the measured run failed:\n{done.stderr[-3000:]}")
        # Each dump (one here) ends with "totals:"; its "summary:" line can read 0.
        total = sum(int(line.split()[1])
                    for path in Path(out).glob("callgrind.out*")
                    for line in path.read_text().splitlines() if line.startswith("totals:"))
    return total // requests


def _measure(folder: Path, page: str, requests: int) -> None:
    import inprocess  # noqa: F401
    import scratch
    from scenarios import largest_section, review_path, section_path

    fixture = pickle.loads((folder / "fixture.pickle").read_bytes())
    app = scratch.portal_app(fixture.url, folder / "uploads")
    app.config["WTF_CSRF_ENABLED"] = False  # checked on POSTs only; pages still draw tokens
    client = app.test_client()
    account = fixture.official if page == "section" else fixture.reviewer
    login = client.post("/login", data={"email": account, "password": scratch.PASSWORD})
    if login.status_code != 302:
        raise SystemExit(f"login answered {login.status_code}")
    path = {"section": section_path(fixture, largest_section(fixture)),
            "review": review_path(fixture.review_full_id, fixture.review_section),
            "summary": review_path(fixture.review_full_id), "queue": "/review/"}[page]
    for _ in range(5):  # fill the per-process caches, as a worker's first requests do
        if client.get(path).status_code != 200:
            raise SystemExit(f"GET {path} failed")
    toggle = ["callgrind_control", "-i"]
    subprocess.run([*toggle, "on", str(os.getpid())], check=True, capture_output=True)
    for _ in range(requests):
        client.get(path)
    subprocess.run([*toggle, "off", str(os.getpid())], check=True, capture_output=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("prepare", "count", "_measure"))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--page", choices=PAGES, default="section")
    parser.add_argument("-n", "--requests", type=int, default=20)
    args = parser.parse_args(argv)
    if args.action == "prepare":
        prepare(args.folder)
    elif args.action == "count":
        per_request = count(args.folder, args.page, args.requests)
        print(f"{args.page}: {per_request:,} instructions per request")
    else:
        _measure(args.folder, args.page, args.requests)


if __name__ == "__main__":
    main()
