import builtins
import re
from decimal import Decimal
from pathlib import Path

import pytest

from portal.questionnaires import expression_functions, expression_runtime, expressions
from portal.questionnaires.expressions import MAX_DEPTH, ExpressionError, parse_expression


def value(text, values=None, current=None):
    return parse_expression(text).evaluate(values or {}, current)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", Decimal(7)),
        ("(1 + 2) * 3", Decimal(9)),
        ("10 - 4 - 3", Decimal(3)),
        ("8 div 2 div 2", Decimal(2)),
        ("7 mod 3 + 1", Decimal(2)),
        ("-2 * -3", Decimal(6)),
        ("- (1 + 2)", Decimal(-3)),
        ("1 + 1 = 2 and 3 > 2", True),
        ("1 = 2 or 2 = 2 and 1 = 0", False),
        ("1 = 1 or 1 = 1 and 1 = 0", True),
        ("2 < 3", True), ("3 <= 3", True), ("4 > 5", False), ("5 >= 5", True), ("1 != 2", True),
    ],
)
def test_operators_follow_the_documented_precedence(text, expected):
    assert value(text) == expected


def test_decimal_arithmetic_is_exact():
    assert value("0.1 + 0.2 = 0.3") is True
    assert value("0.1 + 0.2") == Decimal("0.3")


def test_money_compares_exactly_at_large_amounts():
    assert value("${a} + 0.01 > ${a}", {"a": Decimal("99999999999.99")}) is True


def test_division_by_zero_is_empty_not_an_error():
    assert value("1 div 0") is None
    assert value("5 mod 0") is None


def test_mod_keeps_the_sign_of_the_dividend():
    assert value("-7 mod 3") == Decimal(-1)


def test_references_and_current_value_are_reported():
    expression = parse_expression(". <= ${budget_total} + ${other}")
    assert expression.references == {"budget_total", "other"}
    assert expression.uses_current
    assert not parse_expression("${a} = 1").uses_current


def test_integers_and_dates_from_answers_are_usable():
    from datetime import date

    assert value("${n} * 2", {"n": 21}) == Decimal(42)
    assert value("${d} <= '2018-12-31'", {"d": date(2018, 5, 1)}) is True


def test_arithmetic_with_an_empty_value_is_empty():
    assert value("${a} + 1", {}) is None
    assert value("-${a}", {}) is None


def test_comparison_with_an_empty_value_is_false():
    assert value("${a} = 'yes'", {}) is False
    assert value("${a} != 'yes'", {}) is False
    assert value("${a} < 5", {"a": None}) is False


def test_comparing_with_empty_string_tests_whether_answered():
    assert value("${a} = ''", {}) is True
    assert value("${a} != ''", {}) is False
    assert value("${a} != ''", {"a": "x"}) is True
    assert value("'' = ${a}", {"a": Decimal(0)}) is False


def test_constraint_with_an_empty_other_item_is_undecided():
    rule = parse_expression(". <= ${total}")
    assert rule.decide({}, Decimal(5)) is None
    assert rule.decide({"total": Decimal(4)}, Decimal(5)) is False
    assert rule.decide({"total": Decimal(6)}, Decimal(5)) is True


def test_constraint_fails_when_a_decided_part_fails_despite_an_empty_one():
    rule = parse_expression(". <= ${total} and . >= 10")
    assert rule.decide({}, Decimal(5)) is False
    assert rule.decide({}, Decimal(50)) is None
    assert parse_expression(". = 0 or ${a} > 0").decide({}, Decimal(5)) is None
    assert parse_expression(". = 0 or ${a} > 0").decide({"a": Decimal(1)}, Decimal(5)) is True


