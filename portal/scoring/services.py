"""Scoring runs: load the inputs, run the pure engine, store entries in bulk, publish.

Services flush; the view or CLI command commits once. A published run is immutable.
"""

from __future__ import annotations

import logging
import re
import subprocess
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np
import yaml
from flask_babel import gettext as _
from sqlalchemy import func, insert, select

from portal.core import audit
from portal.core.errors import DomainError
from portal.db import session, utcnow
from portal.editions.models import Edition
from portal.questionnaires.definition import Questionnaire
from portal.questionnaires.versions import DEFINITIONS_DIR, definition_for
from portal.scoring import inputs as loader
from portal.scoring import notify, quality
from portal.scoring.discard import next_number
from portal.scoring.engine import Result, score
from portal.scoring.methodology import Methodology, MethodologyInvalid, parse_methodology
from portal.scoring.models import (
    IndicatorResult,
    Objection,
    ObjectionStatus,
    RankingEntry,
    RunStatus,
    ScoringRun,
)
from portal.scoring.ranking import competition_ranks

log = logging.getLogger(__name__)
PROJECT_ROOT = Path(__file__).resolve().parents[2]
NO_SNAPSHOT = "brak zatwierdzonej ankiety"
Progress = Callable[[str, int], None]  # (stage, amount): "load", "draws", "store"


class RunRefused(DomainError):
    """The run cannot change: it is published or withdrawn, or a rule forbids the step."""


def methodology_path(version: str, root: Path = DEFINITIONS_DIR) -> Path:
    if not version.replace("-", "").replace("_", "").isalnum():
        raise DomainError(_("Niepoprawna nazwa wersji: %(v)s", v=version))
    return root / version / "methodology.yaml"


def load_methodology_for(edition: Edition, path: Path | None = None
                         ) -> tuple[Methodology, str, Questionnaire]:
    """Read and validate the edition's methodology file against its questionnaire and Police.

    A methodology version that a run used may not change: a changed file is refused.
    """
    questionnaire = definition_for(edition.questionnaire_version)
    path = path or methodology_path(edition.questionnaire_version.version)
    if not path.exists():
        raise DomainError(_("Brak pliku metodyki: %(path)s", path=str(path)))
    text = path.read_text(encoding="utf-8")
    try:
        m = parse_methodology(yaml.safe_load(text), loader.known_sources(questionnaire))
    except (MethodologyInvalid, yaml.YAMLError) as exc:
        raise DomainError(_("Niepoprawna metodyka: %(e)s", e=str(exc))) from exc
    errors = loader.code_errors(m, questionnaire)
    if errors:
        raise DomainError(_("Niepoprawna metodyka: %(e)s", e="; ".join(errors)))
    used = session.scalar(select(ScoringRun.methodology_text)
                          .where(ScoringRun.methodology_version == m.version).limit(1))
    if used is not None and used != text:
        raise DomainError(_("Metodyka w wersji %(v)s była już użyta i nie może się zmienić. "
                            "Nadaj plikowi nową wersję.", v=m.version))
    return m, text, questionnaire


@lru_cache(maxsize=1)
def code_version() -> str:
    """The package version, plus `git describe` when the code runs from a checkout."""
    try:
        version = metadata.version("gmina-bezpieczna-portal")
    except metadata.PackageNotFoundError:
        version = "0"
    try:
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--tags"], cwd=PROJECT_ROOT,
            capture_output=True, text=True, timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        described = ""
    return f"{version}+{described}" if described else version


def _polish_reason(reason: str | None) -> str | None:
    """The engine's reasons (English, pure code) as Polish text for the public."""
    if reason is None:
        return None
    if found := re.match(r"insufficient data: (\w+) missing", reason):
        name = found.group(1)
        return _("brak danych o ludności") if name == "population" else _(
            "brak danych: %(name)s", name=name)
    if found := re.match(r"insufficient data: (\d+)% of the weight missing \(at most (\d+)%\)",
                         reason):
        return _("za mało danych: brakuje %(a)s%% wagi wskaźników (dopuszczalne %(b)s%%)",
                 a=found.group(1), b=found.group(2))
    if reason.startswith("score unavailable"):
        return _("brak wyniku: za mało filarów z danymi")
    return reason


def _dec(value: float) -> Decimal | None:
    return None if not np.isfinite(value) else Decimal(f"{value:.6f}")


