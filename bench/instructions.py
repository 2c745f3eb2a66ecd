"""CPU instructions per request of a page, counted by valgrind's callgrind: a repeatable figure.

Timings on a shared or virtual machine drift (on our VMs by a factor of two within an hour), so
two versions of the code timed minutes apart cannot be compared to a few percent. Callgrind counts
the instructions the Python process executes, which depend only on the code, data and inputs:
the same run twice agrees to about 0.3%. It does not see waiting (the database server's own work
on PostgreSQL, network round trips), so it compares CPU work, not latency.

Usage:
    .venv/bin/python bench/instructions.py prepare DIR          # scratch SQLite data (~15 s)
    .venv/bin/python bench/instructions.py count DIR [--page section|review|summary|queue] [-n 20]
    .venv/bin/python bench/instructions.py served DIR [-n 40]   # section GET: portal vs floor

`served` counts what the benchmark's servers execute: one gunicorn sync worker each for the
portal and the floor (gunicorn's own request handling included), the largest section page
against the floor page with as many inputs. Its ratio (floor ÷ portal instructions) is the
benchmark's ratio without the VM's drift, but not its measure: the portal's instructions run
slower than the floor's (more code and data touched per request; see bench/README.md).

`count` runs the portal found on PYTHONPATH (or this checkout), so an older version checked out
in a git worktree is measured against the same data with PYTHONPATH=that/worktree. It needs the
Debian package valgrind (callgrind_control comes with it).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import servers
from http_load import Call, Client, log_in

PAGES = ("section", "review", "summary", "queue")
SERVED_START_S = 600  # the portal's start under valgrind takes a minute or more


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


def served(folder: Path, requests: int) -> dict[str, int]:
    """Instructions per request of a gunicorn worker serving the section GET (portal) and the
    floor page with as many inputs."""
    import inprocess
    import scratch
    from scenarios import largest_section, section_path

    fixture = pickle.loads((folder / "fixture.pickle").read_bytes())

    def portal_page(client) -> str:
        log_in(client, fixture.official, scratch.PASSWORD)
        return section_path(fixture, largest_section(fixture))

    with tempfile.TemporaryDirectory() as out:
        portal, html = _served(servers.PORTAL_APP, servers.ROOT,
                               servers.portal_env(fixture.url, folder / "uploads"),
                               Path(out) / "portal", requests, portal_page)
        inputs = inprocess.form_controls(html)
        floor, _ = _served(servers.FLOOR_APP, servers.BENCH, servers.floor_env(fixture.url),
                           Path(out) / "floor", requests, lambda client: f"/items/{inputs}")
    return {"portal": portal, "floor": floor, "inputs": inputs}


def _served(app: str, pythonpath: Path, env: dict[str, str], out: Path, requests: int,
            open_page: Callable[[Client], str]) -> tuple[int, str]:
    """(instructions per request, the page) of `app` in one gunicorn worker under callgrind.

    `open_page(client)` logs in if it must and names the page; the first visit and a warm-up
    are not counted, and neither is gunicorn's master.
    """
    out.mkdir()
    port = servers.free_port()
    # The benchmark's command line, with one worker (the one measured) and the interpreter named
    # for valgrind.
    command = ["valgrind", "--tool=callgrind", "--trace-children=yes", "--instr-atstart=no",
               f"--callgrind-out-file={out}/callgrind.%p", sys.executable,
               *servers.gunicorn_args(app, port, pythonpath=pythonpath, workers=1,
                                      timeout_s=SERVED_START_S)]
    log = out / "server.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(command, env={**os.environ, **env}, stdout=log_file,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        servers.wait_until_listening(process, port, log, timeout_s=SERVED_START_S)
        client = Client(port, timeout=SERVED_START_S)
        path = open_page(client)
        page = client.browse(Call("GET", path))
        call = Call("GET", path, headers=client.cookie_header())
        for _ in range(5):  # the worker's per-process caches, as in the benchmark's warm-up
            if client.send(call).status != 200:
                raise SystemExit(f"GET {path} failed; see {log}")
        worker = _child_of(process.pid)
        subprocess.run(["callgrind_control", "-i", "on", str(worker)], check=True,
                       capture_output=True)
        for _ in range(requests):
            client.send(call)
        subprocess.run(["callgrind_control", "-i", "off", str(worker)], check=True,
                       capture_output=True)
        subprocess.run(["callgrind_control", "-d", str(worker)], check=True, capture_output=True)
        total = sum(int(line.split()[1]) for dump in out.glob(f"callgrind.{worker}*")
                    for line in dump.read_text().splitlines() if line.startswith("totals:"))
        return total // requests, page.text
    finally:
        os.killpg(process.pid, 15)
        process.wait(60)


def _child_of(parent: int) -> int:
    """The one gunicorn worker forked by the master `parent` (valgrind keeps the PIDs)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == parent:
                    return int(entry.name)
    raise SystemExit("the gunicorn worker was not found")


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
    parser.add_argument("action", choices=("prepare", "count", "served", "_measure"))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--page", choices=PAGES, default="section")
    parser.add_argument("-n", "--requests", type=int, default=20)
    args = parser.parse_args(argv)
    if args.action == "prepare":
        prepare(args.folder)
    elif args.action == "count":
        per_request = count(args.folder, args.page, args.requests)
        print(f"{args.page}: {per_request:,} instructions per request")
    elif args.action == "served":
        figures = served(args.folder, args.requests)
        portal, floor = figures["portal"], figures["floor"]
        print(f"section GET under gunicorn: portal {portal:,}, floor ({figures['inputs']} inputs) "
              f"{floor:,} instructions per request; floor ÷ portal {floor / portal:.2f}")
    else:
        _measure(args.folder, args.page, args.requests)


if __name__ == "__main__":
    main()
