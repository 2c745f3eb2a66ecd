"""The whitelist of functions an expression may call, with their arities."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from portal.questionnaires.expression_runtime import (
    UNKNOWN,
    ExpressionError,
    Scope,
    Value,
    is_empty,
    to_number,
    truthy,
)
from portal.questionnaires.numbers import quantize

MAX_ROUND_PLACES = 10


@dataclass(frozen=True)
class Function:
    min_args: int
    max_args: int | None  # None: any number
    call: Callable[[Scope, list[Value]], Value]


def _not(scope: Scope, args: list[Value]) -> Value:
    return UNKNOWN if args[0] is UNKNOWN else not truthy(args[0])


def _selected(scope: Scope, args: list[Value]) -> Value:
    chosen, wanted = args
    if is_empty(chosen):
        return scope.undecided()
    if isinstance(chosen, tuple):
        return _as_text(wanted) in chosen
    if isinstance(chosen, str):
        return chosen == _as_text(wanted)  # selected() on a single choice, as XLSForm allows
    raise ExpressionError("selected() needs a choice item")


def _as_text(value: Value) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return value
    raise ExpressionError("selected() compares with a choice value such as 'yes'")


def _count_selected(scope: Scope, args: list[Value]) -> Value:
    chosen = args[0]
    if isinstance(chosen, tuple):
        return Decimal(len(chosen))
    return Decimal(0 if is_empty(chosen) else 1)


def _string_length(scope: Scope, args: list[Value]) -> Value:
    value = args[0]
    if is_empty(value):
        return Decimal(0)
    if isinstance(value, Decimal):
        return Decimal(len(format(value, "f")))
    if isinstance(value, str):
        return Decimal(len(value))
    raise ExpressionError("string-length() needs a text or a number")


def _if(scope: Scope, args: list[Value]) -> Value:
    if args[0] is UNKNOWN:
        return args[1] if args[1] == args[2] else UNKNOWN
    return args[1] if truthy(args[0]) else args[2]


def _coalesce(scope: Scope, args: list[Value]) -> Value:
    return next((arg for arg in args if not is_empty(arg)), None)


def _cells(value: Value, column: Value = None) -> Iterator[Value]:
    """The cells of a year table, of one repeat column, or of a list of numbers."""
    if isinstance(value, dict):
        yield from value.values()
    elif isinstance(value, tuple):
        for row in value:
            if column is None:
                yield row
            elif isinstance(row, dict) and isinstance(column, str):
                yield row.get(column)
            else:
                raise ExpressionError("sum(${repeat}, 'column') needs a repeat and a column name")
    else:
        yield value


def _numbers(values: Iterator[Value]) -> list[Decimal]:
    # Empty cells of a table are skipped: a partly filled table still has a total.
    return [to_number(v) for v in values if not is_empty(v)]


def _sum(scope: Scope, args: list[Value]) -> Value:
    if is_empty(args[0]):
        return None
    numbers = _numbers(_cells(*args))
    return sum(numbers, Decimal(0)) if numbers else None


def _count(scope: Scope, args: list[Value]) -> Value:
    value = args[0]
    if isinstance(value, dict):
        return Decimal(sum(1 for v in value.values() if not is_empty(v)))
    if isinstance(value, tuple):
        return Decimal(len(value))
    return Decimal(0 if is_empty(value) else 1)


def _extreme(pick: Callable[[list[Decimal]], Decimal]) -> Callable[[Scope, list[Value]], Value]:
    def call(scope: Scope, args: list[Value]) -> Value:
        if any(arg is None for arg in args):
            return None  # like arithmetic: an empty operand makes the result empty
        numbers = [n for arg in args for n in _numbers(_cells(arg))]
        return pick(numbers) if numbers else None

    return call


def _round(scope: Scope, args: list[Value]) -> Value:
    value, places = args
    if value is None or places is None:
        return None
    digits = to_number(places)
    if digits != digits.to_integral_value() or not 0 <= digits <= MAX_ROUND_PLACES:
        raise ExpressionError(f"round() places must be a whole number 0..{MAX_ROUND_PLACES}")
    return quantize(to_number(value), int(digits))


def _abs(scope: Scope, args: list[Value]) -> Value:
    return None if args[0] is None else abs(to_number(args[0]))


FUNCTIONS: dict[str, Function] = {
    "not": Function(1, 1, _not),
    "selected": Function(2, 2, _selected),
    "count-selected": Function(1, 1, _count_selected),
    "string-length": Function(1, 1, _string_length),
    "if": Function(3, 3, _if),
    "coalesce": Function(2, None, _coalesce),
    "sum": Function(1, 2, _sum),
    "count": Function(1, 1, _count),
    "min": Function(1, None, _extreme(min)),
    "max": Function(1, None, _extreme(max)),
    "round": Function(2, 2, _round),
    "abs": Function(1, 1, _abs),
}
