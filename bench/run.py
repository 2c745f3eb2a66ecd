"""Benchmark of the portal's pages against a bare Flask + SQLAlchemy floor, measured in one run.

Usage: .venv/bin/python bench/run.py [--postgres postgresql+psycopg://postgres@127.0.0.1/bench]
       [--requests 150] [--threads 2] [--rounds 8] [--profile]
Each scenario (scenarios.py) is fired at the portal and at its floor, both under gunicorn with
2 sync workers, in short back-to-back pairs (a round), the order alternating; each round gives a
ratio and the median round counts. Prints a table and writes bench/results/latest.json. The
goal: every page at least half the floor's requests/s.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import http_load
import inprocess
import scratch
import servers
from review_data import QUEUE_SIZE, SMALL_QUEUE
from scenarios import SCENARIOS, Scenario

RESULTS = Path(__file__).resolve().parent / "results"
GOAL_RATIO = 0.5
MAX_QUERIES = 10
MAX_REVIEW_QUERIES = 12


@dataclass(frozen=True)
class Settings:
    requests: int
    floor_requests: int
    warmup: int
    threads: int
    rounds: int
    time_limit_s: float
    budget_s: float


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL",
                        help="also run on this scratch PostgreSQL database (it is wiped)")
    parser.add_argument("--skip-sqlite", action="store_true",
                        help="only PostgreSQL (with --postgres)")
    parser.add_argument("--requests", type=int, default=150, help="portal requests per round")
    parser.add_argument("--floor-requests", type=int, default=400,
                        help="floor requests per round (the floor is faster)")
    parser.add_argument("--warmup", type=int, default=40,
                        help="unmeasured requests before each measurement")
    parser.add_argument("--threads", type=int, default=2, help="concurrent client threads")
    parser.add_argument("--rounds", type=int, default=8,
                        help="portal-and-floor pairs, order alternating (keep it even); the "
                             "lower median counts")
    parser.add_argument("--time-limit", type=float, default=10.0,
                        help="seconds at most per measured round")
    parser.add_argument("--budget", type=float, default=110.0,
                        help="seconds for the whole run; later rounds are skipped past it")
    parser.add_argument("--profile", action="store_true",
                        help="also cProfile the largest section in-process")
    parser.add_argument("--only", metavar="TEXT",
                        help="only the scenarios whose name contains TEXT (e.g. 'section')")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    return parser.parse_args(argv)


def measure(port: int, call: http_load.Call, settings: Settings, count: int
            ) -> http_load.Measurement:
    # Before every measurement: the server measured just before had the CPUs' caches, and
    # the first requests after a switch read slow (the second of a pair lost ~0.1 of ratio).
    warmup = http_load.hammer(port, call, requests=settings.warmup, threads=settings.threads,
                              time_limit_s=settings.time_limit_s)
    if warmup.failures:
        raise RuntimeError(f"{call.method} {call.path} fails: {warmup.first_failure}")
    return http_load.hammer(port, call, requests=count, threads=settings.threads,
                            time_limit_s=settings.time_limit_s)


def _figures(measurement: http_load.Measurement) -> dict:
    return {"rps": round(measurement.rps, 1), "p50_ms": round(measurement.p50_ms, 1),
            "p95_ms": round(measurement.p95_ms, 1), "requests": measurement.requests,
            "failures": measurement.failures, "seconds": round(measurement.seconds, 2),
            "first_failure": measurement.first_failure}


def run_scenario(scenario: Scenario, fixture: scratch.Fixture, ports: dict[str, int],
                 settings: Settings, deadline: float) -> dict:
    """Rounds of one portal and one floor measurement back to back; the median round counts.

    Our VMs' speed drifts by a factor of two within minutes, which moved a best-of-each figure
    by ±0.05: the two halves of a round share the machine's state of those seconds, and the
    median of several rounds ignores the odd round a neighbour's load fell into. With an even
    number of rounds each order comes as often, and the lower of the two middle rounds counts.
    """
    portal_client = http_load.Client(ports["portal"])
    http_load.log_in(portal_client, scenario.account, scratch.PASSWORD)
    calls = {"portal": scenario.portal(portal_client, fixture),
             "floor": scenario.floor(http_load.Client(ports["floor"]), fixture)}
    counts = {"portal": settings.requests, "floor": settings.floor_requests}
    rounds: list[dict[str, http_load.Measurement]] = []
    for round_no in range(settings.rounds):
        if round_no and time.monotonic() > deadline:
            break
        # Alternate who goes first so a slow drift of the machine hits both alike.
        order = ("portal", "floor") if round_no % 2 == 0 else ("floor", "portal")
        rounds.append({target: measure(ports[target], calls[target], settings, counts[target])
                       for target in order})
    ratios = [_ratio(pair) for pair in rounds]
    middle = rounds[ratios.index(statistics.median_low(ratios))]
    failures = sum(pair["portal"].failures for pair in rounds)
    return {"what": scenario.what, "portal": _figures(middle["portal"]),
            "floor": _figures(middle["floor"]), "ratio": round(_ratio(middle), 3),
            "round_ratios": [round(ratio, 3) for ratio in ratios],
            "goal_met": _ratio(middle) >= GOAL_RATIO and not failures}


def _ratio(pair: dict[str, http_load.Measurement]) -> float:
    return pair["portal"].rps / pair["floor"].rps if pair["floor"].rps else 0.0


def run_backend(name: str, url: str, folder: Path, settings: Settings, deadline: float,
                profile: bool, only: str | None = None) -> dict:
    uploads = folder / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    fixture = scratch.prepare(url, uploads)
    queue_small = inprocess.count_queue_queries(fixture, uploads)
    added = scratch.grow_queue(fixture, uploads)
    print(f"[{name}] scratch data ready in {time.monotonic() - started:.1f} s "
          f"({added} submissions added to the queue)", flush=True)
    queries = inprocess.count_queries(fixture, uploads)
    fixture = dataclasses.replace(fixture, section_inputs=queries["largest"]["inputs"])
    review = {"queue_small": queue_small,
              "queue_full": inprocess.count_queue_queries(fixture, uploads),
              **inprocess.count_review_queries(fixture, uploads)}
    if profile:
        top = inprocess.profile(fixture, uploads, RESULTS / f"profile-{name}.txt")
        print("\n".join(top.splitlines()[:60]))
        top = inprocess.profile_review(fixture, uploads, RESULTS / f"profile-review-{name}.txt")
        print("\n".join(top.splitlines()[:60]))
    scenarios = {}
    with contextlib.ExitStack() as stack:
        ports = {"portal": stack.enter_context(
                     servers.portal_server(url, uploads, RESULTS / f"{name}-portal.log")),
                 "floor": stack.enter_context(
                     servers.floor_server(url, RESULTS / f"{name}-floor.log"))}
        for scenario in SCENARIOS:
            if only and only not in scenario.name:
                continue
            scenarios[scenario.name] = run_scenario(scenario, fixture, ports, settings, deadline)
            print(f"[{name}] {scenario.name}: done", flush=True)
    return {"url": url.split("@")[-1], "queries": _query_summary(queries),
            "review_queries": _review_summary(review), "scenarios": scenarios}


def _query_summary(queries: dict) -> dict:
    small, large = queries["smallest"], queries["largest"]
    answered = small["status"] == large["status"] == 200 and queries["largest_post"][
        "status"] == 302
    return {**queries, "independent_of_items": small["queries"] == large["queries"],
            "goal_met": answered and small["queries"] == large["queries"] <= MAX_QUERIES}


def _review_summary(review: dict) -> dict:
    pairs = ((review["queue_small"], review["queue_full"]), (review["small"], review["full"]),
             (review["small_section"], review["full_section"]))
    ok = all(a["status"] == b["status"] == 200
             and a["queries"] == b["queries"] <= MAX_REVIEW_QUERIES for a, b in pairs)
    return {**review, "goal_met": ok}


def print_report(report: dict) -> None:
    line = "{:<11} {:<17} {:>10} {:>10} {:>6} {:>11} {:>9} {:>9} {:>5}  {}"
    print()
    print(line.format("database", "scenario", "portal r/s", "floor r/s", "ratio", "rounds",
                      "p50 ms", "floor p50", "fail", "goal ≥ 0.5"))
    for backend, data in report["backends"].items():
        for name, s in data["scenarios"].items():
            spread = f"{min(s['round_ratios']):.2f}–{max(s['round_ratios']):.2f}"
            print(line.format(backend, name, s["portal"]["rps"], s["floor"]["rps"],
                              f"{s['ratio']:.2f}", spread, s["portal"]["p50_ms"],
                              s["floor"]["p50_ms"], s["portal"]["failures"],
                              "met" if s["goal_met"] else "MISSED"))
    print("(ratio: the median round's portal r/s ÷ floor r/s; rounds: the lowest and highest "
          "round's)")
    print()
    for backend, data in report["backends"].items():
        q = data["queries"]
        print(f"{backend}: SQL per section GET: {q['smallest']['section']} "
              f"({q['smallest']['items']} items) = {q['smallest']['queries']}, "
              f"{q['largest']['section']} ({q['largest']['items']} items) = "
              f"{q['largest']['queries']}; per save = {q['largest_post']['queries']} "
              f"({q['largest_post']['writes']} writes) -> "
              f"{'met' if q['goal_met'] else 'MISSED'} (equal, ≤ {MAX_QUERIES}); the floor "
              f"draws {q['largest']['inputs']} inputs, as many as {q['largest']['section']}")
        r = data["review_queries"]
        print(f"{backend}: SQL per review queue GET: {SMALL_QUEUE} submissions = "
              f"{r['queue_small']['queries']}, {QUEUE_SIZE} = {r['queue_full']['queries']}; "
              f"per review summary GET: one section answered = {r['small']['queries']}, "
              f"complete = {r['full']['queries']}; per section review page GET: "
              f"{r['small_section']['queries']} and {r['full_section']['queries']} -> "
              f"{'met' if r['goal_met'] else 'MISSED'} (equal, ≤ {MAX_REVIEW_QUERIES})")
        # The review pages' goal: "in the same range as the official's section page".
        section = data["scenarios"].get("section GET")
        for name, s in data["scenarios"].items():
            if section and name.startswith("review ") and name != "review queue GET":
                print(f"{backend}: {name} p50 = "
                      f"{s['portal']['p50_ms'] / section['portal']['p50_ms']:.2f} × the "
                      f"section GET's p50 ({s['portal']['p50_ms']} vs "
                      f"{section['portal']['p50_ms']} ms)")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = Settings(args.requests, args.floor_requests, args.warmup, args.threads,
                        args.rounds, args.time_limit, args.budget)
    deadline = time.monotonic() + settings.budget_s
    RESULTS.mkdir(exist_ok=True)
    report = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "platform": platform.platform()},
              "settings": {**settings.__dict__, "gunicorn_workers": servers.WORKERS,
                           "worker_class": "sync", "ratio": "median of rounds"},
              "backends": {}}
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp:
        backends = [] if args.skip_sqlite else [("sqlite", scratch.sqlite_url(Path(tmp)))]
        if args.postgres:
            scratch.reset_postgres(args.postgres)
            backends.append(("postgresql", args.postgres))
        for name, url in backends:
            folder = Path(tmp) / name
            report["backends"][name] = run_backend(name, url, folder, settings, deadline,
                                                   args.profile, args.only)
    report["goal_met"] = all(
        data["queries"]["goal_met"] and data["review_queries"]["goal_met"]
        and all(s["goal_met"] for s in data["scenarios"].values())
        for data in report["backends"].values())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print_report(report)
    print(f"\nall goals {'met' if report['goal_met'] else 'NOT met'}; written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
