"""Parsing XLSForm-style expressions (`${a} > 0 and selected(${b}, 'x')`) into a syntax tree.

A hand-written tokenizer and recursive-descent parser over a fixed grammar: nothing from the
text ever reaches eval/exec, and only the whitelisted functions can be called.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, DecimalException, Overflow, localcontext

from portal.questionnaires.expression_functions import FUNCTIONS
from portal.questionnaires.expression_runtime import (
    UNKNOWN,
    Arithmetic,
    Call,
    Compare,
    Current,
    ExpressionError,
    IsEmpty,
    Literal,
    Logical,
    Negate,
    Node,
    Ref,
    Scope,
    Value,
    truthy,
)

__all__ = ["Expression", "ExpressionError", "parse_expression", "MAX_LENGTH", "MAX_DEPTH"]

MAX_LENGTH = 2000
MAX_DEPTH = 40
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]*", re.ASCII)

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    |(?P<number>\d+(?:\.\d+)?)
    |(?P<string>'[^']*'|"[^"]*")
    |(?P<ref>\$\{[^}]*\})
    |(?P<op>!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,)
    |(?P<dot>\.)
    |(?P<name>[a-z]+(?:-[a-z]+)*)
    """,
    re.VERBOSE | re.ASCII,
)
_COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">="})
_KEYWORDS = frozenset({"and", "or", "div", "mod"})


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # number | string | ref | op | dot | name | end
    text: str
    position: int


def tokenize(text: str) -> list[Token]:
    """Split into tokens, refusing any character the grammar does not use."""
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ExpressionError(_bad_character(text, position), position)
        kind = match.lastgroup or ""
        if kind == "ref" and not KEY_PATTERN.fullmatch(match.group()[2:-1]):
            raise ExpressionError(f"invalid reference {match.group()!r}", position)
        if kind != "space":
            tokens.append(Token(kind, match.group(), position))
        position = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def _bad_character(text: str, position: int) -> str:
    char = text[position]
    if char in "'\"":
        return "unterminated string"
    if text.startswith("${", position):
        return "unterminated reference, expected ${key}"
    return f"unexpected character {char!r}"


class _Parser:
    """Recursive descent over the README grammar, loosest operator first."""

    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def accept(self, *texts: str) -> Token | None:
        if self.token.kind in ("op", "name") and self.token.text in texts:
            return self.advance()
        return None

    def expect(self, text: str) -> Token:
        token = self.accept(text)
        if token is None:
            raise ExpressionError(f"expected {text!r}, found {self._shown()}", self.token.position)
        return token

    def _shown(self) -> str:
        return "end of expression" if self.token.kind == "end" else repr(self.token.text)

    def parse(self) -> Node:
        if self.token.kind == "end":
            raise ExpressionError("empty expression", 0)
        node = self.parse_or()
        if self.token.kind != "end":
            raise ExpressionError(f"unexpected {self._shown()}", self.token.position)
        return node

    def parse_or(self) -> Node:
        return self._logical("or", self.parse_and)

    def parse_and(self) -> Node:
        return self._logical("and", self.parse_comparison)

    def _logical(self, operator: str, operand: Callable[[], Node]) -> Node:
        operands = [operand()]
        while self.accept(operator):
            operands.append(operand())
        return operands[0] if len(operands) == 1 else Logical(operator, tuple(operands))

    def parse_comparison(self) -> Node:
        left = self.parse_additive()
        operator = self.accept(*_COMPARISONS)
        if operator is None:
            return left
        right = self.parse_additive()
        if self.token.kind == "op" and self.token.text in _COMPARISONS:
            raise ExpressionError("chained comparison: combine with 'and'", self.token.position)
        return _comparison(operator.text, left, right)

    def parse_additive(self) -> Node:
        return self._chain(("+", "-"), self.parse_multiplicative)

    def parse_multiplicative(self) -> Node:
        return self._chain(("*", "div", "mod"), self.parse_unary)

    def _chain(self, operators: tuple[str, ...], operand: Callable[[], Node]) -> Node:
        first = operand()
        rest = []
        while (token := self.accept(*operators)) is not None:
            rest.append((token.text, operand()))
        return Arithmetic(first, tuple(rest)) if rest else first

    def parse_unary(self) -> Node:
        minus = self.accept("-")
        if minus is None:
            return self.parse_primary()
        with self._nested(minus):
            operand = self.parse_unary()
        if isinstance(operand, Literal) and isinstance(operand.value, Decimal):
            return Literal(-operand.value)
        return Negate(operand)

    def parse_primary(self) -> Node:
        token = self.advance()
        if token.kind == "number":
            return Literal(Decimal(token.text))
        if token.kind == "string":
            return Literal(token.text[1:-1])
        if token.kind == "ref":
            return Ref(token.text[2:-1])
        if token.kind == "dot":
            return Current()
        if token.kind == "op" and token.text == "(":
            with self._nested(token):
                node = self.parse_or()
            self.expect(")")
            return node
        if token.kind == "name" and token.text not in _KEYWORDS:
            return self.parse_call(token)
        shown = "end of expression" if token.kind == "end" else repr(token.text)
        raise ExpressionError(f"unexpected {shown}", token.position)

    def parse_call(self, name: Token) -> Node:
        function = FUNCTIONS.get(name.text)
        if function is None:
            raise ExpressionError(f"unknown function {name.text!r}", name.position)
        self.expect("(")
        args: list[Node] = []
        with self._nested(name):
            if not self.accept(")"):
                args.append(self.parse_or())
                while self.accept(","):
                    args.append(self.parse_or())
                self.expect(")")
        _check_arity(name, function.min_args, function.max_args, len(args))
        return Call(name.text, function.call, tuple(args))

    def _nested(self, token: Token) -> _Depth:
        return _Depth(self, token)