def _opt(value) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def _entry_rows(run: ScoringRun, m: Methodology, data: loader.Inputs, result: Result
                ) -> list[dict]:
    """One row per gmina of the registry: scored ones from the result, the rest not ranked."""
    pillars = [g.id for g in m.groups]
    codes, _names = data.table.category_codes()
    group_ranks = {g: competition_ranks(result.nodes[g], m.decimals, codes, result.ranked)[0]
                   for g in pillars}
    position = {gid: i for i, gid in enumerate(data.table_gmina_ids)}
    unc = result.uncertainty
    rows = []
    for g in data.gminy:
        i = position.get(g.id)
        pop, pop_year = data.population.get(g.id, (None, None))
        base = {"run_id": run.id, "gmina_id": g.id, "category": g.category, "population": pop}
        if i is None:
            rows.append(base | {"ranked": False, "not_ranked_reason": NO_SNAPSHOT,
                                "ex_aequo_category": False, "ex_aequo_national": False,
                                "group_scores": {}, "group_ranks": {},
                                "flags": {"population_year": pop_year}})
            continue
        ranked = bool(result.ranked[i])
        rows.append(base | {
            "ranked": ranked,
            "not_ranked_reason": None if ranked else _polish_reason(
                result.not_ranked_reason[i]) or _("brak wyniku"),
            "score": _dec(result.score[i]), "published_score": _dec(result.published_score[i]),
            "rank_category": int(result.rank_category[i]) or None,
            "rank_national": int(result.rank_national[i]) or None,
            "ex_aequo_category": bool(result.ex_aequo_category[i]),
            "ex_aequo_national": bool(result.ex_aequo_national[i]),
            "median_rank": _opt(unc.median_rank[i]) if unc else None,
            "rank_p05": _opt(unc.rank_q05[i]) if unc else None,
            "rank_p95": _opt(unc.rank_q95[i]) if unc else None,
            "group_scores": {p: _opt(result.nodes[p][i]) for p in pillars},
            "group_ranks": {p: int(group_ranks[p][i]) or None for p in pillars},
            "flags": _flags(m, data, result, i) | {"population_year": pop_year},
        })
    return rows


def _powiat_indicators(m: Methodology, data: loader.Inputs, i: int) -> list[str]:
    hit = {name for name, flags in data.powiat_level.items() if flags[i]}
    return [ind.id for ind in m.indicators if ind.reads & hit]


def _flags(m: Methodology, data: loader.Inputs, result: Result, i: int) -> dict:
    ind = result.indicators
    return {
        "imputed": [k for k, r in ind.items() if r.imputed[i]],
        "missing": [k for k, r in ind.items() if r.missing[i]],
        "unverified": [k for k, r in ind.items() if r.unverified[i]],
        "powiat_level": _powiat_indicators(m, data, i),
        "demo": bool(data.demo[i]),
    }


def _indicator_rows(m: Methodology, data: loader.Inputs, result: Result,
                    entry_ids: dict[int, int]) -> list[dict]:
    """Columns of the result turned into rows, one per (scored gmina, indicator)."""
    n = len(data.table_gmina_ids)
    powiat = {ind.id: np.zeros(n, bool) for ind in m.indicators}
    for name, flags in data.powiat_level.items():
        for ind in m.indicators:
            if name in ind.reads:
                powiat[ind.id] |= flags
    fields = ("raw", "transformed", "normalised", "effective_weight", "contribution",
              "points_lost", "shrinkage_weight")
    bools = ("missing", "imputed", "unverified", "winsorised")
    rows = []
    for ind in m.indicators:
        r = result.indicators[ind.id]
        cols = {f: np.asarray(getattr(r, f), np.float64) for f in fields}
        lists = {f: [None if v != v else v for v in cols[f].tolist()] for f in fields}
        flags = {f: np.asarray(getattr(r, f)).tolist() for f in bools}
        pw = powiat[ind.id].tolist()
        for i, gid in enumerate(data.table_gmina_ids):
            row = {"entry_id": entry_ids[gid], "indicator": ind.id, "powiat_level": pw[i]}
            for f in fields:
                row[f] = lists[f][i]
            for f in bools:
                row[f] = flags[f][i]
            rows.append(row)
    return rows


def start_run(edition: Edition, *, actor, draws: int | None = None, notes: str | None = None,
              progress: Progress | None = None, methodology_file: Path | None = None
              ) -> ScoringRun:
    """Score the edition as a new draft run: inputs in a few queries, results in bulk."""
    tick = progress or (lambda _stage, _n: None)
    t0 = time.perf_counter()
    m, text, questionnaire = load_methodology_for(edition, methodology_file)
    data = loader.load_inputs(edition, m, questionnaire)
    tick("load", 1)
    t1 = time.perf_counter()
    result = score(m, data.table, draws=draws, progress=lambda n: tick("draws", n))
    tick("compute", 1)
    t2 = time.perf_counter()
    number = next_number(edition.id)
    unc = result.uncertainty
    run = ScoringRun(
        edition_id=edition.id, number=number, status=RunStatus.DRAFT,
        methodology_version=m.version, methodology_sha256=m.sha256, methodology_text=text,
        input_sha256=result.input_sha256, code_version=code_version(), seed=str(result.seed),
        draws=unc.draws if unc else 0, started_by_id=actor.id if actor else None,
        notes=(notes or "").strip() or None, units_count=len(data.gminy),
        ranked_count=int(result.ranked.sum()), uses_demo_data=bool(data.demo.any()),
        timings={}, quality={})
    session.add(run)
    session.flush()
    _store(run, m, data, result)
    tick("store", 1)
    t3 = time.perf_counter()
    run.quality = quality.summary(
        m, result, units=len(data.gminy), approved=len(data.table_gmina_ids),
        powiat_level=int(np.any(list(data.powiat_level.values()) or [[False]], axis=0).sum())
        if data.powiat_level else 0, demo=int(data.demo.sum()))
    run.timings = {"load": round(t1 - t0, 4), "compute": round(t2 - t1, 4),
                   "store": round(t3 - t2, 4)}
    run.finished_at = utcnow()
    audit.record("scoring.run_created", "scoring_run", run.id, actor=actor,
                 edition=edition.year, number=number, input_sha256=run.input_sha256)
    session.flush()
    log.info("scoring run %s (edition %s #%s): %s ranked of %s", run.id, edition.year, number,
             run.ranked_count, run.units_count)
    return run


