"""Reading YAML with line numbers, exact decimals and no YAML 1.1 surprises."""

from __future__ import annotations

import re
from collections.abc import Hashable
from decimal import Decimal, InvalidOperation

import yaml

_BOOL_TAG = "tag:yaml.org,2002:bool"


class YamlMap(dict):
    """A mapping that remembers the line it starts on and the line of each key (1-based)."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[object, int] = {}

    def line_of(self, key: object) -> int:
        return self.key_lines.get(key, self.line)


class _Loader(yaml.SafeLoader):
    """SafeLoader that also collects duplicate keys instead of silently keeping the last one."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.problems: list[tuple[int, str]] = []


# YAML 1.1 reads yes/no/on/off as booleans, so `value: no` in a choice list would become False.
# Only true/false are booleans here (as in YAML 1.2); everything else stays text.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> YamlMap:
    loader.flatten_mapping(node)
    data = YamlMap(node.start_mark.line + 1)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, Hashable):
            loader.problems.append((line, "a mapping key must be plain text"))
            continue
        if key in data:
            loader.problems.append((line, f"duplicate key {key!r} (the earlier one would be lost)"))
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = line
    return data


def _construct_decimal(loader: _Loader, node: yaml.ScalarNode) -> Decimal | str:
    # Floats would turn 0.1 into 0.1000000000000000055...; bounds and money must stay exact.
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return text  # .inf / .nan: left as text, so the field check reports "not a number"


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


class YamlProblem(Exception):
    """The text is not well-formed YAML."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def read_yaml(text: str) -> tuple[object, list[tuple[int, str]]]:
    """The document and a list of (line, problem) for duplicate keys.

    Raises YamlProblem for a syntax error, with the line where the parser stopped.
    """
    loader = _Loader(text)
    try:
        return loader.get_single_data(), loader.problems
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        raise YamlProblem(mark.line + 1 if mark else None, f"YAML error: {problem}") from None
    finally:
        loader.dispose()