class _Depth:
    """Counts parentheses, calls and unary minus so pathological nesting fails cleanly."""

    def __init__(self, parser: _Parser, token: Token) -> None:
        self.parser, self.token = parser, token

    def __enter__(self) -> None:
        self.parser.depth += 1
        if self.parser.depth > MAX_DEPTH:
            raise ExpressionError(f"nested more than {MAX_DEPTH} levels deep", self.token.position)

    def __exit__(self, *exc: object) -> None:
        self.parser.depth -= 1


def _comparison(operator: str, left: Node, right: Node) -> Node:
    empty = Literal("")
    if operator in ("=", "!=") and empty in (left, right):
        return IsEmpty(right if left == empty else left, negate=operator == "!=")
    return Compare(operator, left, right)


def _check_arity(name: Token, least: int, most: int | None, given: int) -> None:
    if given < least or (most is not None and given > most):
        expected = str(least) if least == most else f"{least}..{most or 'n'}"
        message = f"{name.text}() takes {expected} arguments, {given} given"
        raise ExpressionError(message, name.position)


_CONTEXT_PRECISION = 34


@dataclass(frozen=True)
class Expression:
    """A parsed expression; evaluate it with item values keyed by item key."""

    text: str
    root: Node = field(repr=False)
    references: frozenset[str]
    uses_current: bool

    def walk(self) -> Iterator[Node]:
        return self.root.walk()

    def calls(self, name: str) -> Iterator[Call]:
        return (node for node in self.walk() if isinstance(node, Call) and node.name == name)

    def evaluate(self, values: Mapping[str, object], current: object = None) -> Value:
        """The value: None (empty), bool, Decimal, str, tuple or dict.

        A comparison with an empty value is false (relevance hides such an item).
        Raises ExpressionError when the values do not fit the operators (`'a' + 1`).
        """
        result = self._run(Scope(values, current, three_valued=False))
        return None if result is UNKNOWN else result

    def decide(self, values: Mapping[str, object], current: object = None) -> bool | None:
        """The expression as a constraint: True, False, or None when it cannot be decided
        because of an empty value (`. <= ${total}` while total is not answered yet)."""
        result = self._run(Scope(values, current, three_valued=True))
        if result is UNKNOWN or result is None:
            return None
        return truthy(result)

    def _run(self, scope: Scope) -> Value:
        with localcontext() as context:
            context.prec = _CONTEXT_PRECISION
            context.traps[Overflow] = True
            try:
                return self.root.evaluate(scope)
            except (DecimalException, ArithmeticError) as error:
                raise ExpressionError(f"arithmetic error: {type(error).__name__}") from error


def parse_expression(text: str) -> Expression:
    """Parse `text`; raises ExpressionError(message, position) on any syntax error."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression longer than {MAX_LENGTH} characters", MAX_LENGTH)
    root = _Parser(text).parse()
    nodes = list(root.walk())
    return Expression(
        text=text,
        root=root,
        references=frozenset(node.key for node in nodes if isinstance(node, Ref)),
        uses_current=any(isinstance(node, Current) for node in nodes),
    )
