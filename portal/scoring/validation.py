"""Validation of a parsed methodology mapping: every error is collected with its path."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from portal.public.advice import advice_errors  # `advice:` rules, checked for form here
from portal.scoring import formula
from portal.scoring.methodology import (
    AGGREGATIONS,
    ID,
    MISSING_POLICIES,
    NORMALISATIONS,
    PRIORS,
    TRANSFORMS,
    Group,
    Indicator,
    Methodology,
    Normalisation,
    Transform,
    Uncertainty,
    methodology_sha256,
)


class Validator:
    """Builds the dataclasses while recording "path: message" errors."""

    def __init__(self, known: set[str]):
        self.known = known
        self.errors: list[str] = []

    def err(self, path: str, msg: str) -> None:
        self.errors.append(f"{path}: {msg}")

    def mapping(self, value: Any, path: str, allowed: Collection[str]) -> Mapping:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.err(path, "must be a mapping")
            return {}
        for key in value:
            if key not in allowed:
                self.err(f"{path}.{key}" if path else str(key), "unknown key")
        return value

    def number(self, value: Any, path: str, *, default=None, positive=False, lo=None, hi=None):
        if value is None:
            if default is None:
                self.err(path, "is required")
            return default
        try:
            num = formula.constant(value)
        except (formula.FormulaError, KeyError, TypeError) as exc:
            self.err(path, f"must be a number ({exc})")
            return default
        if positive and not num > 0:
            self.err(path, "must be > 0")
        if (lo is not None and num < lo) or (hi is not None and num > hi):
            self.err(path, f"must be between {lo} and {hi}")
        return num

    def choice(self, value: Any, path: str, options: Collection[str], default: str) -> str:
        if value is None:
            return default
        if value not in options:
            self.err(path, f"unknown value {value!r}; expected one of {', '.join(options)}")
            return default
        return value

    def ident(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not ID.match(value):
            self.err(path, "must match [a-z][a-z0-9_]*")
            return str(value)
        return value

    def source(self, value: Any, path: str) -> str | None:
        if value is None:
            return None
        if value not in self.known:
            self.err(path, f"unknown source {value!r}")
        return value

    def methodology(self, data: Any) -> Methodology:
        top = self.mapping(data, "", (
            "methodology", "version", "scale", "index", "groups", "indicators", "missing",
            "unverified", "eligibility", "categories", "ranking", "geometric_floor",
            "availability_threshold", "uncertainty", "description", "codes", "powiat_fallback",
            "advice"))
        scale = self.number(top.get("scale"), "scale", default=100.0, positive=True)
        threshold = self.number(top.get("availability_threshold"), "availability_threshold",
                                default=0.5, lo=0, hi=1)
        index = self.group(top.get("index"), "index", threshold, root=True)
        groups = tuple(self.group(g, f"groups[{i}]", threshold)
                       for i, g in enumerate(self.listing(top.get("groups"), "groups")))
        missing = self.mapping(top.get("missing"), "missing", ("default",))
        default_missing = self.choice(missing.get("default"), "missing.default",
                                      MISSING_POLICIES, "zero")
        raw_inds = self.listing(top.get("indicators"), "indicators", required=True)
        indicators = tuple(self.indicator(d, f"indicators[{i}]", default_missing, scale)
                           for i, d in enumerate(raw_inds))
        self.structure(index, groups, indicators)
        self.errors += advice_errors(top.get("advice"), None, {g.id for g in groups})
        elig = self.mapping(top.get("eligibility"), "eligibility",
                            ("max_missing_share", "required_sources"))
        cats = self.mapping(top.get("categories"), "categories", ("field", "rank_within"))
        ranking = self.mapping(top.get("ranking"), "ranking", ("decimals", "ties"))
        self.choice(ranking.get("ties"), "ranking.ties", ("competition",), "competition")
        decimals = self.number(ranking.get("decimals"), "ranking.decimals", default=2, lo=0, hi=6)
        return Methodology(
            name=str(top.get("methodology") or ""),
            version=str(top.get("version") or ""),
            scale=scale,
            index=index,
            groups=groups,
            indicators=indicators,
            unverified=self.choice(top.get("unverified"), "unverified",
                                   ("missing", "accept"), "missing"),
            max_missing_share=self.number(elig.get("max_missing_share"),
                                          "eligibility.max_missing_share", default=1.0, lo=0, hi=1),
            required_sources=tuple(self.source(s, f"eligibility.required_sources[{i}]") or ""
                                   for i, s in enumerate(self.listing(
                                       elig.get("required_sources"),
                                       "eligibility.required_sources"))),
            category_field=cats.get("field"),
            rank_within_category=bool(cats.get("rank_within", True)),
            decimals=int(decimals),
            geometric_floor=self.number(top.get("geometric_floor"), "geometric_floor",
                                        default=scale / 100, positive=True),
            uncertainty=self.uncertainty(top.get("uncertainty")),
            sha256=methodology_sha256(data),
            codes=self.codes(top.get("codes")),
            powiat_fallback=tuple(self.source(s, f"powiat_fallback[{i}]") or ""
                                  for i, s in enumerate(self.listing(
                                      top.get("powiat_fallback"), "powiat_fallback"))),
        )

    def codes(self, data: Any) -> dict[str, dict[str, float]]:
        """{source: {answer value: number}}; answer values are text (quote yes/no in YAML)."""
        out: dict[str, dict[str, float]] = {}
        for name, mapping in self.mapping(data, "codes", self.known).items():
            path = f"codes.{name}"
            if not isinstance(mapping, Mapping) or not mapping:
                self.err(path, "must be a non-empty mapping of answer value: number")
                continue
            out[name] = {}
            for value, code in mapping.items():
                if not isinstance(value, str):
                    self.err(f"{path}.{value}", "answer values must be text (quote yes/no)")
                out[name][str(value)] = self.number(code, f"{path}.{value}", default=0.0)
        return out

    def listing(self, value: Any, path: str, required: bool = False) -> list:
        if value is None:
            if required:
                self.err(path, "is required")
            return []
        if not isinstance(value, list):
            self.err(path, "must be a list")
            return []
        return value

    def group(self, data: Any, path: str, threshold: float, root: bool = False) -> Group:
        keys = ("id", "name", "aggregation", "min_available_share")
        d = self.mapping(data, path, keys if root else keys + ("parent", "weight"))
        if data is None:
            self.err(path, "is required")
        return Group(
            id=self.ident(d.get("id"), f"{path}.id"),
            parent=None if root else d.get("parent"),
            weight=1.0 if root else self.number(d.get("weight"), f"{path}.weight", default=1.0,
                                                positive=True),
            aggregation=self.choice(d.get("aggregation"), f"{path}.aggregation", AGGREGATIONS,
                                    "arithmetic"),
            min_available_share=self.number(d.get("min_available_share"),
                                            f"{path}.min_available_share", default=threshold,
                                            lo=0, hi=1),
            name=str(d.get("name") or ""),
        )

    def indicator(self, data: Any, path: str, default_missing: str, scale: float) -> Indicator:
        d = self.mapping(data, path, (
            "id", "name", "group", "source", "formula", "per", "transforms", "direction",
            "normalisation", "weight", "missing"))
        if ("source" in d) == ("formula" in d):
            self.err(path, "needs exactly one of source or formula")
        text = d.get("formula")
        if text is not None:
            try:
                formula.parse(text)
            except formula.FormulaError as exc:
                self.err(f"{path}.formula", str(exc))
                text = None
        per = self.mapping(d.get("per"), f"{path}.per", ("denominator", "scale"))
        direction = d.get("direction", 1)
        if direction not in (1, -1):
            self.err(f"{path}.direction", "must be 1 or -1")
            direction = 1
        transforms = tuple(self.transform(t, f"{path}.transforms[{i}]")
                           for i, t in enumerate(self.listing(d.get("transforms"),
                                                              f"{path}.transforms")))
        return Indicator(
            id=self.ident(d.get("id"), f"{path}.id"),
            group=str(d.get("group")),
            weight=self.number(d.get("weight"), f"{path}.weight", default=1.0, positive=True),
            source=self.source(d.get("source"), f"{path}.source"),
            formula=text if text is not None else (None if "source" in d else "0"),
            denominator=self.source(per.get("denominator"), f"{path}.per.denominator"),
            per=self.number(per.get("scale"), f"{path}.per.scale", default=1.0, positive=True),
            transforms=transforms,
            direction=direction,
            normalisation=self.normalisation(d.get("normalisation"), f"{path}.normalisation",
                                             scale),
            missing=self.choice(d.get("missing"), f"{path}.missing", MISSING_POLICIES,
                                default_missing),
            name=str(d.get("name") or ""),
        )

    def transform(self, data: Any, path: str) -> Transform:
        if isinstance(data, str):
            data = {"type": data}
        d = self.mapping(data, path, ("type", "lo", "hi", "exposure", "trials", "per", "prior",
                                      "skew", "kurt", "max_points"))
        kind = d.get("type")
        if kind not in TRANSFORMS:
            self.err(f"{path}.type", f"unknown transform {kind!r}; expected one of "
                                     f"{', '.join(TRANSFORMS)}")
            return Transform(type="log1p")
        if kind == "eb_rate" and not d.get("exposure"):
            self.err(f"{path}.exposure", "is required for eb_rate")
        if kind == "eb_proportion" and not d.get("trials"):
            self.err(f"{path}.trials", "is required for eb_proportion")
        opt = {k: self.number(d[k], f"{path}.{k}") for k in ("lo", "hi", "skew", "kurt") if k in d}
        return Transform(
            type=kind,
            exposure=self.source(d.get("exposure"), f"{path}.exposure"),
            trials=self.source(d.get("trials"), f"{path}.trials"),
            per=self.number(d.get("per"), f"{path}.per", default=1.0, positive=True),
            prior=self.choice(d.get("prior"), f"{path}.prior", PRIORS, "national"),
            max_points=int(self.number(d.get("max_points"), f"{path}.max_points", default=5,
                                       lo=0, hi=1000)),
            **opt,
        )

    def normalisation(self, data: Any, path: str, scale: float) -> Normalisation:
        d = self.mapping(data, path, ("type", "lo", "hi", "center", "spread", "map"))
        kind = self.choice(d.get("type"), f"{path}.type", NORMALISATIONS, "minmax")
        if data is None:
            self.err(path, "is required")
        if kind == "goalposts":
            lo = self.number(d.get("lo"), f"{path}.lo", default=0.0)
            hi = self.number(d.get("hi"), f"{path}.hi", default=1.0)
            if hi <= lo:
                self.err(path, "hi must be greater than lo")
            return Normalisation(type=kind, lo=lo, hi=hi)
        if kind == "zscore":
            return Normalisation(
                type=kind,
                center=self.number(d.get("center"), f"{path}.center", default=scale / 2),
                spread=self.number(d.get("spread"), f"{path}.spread", default=scale / 10,
                                   positive=True))
        if kind == "categorical":
            raw = d.get("map")
            if not isinstance(raw, Mapping) or not raw:
                self.err(f"{path}.map", "must be a non-empty mapping of numeric code: score")
                return Normalisation(type=kind)
            pairs = []
            for k, val in raw.items():
                code = self.number(k, f"{path}.map.{k}", default=0.0)
                pairs.append((code, self.number(val, f"{path}.map.{k}", default=0.0, lo=0,
                                                hi=scale)))
            return Normalisation(type=kind, mapping=tuple(pairs))
        return Normalisation(type=kind)

    def uncertainty(self, data: Any) -> Uncertainty:
        p = "uncertainty"
        d = self.mapping(data, p, ("draws", "chunk", "seed", "weights", "normalisation",
                                   "aggregation", "shrinkage", "count_noise"))
        weights = self.mapping(d.get("weights"), f"{p}.weights", ("noise",))
        norms = tuple(self.choice(n, f"{p}.normalisation[{i}]", ("nominal",) + NORMALISATIONS[:3],
                                  "nominal")
                      for i, n in enumerate(self.listing(d.get("normalisation"),
                                                         f"{p}.normalisation")))
        aggs = tuple(self.choice(a, f"{p}.aggregation[{i}]", ("nominal",) + AGGREGATIONS,
                                 "nominal")
                     for i, a in enumerate(self.listing(d.get("aggregation"), f"{p}.aggregation")))
        shrink = tuple(bool(s) for s in self.listing(d.get("shrinkage"), f"{p}.shrinkage"))
        seed = d.get("seed", "from_inputs")
        if seed != "from_inputs" and (not isinstance(seed, int) or seed < 0):
            self.err(f"{p}.seed", "must be a non-negative integer or from_inputs")
            seed = "from_inputs"
        return Uncertainty(
            draws=int(self.number(d.get("draws"), f"{p}.draws", default=0, lo=0, hi=1_000_000)),
            chunk=int(self.number(d.get("chunk"), f"{p}.chunk", default=64, lo=1, hi=4096)),
            seed=None if seed == "from_inputs" else seed,
            weight_noise=self.number(weights.get("noise"), f"{p}.weights.noise", default=0.0,
                                     lo=0, hi=0.99),
            normalisations=norms or ("nominal",),
            aggregations=aggs or ("nominal",),
            shrinkage=shrink or (True,),
            count_noise=tuple(self.source(s, f"{p}.count_noise[{i}]") or ""
                              for i, s in enumerate(self.listing(d.get("count_noise"),
                                                                 f"{p}.count_noise"))),
        )

    def structure(self, index: Group, groups: tuple[Group, ...],
                  indicators: tuple[Indicator, ...]) -> None:
        """Unique ids, existing parents, no parent cycles, no circular formulas, no empty group."""
        seen: set[str] = set()
        for path, node_id in ([("index.id", index.id)]
                              + [(f"groups[{i}].id", g.id) for i, g in enumerate(groups)]
                              + [(f"indicators[{i}].id", x.id) for i, x in enumerate(indicators)]):
            if node_id in seen:
                self.err(path, f"duplicate id {node_id!r}")
            seen.add(node_id)
        group_ids = {index.id} | {g.id for g in groups}
        parent = {g.id: g.parent or index.id for g in groups}
        for i, g in enumerate(groups):
            if g.parent is not None and g.parent not in group_ids:
                self.err(f"groups[{i}].parent", f"unknown group {g.parent!r}")
                continue
            walk, node = set(), g.id
            while node in parent and node not in walk:
                walk.add(node)
                node = parent[node]
            if node in walk:
                self.err(f"groups[{i}].parent", f"circular grouping through {g.id!r}")
        for i, x in enumerate(indicators):
            if x.group not in group_ids:
                self.err(f"indicators[{i}].group", f"unknown group {x.group!r}")
        used = {x.group for x in indicators} | {g.parent or index.id for g in groups}
        for i, g in enumerate(groups):
            if g.id not in used:
                self.err(f"groups[{i}]", f"group {g.id!r} has no indicators or groups")
        self.formulas(indicators)

    def formulas(self, indicators: tuple[Indicator, ...]) -> None:
        ids = {x.id for x in indicators}
        deps: dict[str, set[str]] = {}
        for i, x in enumerate(indicators):
            if x.formula is None or x.source:
                deps[x.id] = set()
                continue
            refs = formula.names(formula.parse(x.formula))
            for name in sorted(refs - ids - self.known):
                self.err(f"indicators[{i}].formula", f"unknown source {name!r}")
            deps[x.id] = refs & ids
        state: dict[str, int] = {}

        def visit(node: str, trail: list[str]) -> None:
            state[node] = 1
            for dep in sorted(deps.get(node, ())):
                if state.get(dep) == 1:
                    cycle = trail[trail.index(dep):] + [dep]
                    pos = next(i for i, x in enumerate(indicators) if x.id == dep)
                    self.err(f"indicators[{pos}].formula",
                             "circular formula: " + " -> ".join(cycle))
                elif dep not in state:
                    visit(dep, trail + [dep])
            state[node] = 2

        for x in indicators:
            if x.id not in state:
                visit(x.id, [x.id])
