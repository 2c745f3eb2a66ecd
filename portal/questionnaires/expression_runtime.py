"""The expression interpreter: syntax-tree nodes, value semantics and the function library.

Values inside an expression are only: None (empty), bool, Decimal, str, tuple (chosen values
or repeat rows) and dict (year table cells or one repeat row). Everything else is refused, so
no Python object from outside can be reached through an expression.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

Value = None | bool | Decimal | str | tuple | dict | object  # object: UNKNOWN

_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?", re.ASCII)


class ExpressionError(Exception):
    """An expression that cannot be parsed, or (rarely) evaluated, e.g. `'a' + 1`."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message, position)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        if self.position is None:
            return self.message
        return f"{self.message} (at character {self.position + 1})"


class _Unknown:
    """A comparison with an empty value while deciding a constraint: neither true nor false."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False


UNKNOWN = _Unknown()


class Scope:
    """What one evaluation sees: item values, the current value, and the logic in use.

    With `three_valued`, a comparison with an empty value gives UNKNOWN instead of false,
    and `and`/`or`/`not` propagate it (Kleene logic); a constraint uses this to tell
    "fails" from "cannot be decided yet because another item is empty".
    """

    __slots__ = ("values", "current", "three_valued")

    def __init__(self, values: Mapping[str, object], current: object, three_valued: bool) -> None:
        self.values = values
        self.current = normalise(current)
        self.three_valued = three_valued

    def undecided(self) -> Value:
        """What a comparison with an empty operand yields."""
        return UNKNOWN if self.three_valued else False


def normalise(value: object) -> Value:
    """Turn a stored answer into an expression value (ints to Decimal, dates to ISO text)."""
    if value is None or value == "" or isinstance(value, bool | Decimal):
        return value  # type: ignore[return-value]
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        return value
    if isinstance(value, date):
        return value.isoformat()  # ISO dates compare correctly as text
    if isinstance(value, list | tuple):
        return tuple(normalise(v) for v in value) or None
    if isinstance(value, Mapping):
        return {str(k): normalise(v) for k, v in value.items()}
    raise ExpressionError(f"values of type {type(value).__name__} cannot be used in expressions")


def truthy(value: Value) -> bool:
    if isinstance(value, dict):
        return any(v is not None for v in value.values())
    return bool(value)


def is_empty(value: Value) -> bool:
    if isinstance(value, dict):
        return not truthy(value)
    return value is None or value is UNKNOWN or value in ("", ())


def to_number(value: Value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str) and _PLAIN_NUMBER.fullmatch(value):
        return Decimal(value)  # a choice value such as '3' may be used as a number
    raise ExpressionError(f"{_describe(value)} is not a number")


def _describe(value: Value) -> str:
    return repr(value) if isinstance(value, str) else type(value).__name__


class Node:
    """A syntax-tree node; subclasses evaluate themselves against a Scope."""

    def evaluate(self, scope: Scope) -> Value:
        raise NotImplementedError

    def children(self) -> tuple[Node, ...]:
        return ()

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children():
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class Literal(Node):
    value: Decimal | str

    def evaluate(self, scope: Scope) -> Value:
        return self.value


@dataclass(frozen=True, slots=True)
class Ref(Node):
    key: str

    def evaluate(self, scope: Scope) -> Value:
        return normalise(scope.values.get(self.key))


@dataclass(frozen=True, slots=True)
class Current(Node):
    def evaluate(self, scope: Scope) -> Value:
        return scope.current


@dataclass(frozen=True, slots=True)
class Negate(Node):
    operand: Node

    def evaluate(self, scope: Scope) -> Value:
        value = self.operand.evaluate(scope)
        return None if value is None else -to_number(value)

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


def _divide(a: Decimal, b: Decimal) -> Decimal | None:
    return None if b == 0 else a / b


def _modulo(a: Decimal, b: Decimal) -> Decimal | None:
    return None if b == 0 else a % b  # Decimal keeps the dividend's sign, like XPath


ARITHMETIC: dict[str, Callable[[Decimal, Decimal], Decimal | None]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "div": _divide,
    "mod": _modulo,
}


@dataclass(frozen=True, slots=True)
class Arithmetic(Node):
    """A left-associative chain `a + b - c`, kept flat so long sums never recurse deeply."""

    first: Node
    rest: tuple[tuple[str, Node], ...]

    def evaluate(self, scope: Scope) -> Value:
        result = self.first.evaluate(scope)
        for operator, node in self.rest:
            operand = node.evaluate(scope)
            if result is None or operand is None:
                return None
            result = ARITHMETIC[operator](to_number(result), to_number(operand))
        return result

    def children(self) -> tuple[Node, ...]:
        return (self.first, *(node for _, node in self.rest))


_ORDERINGS: dict[str, Callable[[object, object], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,  # type: ignore[operator]
    "<=": lambda a, b: a <= b,  # type: ignore[operator]
    ">": lambda a, b: a > b,  # type: ignore[operator]
    ">=": lambda a, b: a >= b,  # type: ignore[operator]
}


@dataclass(frozen=True, slots=True)
class Compare(Node):
    operator: str
    left: Node
    right: Node

    def evaluate(self, scope: Scope) -> Value:
        left, right = self.left.evaluate(scope), self.right.evaluate(scope)
        if is_empty(left) or is_empty(right):
            return scope.undecided()
        return compare(self.operator, left, right)

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


def compare(operator: str, left: Value, right: Value) -> bool:
    """Compare two non-empty values: numbers exactly, text as text, a numeric text as a number."""
    if isinstance(left, Decimal) != isinstance(right, Decimal):
        try:
            left, right = to_number(left), to_number(right)
        except ExpressionError:
            if operator in ("=", "!="):
                return operator == "!="
            raise
    elif type(left) is not type(right) or isinstance(left, tuple | dict):
        if operator in ("=", "!=") and not isinstance(left, tuple | dict):
            return (left == right) == (operator == "=")
        raise ExpressionError(f"cannot compare {_describe(left)} with {_describe(right)}")
    elif isinstance(left, bool) and operator not in ("=", "!="):
        raise ExpressionError("yes/no values can only be compared with = and !=")
    return _ORDERINGS[operator](left, right)


@dataclass(frozen=True, slots=True)
class IsEmpty(Node):
    """`x = ''` / `x != ''`: the XLSForm idiom for "not answered" / "answered"."""

    operand: Node
    negate: bool

    def evaluate(self, scope: Scope) -> Value:
        return is_empty(self.operand.evaluate(scope)) != self.negate

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True, slots=True)
class Logical(Node):
    operator: str  # "and" | "or"
    operands: tuple[Node, ...]

    def evaluate(self, scope: Scope) -> Value:
        wanted = self.operator == "or"  # the value that settles the result: true for `or`
        result: Value = not wanted
        for operand in self.operands:
            value = operand.evaluate(scope)
            if value is UNKNOWN:
                result = UNKNOWN  # unless a later operand settles it
            elif truthy(value) == wanted:
                return wanted
        return result

    def children(self) -> tuple[Node, ...]:
        return self.operands


@dataclass(frozen=True, slots=True)
class Call(Node):
    """A call of a whitelisted function, resolved when parsing (see expression_functions)."""

    name: str
    function: Callable[[Scope, list[Value]], Value]
    args: tuple[Node, ...]

    def evaluate(self, scope: Scope) -> Value:
        return self.function(scope, [arg.evaluate(scope) for arg in self.args])

    def children(self) -> tuple[Node, ...]:
        return self.args
