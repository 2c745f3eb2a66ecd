"""The methodology explained in plain Polish, built from the methodology the run used.

Weights are shown as effective shares of the total (the product of the relative weights on the
path from the index), because "weight 2" means nothing without its siblings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask_babel import gettext as _

from portal.public.svg import format_number
from portal.questionnaires.definition import Questionnaire
from portal.scoring.inputs import POLICE_SOURCES, YEAR_SEPARATOR
from portal.scoring.methodology import Group, Indicator, Methodology, Normalisation, Transform


@dataclass
class IndicatorView:
    indicator: Indicator
    name: str
    share: float  # effective share of the total score, 0..1
    source: str
    steps: list[str]
    missing: str


@dataclass
class GroupView:
    group: Group
    name: str
    share: float
    children: list[GroupView] = field(default_factory=list)
    indicators: list[IndicatorView] = field(default_factory=list)

    def all_indicators(self) -> list[IndicatorView]:
        found = list(self.indicators)
        for child in self.children:
            found += child.all_indicators()
        return found


def effective_shares(methodology: Methodology) -> dict[str, float]:
    """Node id -> its nominal share of the total score, when every indicator is available."""
    weights = {g.id: g.weight for g in methodology.groups}
    weights.update({i.id: i.weight for i in methodology.indicators})
    shares = {methodology.index.id: 1.0}

    def visit(node_id: str) -> None:
        children = methodology.children(node_id)
        total = sum(weights[child] for _, child in children)
        for kind, child in children:
            shares[child] = shares[node_id] * weights[child] / total if total else 0.0
            if kind == "group":
                visit(child)

    visit(methodology.index.id)
    return shares


def pillar_views(methodology: Methodology, questionnaire: Questionnaire | None,
                 locale: str = "pl") -> list[GroupView]:
    """The index's groups (pillars) with their sub-groups and indicators, in file order."""
    shares = effective_shares(methodology)
    groups = {g.id: g for g in methodology.groups}
    indicators = {i.id: i for i in methodology.indicators}

    def build(group: Group) -> GroupView:
        view = GroupView(group, group.name or group.id, shares[group.id])
        for kind, child in methodology.children(group.id):
            if kind == "group":
                view.children.append(build(groups[child]))
            else:
                view.indicators.append(indicator_view(
                    indicators[child], shares[child], methodology, questionnaire, locale))
        return view

    top = [groups[child] for kind, child in methodology.children(methodology.index.id)
           if kind == "group"]
    views = [build(group) for group in top]
    loose = [indicators[child] for kind, child in methodology.children(methodology.index.id)
             if kind == "indicator"]
    if loose:
        other = GroupView(methodology.index, _("Wskaźniki bez filaru"), sum(
            shares[i.id] for i in loose))
        other.indicators = [indicator_view(i, shares[i.id], methodology, questionnaire, locale)
                            for i in loose]
        views.append(other)
    return views


def indicator_view(indicator: Indicator, share: float, methodology: Methodology,
                   questionnaire: Questionnaire | None, locale: str = "pl") -> IndicatorView:
    steps = []
    if indicator.denominator:
        steps.append(_per_text(indicator, questionnaire, locale))
    steps += [transform_text(t, questionnaire, locale) for t in indicator.transforms]
    answers = _answer_labels(indicator, methodology, questionnaire, locale)
    logarithm = next((t.type for t in reversed(indicator.transforms)
                      if t.type in ("log", "log1p")), None)
    steps.append(normalisation_text(indicator.normalisation, indicator.direction,
                                    methodology.scale, locale, answers, logarithm))
    return IndicatorView(
        indicator=indicator,
        name=indicator.name or indicator.id,
        share=share,
        source=_source_text(indicator, questionnaire, locale),
        steps=steps,
        missing=missing_text(indicator.missing),
    )


def _per_text(indicator: Indicator, questionnaire: Questionnaire | None, locale: str) -> str:
    if indicator.denominator == "population":
        if indicator.per == 1:
            return _("w przeliczeniu na mieszkańca")
        return _("w przeliczeniu na %(scale)s mieszkańców", scale=_number(indicator.per, locale))
    return _("podzielone przez: %(denominator)s, razy %(scale)s",
             denominator=source_label(indicator.denominator or "", questionnaire, locale),
             scale=_number(indicator.per, locale))


def source_label(name: str, questionnaire: Questionnaire | None, locale: str = "pl") -> str:
    """A source column in words: the question it comes from, or the Police/GUS figure."""
    key, _sep, year = name.partition(YEAR_SEPARATOR)
    if questionnaire is not None and year and key in questionnaire.items_by_key:
        return _("ankieta: „%(label)s”, rok %(year)s",
                 label=questionnaire.item(key).label.get(locale), year=year)
    if questionnaire is not None and name in questionnaire.items_by_key:
        return _("ankieta: „%(label)s”", label=questionnaire.item(name).label.get(locale))
    if name in POLICE_SOURCES:
        return POLICE_SOURCES[name]
    return _("dane Policji lub GUS: %(name)s", name=name)


def _source_text(indicator: Indicator, questionnaire: Questionnaire | None, locale: str) -> str:
    if indicator.source:
        return source_label(indicator.source, questionnaire, locale)
    used = sorted(indicator.reads - {indicator.denominator})
    names = "; ".join(source_label(name, questionnaire, locale) for name in used)
    return _("wzór %(formula)s, gdzie: %(names)s", formula=indicator.formula, names=names)