def _store(run: ScoringRun, m: Methodology, data: loader.Inputs, result: Result) -> None:
    """Entries and indicator results with two executemany INSERTs and one SELECT of ids."""
    session.execute(insert(RankingEntry), _entry_rows(run, m, data, result))
    entry_ids = {gmina_id: entry_id for gmina_id, entry_id in session.execute(
        select(RankingEntry.gmina_id, RankingEntry.id).where(RankingEntry.run_id == run.id))}
    rows = _indicator_rows(m, data, result, entry_ids)
    if rows:
        session.execute(insert(IndicatorResult), rows)


# --- the lifecycle: draft -> published -> withdrawn ------------------------------------------

def require_draft(run: ScoringRun) -> None:
    if run.status != RunStatus.DRAFT:
        raise RunRefused(_("Przebieg nr %(n)d jest opublikowany albo wycofany i nie może się "
                           "zmienić. Uruchom nowy przebieg.", n=run.number))


def set_reply_deadline(run: ScoringRun, deadline: date | None, *, actor) -> None:
    """Open the right of reply on a draft until `deadline` (inclusive); None closes it."""
    require_draft(run)
    run.reply_deadline = deadline
    audit.record("scoring.reply_deadline_set", "scoring_run", run.id, actor=actor,
                 deadline=deadline.isoformat() if deadline else None)
    session.flush()


def open_objections(run: ScoringRun) -> int:
    return session.scalar(select(func.count(Objection.id)).where(
        Objection.run_id == run.id, Objection.status == ObjectionStatus.OPEN)) or 0


def publication_refusal(run: ScoringRun, today: date) -> str | None:
    """Why the run cannot be published now, or None."""
    if run.status != RunStatus.DRAFT:
        return _("Publikować można tylko przebieg roboczy.")
    if run.reply_deadline is not None and today <= run.reply_deadline:
        return _("Gminy mogą zgłaszać zastrzeżenia do %(d)s; publikacja jest możliwa po tym "
                 "terminie.", d=run.reply_deadline.strftime("%d.%m.%Y"))
    if open_objections(run):
        return _("Nie można opublikować: nierozpatrzone zastrzeżenia (%(n)d).",
                 n=open_objections(run))
    accepted = session.scalar(select(func.count(Objection.id)).where(
        Objection.run_id == run.id, Objection.status == ObjectionStatus.ACCEPTED)) or 0
    if accepted:
        return _("Uwzględniono zastrzeżenia (%(n)d), więc dane się zmienią: uruchom nowy "
                 "przebieg po ponownym zatwierdzeniu ankiet.", n=accepted)
    return None


def publish(run: ScoringRun, *, actor, today: date) -> ScoringRun | None:
    """Publish a draft; the edition's published run, if any, is withdrawn (a correction).

    Returns the withdrawn run, if one was replaced.
    """
    refusal = publication_refusal(run, today)
    if refusal:
        raise RunRefused(refusal)
    now = utcnow()
    previous = session.scalar(select(ScoringRun).where(
        ScoringRun.edition_id == run.edition_id, ScoringRun.status == RunStatus.PUBLISHED)
        .with_for_update())
    if previous is not None:
        previous.status = RunStatus.WITHDRAWN
        previous.withdrawn_at = now
        previous.superseded_by_id = run.id
        session.flush()  # the partial unique index allows one published run at a time
        audit.record("scoring.run_withdrawn", "scoring_run", previous.id, actor=actor,
                     superseded_by=run.id)
    run.status = RunStatus.PUBLISHED
    run.published_at = now
    run.published_by_id = actor.id if actor else None
    audit.record("scoring.run_published", "scoring_run", run.id, actor=actor,
                 replaces=previous.id if previous else None)
    session.flush()
    notify.notify_published(run, correction=previous is not None)
    return previous


def update_notes(run: ScoringRun, notes: str | None, *, actor) -> None:
    require_draft(run)
    run.notes = (notes or "").strip() or None
    audit.record("scoring.notes_changed", "scoring_run", run.id, actor=actor)
    session.flush()
