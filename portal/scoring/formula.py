"""A small whitelisted arithmetic expression language for indicator formulas (never `eval`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache

import numpy as np

# An expression tree is nested tuples:
#   ("num", float) | ("name", str) | ("neg", node) | ("bin", op, left, right) | ("call", fn, args)
Node = tuple

_NUMBER = r"(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)"
_TOKEN = re.compile(r"\s*(?:" + _NUMBER + r"|([A-Za-z_][A-Za-z0-9_]*)|(\*\*|[-+*/^(),]))")


def _clip(x, lo, hi):
    return np.clip(x, lo, hi)


FUNCTIONS: dict[str, tuple[int, int, Callable]] = {
    # name: (min args, max args, implementation)
    "log": (1, 1, np.log),
    "log1p": (1, 1, np.log1p),
    "exp": (1, 1, np.exp),
    "sqrt": (1, 1, np.sqrt),
    "abs": (1, 1, np.abs),
    "min": (2, 8, lambda *a: _reduce(np.fmin, a)),
    "max": (2, 8, lambda *a: _reduce(np.fmax, a)),
    "clip": (3, 3, _clip),
}


def _reduce(fn, args):
    out = args[0]
    for a in args[1:]:
        out = fn(out, a)
    return out


class FormulaError(ValueError):
    """The expression cannot be parsed."""


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise FormulaError(f"unexpected character {text[pos:].lstrip()[:1]!r} at {pos}")
        num, name, op = m.groups()
        tokens.append(("num", num) if num else ("name", name) if name else ("op", op))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens, self.i = tokens, 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise FormulaError(f"expected {value or 'a value'}, found {tok[1] if tok else 'end'}")
        self.i += 1
        return tok

    def expr(self) -> Node:
        node = self.term()
        while (tok := self.peek()) and tok[1] in "+-" and tok[0] == "op":
            self.i += 1
            node = ("bin", tok[1], node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while (tok := self.peek()) and tok[0] == "op" and tok[1] in ("*", "/"):
            self.i += 1
            node = ("bin", tok[1], node, self.unary())
        return node

    def unary(self) -> Node:
        tok = self.peek()
        if tok and tok == ("op", "-"):
            self.i += 1
            return ("neg", self.unary())
        if tok and tok == ("op", "+"):
            self.i += 1
            return self.unary()
        return self.power()

    def power(self) -> Node:
        node = self.atom()
        tok = self.peek()
        if tok and tok[0] == "op" and tok[1] in ("^", "**"):
            self.i += 1
            node = ("bin", "^", node, self.unary())
        return node

    def atom(self) -> Node:
        kind, value = self.take()
        if kind == "num":
            return ("num", float(value))
        if kind == "name":
            if self.peek() == ("op", "("):
                return self.call(value)
            return ("name", value)
        if value == "(":
            node = self.expr()
            self.take(")")
            return node
        raise FormulaError(f"unexpected {value!r}")

    def call(self, fn: str) -> Node:
        if fn not in FUNCTIONS:
            raise FormulaError(f"unknown function {fn!r}")
        self.take("(")
        args = [self.expr()]
        while self.peek() == ("op", ","):
            self.i += 1
            args.append(self.expr())
        self.take(")")
        lo, hi, _ = FUNCTIONS[fn]
        if not lo <= len(args) <= hi:
            raise FormulaError(f"{fn}() takes {lo}..{hi} arguments, got {len(args)}")
        return ("call", fn, tuple(args))


def parse(text: str) -> Node:
    """Parse an expression; raise FormulaError with a readable message."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("empty expression")
    return _parse(text)


@lru_cache(maxsize=1024)
def _parse(text: str) -> Node:
    # Nodes are nested tuples, so one parsed tree can be shared (the Monte Carlo draws
    # re-evaluate the same formulas thousands of times).
    parser = _Parser(_tokenize(text))
    node = parser.expr()
    if parser.peek() is not None:
        raise FormulaError(f"unexpected {parser.peek()[1]!r} after the expression")
    return node


def names(node: Node) -> set[str]:
    """Every variable name the expression reads."""
    kind = node[0]
    if kind == "name":
        return {node[1]}
    if kind == "neg":
        return names(node[1])
    if kind == "bin":
        return names(node[2]) | names(node[3])
    if kind == "call":
        return set().union(*(names(a) for a in node[2]))
    return set()


_BINARY = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "^": np.power}


def evaluate(node: Node, env: Mapping[str, np.ndarray | float]):
    """Evaluate over numpy arrays; invalid results (x/0, log(-1)) become NaN."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = _eval(node, env)
    if isinstance(out, np.ndarray):
        out = np.where(np.isfinite(out), out, np.nan)
    elif not np.isfinite(out):
        out = float("nan")
    return out


def _eval(node: Node, env):
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "name":
        return env[node[1]]
    if kind == "neg":
        return np.negative(_eval(node[1], env))
    if kind == "bin":
        return _BINARY[node[1]](_eval(node[2], env), _eval(node[3], env))
    return FUNCTIONS[node[1]][2](*(_eval(a, env) for a in node[2]))


def constant(text: str | float | int) -> float:
    """A number given either literally or as a constant expression such as "log(75000)"."""
    if isinstance(text, bool):
        raise FormulaError("expected a number")
    if isinstance(text, int | float):
        return float(text)
    node = parse(str(text))
    if names(node):
        raise FormulaError(f"a constant cannot refer to {sorted(names(node))}")
    return float(evaluate(node, {}))
