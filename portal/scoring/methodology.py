"""Methodology files (questionnaires/METHODOLOGY_FORMAT.md) loaded into frozen dataclasses."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from portal.scoring import formula

ID = re.compile(r"^[a-z][a-z0-9_]*$")
TRANSFORMS = ("log", "log1p", "cap", "eb_rate", "eb_proportion", "winsorise")
NORMALISATIONS = ("goalposts", "minmax", "zscore", "categorical")
AGGREGATIONS = ("arithmetic", "geometric")
MISSING_POLICIES = ("zero", "median", "category_median", "exclude")
PRIORS = ("national", "category")


class MethodologyInvalid(ValueError):
    """The file breaks the format; `errors` lists every problem as "path: message"."""

    def __init__(self, errors: list[str]):
        super().__init__("invalid methodology:\n" + "\n".join(f"  {e}" for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Transform:
    type: str
    lo: float | None = None  # cap: bounds (None = the goalposts)
    hi: float | None = None
    exposure: str | None = None  # eb_rate: population / person-years column
    trials: str | None = None  # eb_proportion: denominator column
    per: float = 1.0  # eb_rate: rate per `per` units of exposure
    prior: str = "national"  # eb_*: shrink towards the national or the category mean
    skew: float = 2.0  # winsorise: COINr thresholds and max points
    kurt: float = 3.5
    max_points: int = 5


@dataclass(frozen=True)
class Normalisation:
    type: str
    lo: float | None = None
    hi: float | None = None
    center: float | None = None  # zscore: y = center + spread * z, clipped to [0, scale]
    spread: float | None = None
    mapping: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class Indicator:
    id: str
    group: str
    weight: float
    source: str | None
    formula: str | None
    denominator: str | None
    per: float
    transforms: tuple[Transform, ...]
    direction: int
    normalisation: Normalisation
    missing: str
    name: str = ""

    @property
    def reads(self) -> frozenset[str]:
        """Source columns and indicator ids the raw value is computed from."""
        used = {self.source} if self.source else set(formula.names(formula.parse(self.formula)))
        used |= {n for n in (self.denominator,) if n}
        used |= {n for t in self.transforms for n in (t.exposure, t.trials) if n}
        return frozenset(used)


@dataclass(frozen=True)
class Group:
    id: str
    parent: str | None
    weight: float
    aggregation: str
    min_available_share: float
    name: str = ""


@dataclass(frozen=True)
class Uncertainty:
    draws: int = 0
    chunk: int = 64
    seed: int | None = None  # None: derived from the input and methodology hashes
    weight_noise: float = 0.0  # weights multiplied by U(1 - noise, 1 + noise) per draw
    normalisations: tuple[str, ...] = ("nominal",)
    aggregations: tuple[str, ...] = ("nominal",)
    shrinkage: tuple[bool, ...] = (True,)
    count_noise: tuple[str, ...] = ()  # source columns resampled as Poisson counts


@dataclass(frozen=True)
class Methodology:
    name: str
    version: str
    scale: float
    index: Group
    groups: tuple[Group, ...]
    indicators: tuple[Indicator, ...]
    unverified: str  # "missing" or "accept"
    max_missing_share: float
    required_sources: tuple[str, ...]
    category_field: str | None
    rank_within_category: bool
    decimals: int
    geometric_floor: float
    uncertainty: Uncertainty
    sha256: str
    # Choice answers as numbers: {source: {answer value: code}}; a list answer (multiple
    # choice) codes as the sum of its selected values' codes. Applied by the loader.
    codes: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    # Sources the loader may estimate from the gmina's powiat (GUS BDL) when the Police have no
    # gmina-level figure; such values are flagged "powiat_level".
    powiat_fallback: tuple[str, ...] = ()

    def children(self, node_id: str) -> tuple[tuple[str, str], ...]:
        """(kind, id) of a node's children in file order; kind is "group" or "indicator"."""
        kids = [("group", g.id) for g in self.groups if (g.parent or self.index.id) == node_id]
        return tuple(kids + [("indicator", i.id) for i in self.indicators if i.group == node_id])

    def nodes_bottom_up(self) -> tuple[Group, ...]:
        """Groups ordered so that every group comes after all of its descendants; index last."""
        depth: dict[str, int] = {self.index.id: 0}
        by_id = {g.id: g for g in self.groups}

        def d(gid: str) -> int:
            if gid not in depth:
                depth[gid] = d(by_id[gid].parent or self.index.id) + 1
            return depth[gid]

        ordered = sorted(self.groups, key=lambda g: -d(g.id))
        return tuple(ordered) + (self.index,)


def methodology_sha256(data: Any) -> str:
    """SHA-256 of the canonical JSON form (keys sorted) of the parsed file."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def load_methodology(path: str | Path, known_sources: Collection[str]) -> Methodology:
    """Read and validate a YAML file; raise MethodologyInvalid listing every error."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise MethodologyInvalid([f"(file): not valid YAML: {exc}"]) from exc
    return parse_methodology(data, known_sources)


def parse_methodology(data: Any, known_sources: Collection[str]) -> Methodology:
    """Validate an already parsed mapping against the known source column names."""
    from portal.scoring.validation import Validator  # it builds the dataclasses defined here

    v = Validator(set(known_sources))
    result = v.methodology(data)
    if v.errors:
        raise MethodologyInvalid(v.errors)
    return result
