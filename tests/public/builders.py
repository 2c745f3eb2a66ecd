"""Small builders for the public pages' tests: places, gminy, published runs and entries."""

from __future__ import annotations

import itertools
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from portal.db import session, utcnow
from portal.editions.models import Edition
from portal.editions.services import create_edition
from portal.municipalities.models import Gmina, Powiat, Voivodeship
from portal.scoring.models import IndicatorResult, RankingEntry, ScoringRun
from tests.scoring.service_helpers import approve_directly

ROOT = Path(__file__).resolve().parents[2]
METHODOLOGY_TEXT = (ROOT / "questionnaires" / "2018" / "methodology.yaml").read_text("utf-8")
_numbers = itertools.count(1)


def powiat(code: str = "0201", name: str = "bolesławiecki", woj_name: str = "DOLNOŚLĄSKIE"
           ) -> Powiat:
    voivodeship = session.scalar(select(Voivodeship).where(Voivodeship.code == code[:2]))
    if voivodeship is None:
        voivodeship = Voivodeship(code=code[:2], name=woj_name)
        session.add(voivodeship)
        session.flush()
    found = session.scalar(select(Powiat).where(Powiat.code == code))
    if found is None:
        found = Powiat(code=code, name=name, voivodeship_id=voivodeship.id)
        session.add(found)
        session.flush()
    return found


def gmina(teryt6: str, name: str, *, kind: int = 2, county: Powiat | None = None) -> Gmina:
    county = county or powiat(teryt6[:4], f"powiat {teryt6[:4]}")
    created = Gmina(teryt6=teryt6, teryt7=f"{teryt6}{kind}", name=name, kind=kind,
                    powiat_id=county.id)
    session.add(created)
    session.flush()
    return created


def edition(year: int = 2018) -> Edition:
    found = session.scalar(select(Edition).where(Edition.year == year))
    return found or create_edition(year=year, questionnaire="2018")


def run(edition_: Edition, *, status: str = "published", version: str = "2018.1",
        demo: bool = False, text: str = METHODOLOGY_TEXT) -> ScoringRun:
    now = utcnow()
    created = ScoringRun(
        edition_id=edition_.id, number=next(_numbers), status=status,
        methodology_version=version, methodology_sha256="a" * 64, methodology_text=text,
        input_sha256="b" * 64, code_version="test", seed="1", draws=100, quality={},
        uses_demo_data=demo, started_at=now, finished_at=now,
        published_at=now if status != "draft" else None,
        withdrawn_at=now if status == "withdrawn" else None,
    )
    session.add(created)
    session.flush()
    return created


def entry(run_: ScoringRun, gmina_: Gmina, *, score: float | None = 50.0,
          rank_national: int | None = 1, rank_category: int | None = 1,
          category: str | None = None, reason: str | None = None, p05: float | None = None,
          p95: float | None = None, population: int | None = 10_000,
          group_scores: dict | None = None, flags: dict | None = None, **extra) -> RankingEntry:
    ranked = reason is None
    created = RankingEntry(
        run_id=run_.id, gmina_id=gmina_.id, category=category or str(gmina_.kind),
        ranked=ranked, not_ranked_reason=reason,
        score=None if score is None else Decimal(str(score)),
        published_score=None if score is None else Decimal(str(round(score, 2))),
        rank_national=rank_national if ranked else None,
        rank_category=rank_category if ranked else None,
        median_rank=None if p05 is None else (p05 + p95) / 2, rank_p05=p05, rank_p95=p95,
        population=population, group_scores=group_scores or {}, group_ranks={},
        flags=flags or {}, **extra,
    )
    session.add(created)
    session.flush()
    return created


def indicator(entry_: RankingEntry, name: str, *, raw: float | None, normalised: float | None,
              weight: float = 0.05, **flags) -> IndicatorResult:
    created = IndicatorResult(
        entry_id=entry_.id, indicator=name, raw=raw, transformed=raw, normalised=normalised,
        effective_weight=weight,
        contribution=None if normalised is None else weight * normalised,
        points_lost=None if normalised is None else weight * (100 - normalised), **flags)
    session.add(created)
    session.flush()
    return created


def ranked_gminy(run_: ScoringRun, count: int, *, woj: str = "02") -> list[RankingEntry]:
    """`count` ranked gminy of one kind in one powiat, scores falling with their number."""
    county = powiat(f"{woj}01", f"powiat {woj}01")
    created = []
    for i in range(count):
        g = gmina(f"{woj}01{i + 1:02d}", f"Gmina {i + 1:02d}", kind=2, county=county)
        created.append(entry(run_, g, score=90.0 - i, rank_national=i + 1, rank_category=i + 1,
                             p05=max(1, i - 1), p95=i + 3))
    return created


__all__ = ["approve_directly", "edition", "entry", "gmina", "indicator", "powiat", "ranked_gminy",
           "run", "METHODOLOGY_TEXT"]
