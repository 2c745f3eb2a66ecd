"""Loading and validating methodology files: every error is reported with its path."""

from pathlib import Path

import pytest

from portal.scoring import formula
from portal.scoring.methodology import MethodologyInvalid, load_methodology, parse_methodology

DATA = Path(__file__).parent / "data"


def errors_of(build, data) -> list[str]:
    with pytest.raises(MethodologyInvalid) as info:
        build(data)
    return info.value.errors


def test_base_methodology_loads_into_frozen_dataclasses(spec, build):
    m = build(spec)
    assert [g.id for g in m.nodes_bottom_up()] == ["police", "local", "total"]
    assert m.indicators[0].transforms[0].exposure == "population"
    assert m.children("police") == (("indicator", "crime_rate"), ("indicator", "detection"))
    with pytest.raises(AttributeError):
        m.scale = 1  # frozen


def test_unknown_source_is_reported_with_its_path(spec, build):
    spec["indicators"][2]["source"] = "kamery"
    spec["indicators"][3]["formula"] = "spend / ludnosc"
    errors = errors_of(build, spec)
    assert "indicators[2].source: unknown source 'kamery'" in errors
    assert "indicators[3].formula: unknown source 'ludnosc'" in errors


@pytest.mark.parametrize("weight", [0, -1])
def test_non_positive_weight_is_an_error(spec, build, weight):
    spec["indicators"][1]["weight"] = weight
    spec["groups"][0]["weight"] = weight
    errors = errors_of(build, spec)
    assert "indicators[1].weight: must be > 0" in errors
    assert "groups[0].weight: must be > 0" in errors


def test_circular_formula_is_an_error(spec, build):
    spec["indicators"].append({"id": "a", "group": "local", "formula": "b + 1",
                               "normalisation": {"type": "minmax"}})
    spec["indicators"].append({"id": "b", "group": "local", "formula": "a * 2",
                               "normalisation": {"type": "minmax"}})
    errors = errors_of(build, spec)
    assert any("circular formula: " in e and ("a -> b -> a" in e or "b -> a -> b" in e)
               for e in errors), errors


def test_unknown_transform_and_normalisation_are_errors(spec, build):
    spec["indicators"][0]["transforms"] = [{"type": "sqrt_magic"}]
    spec["indicators"][1]["normalisation"] = {"type": "rank"}
    errors = errors_of(build, spec)
    assert any(e.startswith("indicators[0].transforms[0].type: unknown transform") for e in errors)
    assert any(e.startswith("indicators[1].normalisation.type: unknown value") for e in errors)


def test_every_error_is_reported_at_once(spec, build):
    spec["indicators"][0]["group"] = "nowhere"
    spec["indicators"][2]["normalisation"] = {"type": "goalposts", "lo": 5, "hi": 1}
    spec["groups"].append({"id": "orphan", "parent": "missing_parent"})
    spec["unexpected"] = True
    errors = errors_of(build, spec)
    assert "indicators[0].group: unknown group 'nowhere'" in errors
    assert "indicators[2].normalisation: hi must be greater than lo" in errors
    assert "groups[2].parent: unknown group 'missing_parent'" in errors
    assert "unexpected: unknown key" in errors


def test_circular_grouping_is_an_error(spec, build):
    spec["groups"][0]["parent"] = "local"
    spec["groups"][1]["parent"] = "police"
    assert any("circular grouping" in e for e in errors_of(build, spec))


def test_goalposts_accept_constant_expressions():
    m = load_methodology(DATA / "hdi_methodology.yaml", ["le", "eys", "mys", "gnipc"])
    income = m.indicators[-1].normalisation
    assert income.lo == pytest.approx(4.605170186) and income.hi == pytest.approx(11.225243392)


def test_methodology_hash_ignores_key_order(spec):
    reordered = dict(reversed(list(spec.items())))
    sources = ["crimes", "population", "detected", "ascertained", "cameras", "spend", "guard"]
    assert parse_methodology(spec, sources).sha256 == parse_methodology(reordered, sources).sha256


@pytest.mark.parametrize("text", ["__import__('os')", "a.b", "x[0]", "lambda: 1", "1 +", "f(1)"])
def test_formula_parser_rejects_anything_outside_the_whitelist(text):
    with pytest.raises(formula.FormulaError):
        formula.parse(text)


def test_formula_evaluates_vectorised_and_turns_invalid_results_into_nan():
    import numpy as np

    node = formula.parse("max(a, 0) / b + log(c) ^ 2 - -1")
    out = formula.evaluate(node, {"a": np.array([2.0, -1]), "b": np.array([1.0, 0]),
                                  "c": np.array([1.0, 1])})
    assert out[0] == 3.0 and np.isnan(out[1])