def test_numeric_text_compares_as_a_number():
    assert value("${choice} = 3", {"choice": "3"}) is True
    assert value("${choice} > 2", {"choice": "3"}) is True
    assert value("${choice} = 3", {"choice": "abc"}) is False


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("not(1 = 2)", {}, True),
        ("not(${a})", {}, True),
        ("selected(${m}, 'b')", {"m": ["a", "b"]}, True),
        ("selected(${m}, 'c')", {"m": ["a", "b"]}, False),
        ("selected(${m}, 'a')", {}, False),
        ("selected(${s}, 'a')", {"s": "a"}, True),
        ("count-selected(${m})", {"m": ["a", "b"]}, Decimal(2)),
        ("count-selected(${m})", {}, Decimal(0)),
        ("string-length(${t})", {"t": "zażółć"}, Decimal(6)),
        ("string-length(${t})", {}, Decimal(0)),
        ("if(${a} > 1, 'big', 'small')", {"a": 5}, "big"),
        ("if(${a} > 1, 'big', 'small')", {}, "small"),
        ("coalesce(${a}, 0) + 1", {}, Decimal(1)),
        ("coalesce(${a}, ${b}, 7)", {"b": 3}, Decimal(3)),
        ("sum(${t})", {"t": {"2016": 1, "2017": None, "2018": Decimal("2.5")}}, Decimal("3.5")),
        ("sum(${t})", {"t": {"2016": None}}, None),
        ("sum(${r}, 'a')", {"r": [{"a": Decimal("1.10")}, {"a": 2}]}, Decimal("3.10")),
        ("count(${r})", {"r": [{"a": 1}, {"a": 2}]}, Decimal(2)),
        ("count(${r})", {}, Decimal(0)),
        ("min(3, 1, 2)", {}, Decimal(1)),
        ("max(3, 1, 2)", {}, Decimal(3)),
        ("max(${a}, 1)", {}, None),
        ("max(${t})", {"t": {"2016": 1, "2017": 9}}, Decimal(9)),
        ("round(2.345, 2)", {}, Decimal("2.35")),
        ("round(-2.5, 0)", {}, Decimal(-3)),
        ("round(${a}, 1)", {}, None),
        ("abs(-4.5)", {}, Decimal("4.5")),
    ],
)
def test_every_function_behaves_as_documented(text, values, expected):
    assert value(text, values) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os')", "unexpected character '_'"),
        ("${a}.__class__", "unexpected character '_'"),
        ("${a} . b", "unexpected '.'"),
        ("a.b", "unknown function 'a'"),
        ("system('ls')", "unknown function 'system'"),
        ("eval('1')", "unknown function 'eval'"),
        ("${a}[0]", "unexpected character '['"),
        ("1 < 2 < 3", "chained comparison"),
        ("not(1, 2)", "takes 1 arguments"),
        ("round(1)", "takes 2 arguments"),
        ("${Bad}", "invalid reference"),
        ("${a", "unterminated reference"),
        ("'abc", "unterminated string"),
        ("1 +", "unexpected end of expression"),
        ("(1 + 2", "expected ')'"),
        ("", "empty expression"),
        ("1 and", "unexpected end"),
        ("lambda: 1", "unexpected character ':'"),
        ("lambda(1)", "unknown function 'lambda'"),
    ],
)
def test_anything_outside_the_grammar_is_refused_with_a_message(text, message):
    with pytest.raises(ExpressionError) as raised:
        parse_expression(text)
    assert message in str(raised.value)


def test_error_carries_the_position_of_the_problem():
    with pytest.raises(ExpressionError) as raised:
        parse_expression("1 + $x")
    assert raised.value.position == 4


def test_too_deep_nesting_is_refused():
    deep = "(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1)
    with pytest.raises(ExpressionError, match="nested"):
        parse_expression(deep)
    with pytest.raises(ExpressionError, match="nested"):
        parse_expression("not(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1))


def test_moderate_nesting_is_fine():
    assert value("(" * 20 + "1" + ")" * 20) == Decimal(1)


def test_too_long_expression_is_refused():
    with pytest.raises(ExpressionError, match="longer than"):
        parse_expression("1 + " * 600 + "1")


def test_a_long_flat_sum_does_not_recurse():
    assert value("+".join(["1"] * 999)) == Decimal(999)


def test_type_errors_at_run_time_raise_expression_error():
    with pytest.raises(ExpressionError):
        value("'a' + 1")
    with pytest.raises(ExpressionError):
        value("${m} < 1", {"m": ["a"]})


def test_python_objects_cannot_be_smuggled_in_as_values():
    with pytest.raises(ExpressionError):
        value("${a} = 1", {"a": object()})
    with pytest.raises(ExpressionError):
        value("${a} + 1", {"a": 0.1})


def test_parsing_and_evaluating_never_call_eval_exec_or_compile(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("eval/exec/compile called")

    for name in ("eval", "exec", "compile"):
        monkeypatch.setattr(builtins, name, forbidden)
    expression = parse_expression("if(sum(${t}) > 2, round(${a} div 3, 2), coalesce(${b}, 0))")
    assert expression.evaluate({"t": {"2018": 5}, "a": 10}) == Decimal("3.33")


def test_engine_source_contains_no_eval_exec_or_dynamic_attribute_access():
    forbidden = re.compile(r"(?<![.\w])(eval|exec|compile|getattr|__import__)\(")
    for module in (expressions, expression_runtime, expression_functions):
        source = Path(module.__file__).read_text(encoding="utf-8")
        assert not forbidden.search(source), module.__name__