def transform_text(transform: Transform, questionnaire: Questionnaire | None,
                   locale: str = "pl") -> str:
    kind = transform.type
    if kind == "log":
        return _("logarytm naturalny (duże wartości różnicują mniej niż małe)")
    if kind == "log1p":
        return _("logarytm z (1 + wartość), tak aby zero pozostało zerem")
    if kind == "cap":
        return _("wartości skrajne przycięte do przedziału normalizacji")
    if kind == "winsorise":
        return _("wartości odstające (silna skośność) zastąpione najbliższą typową wartością, "
                 "najwyżej %(n)s gmin", n=transform.max_points)
    prior = (_("średniej gmin tego samego typu") if transform.prior == "category"
             else _("średniej krajowej"))
    if kind == "eb_rate":
        return _("wskaźnik na %(per)s (%(exposure)s) „ściągnięty” w stronę %(prior)s tym "
                 "silniej, im mniejsza gmina (estymacja empirycznie bayesowska: w małych "
                 "gminach pojedyncze zdarzenia nie przesądzają o wyniku)",
                 per=_number(transform.per, locale),
                 exposure=source_label(transform.exposure or "", questionnaire, locale),
                 prior=prior)
    return _("odsetek „ściągnięty” w stronę %(prior)s tym silniej, im mniej przypadków "
             "(model beta-dwumianowy)", prior=prior)


def _answer_labels(indicator: Indicator, methodology: Methodology,
                   questionnaire: Questionnaire | None, locale: str) -> dict[float, str]:
    """Code -> the answers coded so (`codes:`), for a choice item read as it is."""
    codes = methodology.codes.get(indicator.source or "", {})
    if not codes or questionnaire is None or indicator.source not in questionnaire.items_by_key:
        return {}
    item = questionnaire.item(indicator.source)
    labels = {"yes": _("tak"), "no": _("nie")} if item.type == "yes_no" else {
        value: label.get(locale) for value, label in item.choice_labels.items()}
    found: dict[float, list[str]] = {}
    for value, code in codes.items():
        found.setdefault(float(code), []).append(_("„%(answer)s”", answer=labels.get(value, value)))
    return {code: " / ".join(names) for code, names in found.items()}


def normalisation_text(normalisation: Normalisation, direction: int, scale: float,
                       locale: str = "pl", answers: dict[float, str] | None = None,
                       logarithm: str | None = None) -> str:
    """`logarithm` ("log"/"log1p"): goalposts are shown back on the original scale."""
    top = _number(scale, locale)
    kind = normalisation.type
    if kind == "goalposts":
        unlog = {"log": math.exp, "log1p": math.expm1}.get(logarithm or "", lambda x: x)
        low = _number(_rounded(unlog(normalisation.lo)), locale)
        high = _number(_rounded(unlog(normalisation.hi)), locale)
        if direction < 0:
            return _("%(low)s lub mniej daje %(top)s pkt, %(high)s lub więcej – 0 pkt, "
                     "pomiędzy liniowo", low=low, high=high, top=top)
        return _("%(low)s lub mniej daje 0 pkt, %(high)s lub więcej – %(top)s pkt, "
                 "pomiędzy liniowo", low=low, high=high, top=top)
    if kind == "minmax":
        best = _("najniższa") if direction < 0 else _("najwyższa")
        return _("%(best)s wartość wśród ocenianych gmin daje %(top)s pkt, przeciwna – 0 pkt, "
                 "pomiędzy liniowo", best=best, top=top)
    if kind == "zscore":
        return _("odchylenie od średniej w odchyleniach standardowych: średnia daje "
                 "%(center)s pkt, każde odchylenie standardowe %(spread)s pkt (0–%(top)s)",
                 center=_number(normalisation.center, locale),
                 spread=_number(normalisation.spread, locale), top=top)
    if answers:
        pairs = ", ".join(
            _("%(answer)s → %(points)s pkt", answer=answers.get(float(code), _number(code, locale)),
              points=_number(score, locale))
            for code, score in normalisation.mapping)
        return _("punkty za odpowiedź: %(pairs)s", pairs=pairs)
    pairs = ", ".join(f"{_number(code, locale)} → {_number(score, locale)}"
                      for code, score in normalisation.mapping)
    return _("punkty według tabeli (kod → pkt): %(pairs)s", pairs=pairs)


def missing_text(policy: str) -> str:
    return {
        "zero": _("brak danych daje 0 pkt (brak odpowiedzi nie jest nagradzany)"),
        "median": _("brak danych zastępuje mediana wszystkich ocenianych gmin (oznaczone jako "
                    "uzupełnione)"),
        "category_median": _("brak danych zastępuje mediana gmin tego samego typu (oznaczone "
                             "jako uzupełnione)"),
        "exclude": _("przy braku danych wskaźnik jest pomijany, a wagi pozostałych wskaźników "
                     "proporcjonalnie rosną"),
    }.get(policy, policy)


def _rounded(value: float) -> float:
    """exp(log1p(10)) - 1 is 9.999999999999998: show the round number the author wrote."""
    return round(value, 6)


def _number(value: float | None, locale: str) -> str:
    if value is None:
        return "—"
    decimals = 0 if float(value).is_integer() else min(4, len(repr(float(value)).split(".")[1]))
    return format_number(value, decimals, locale)
