"""Ordering items so relevance and calculations see the values they depend on first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portal.questionnaires.definition import Item


class DependencyCycle(ValueError):
    """Relevance/calculation expressions refer to each other in a loop."""

    def __init__(self, cycle: list[str]) -> None:
        super().__init__(" -> ".join(cycle))
        self.cycle = cycle


def evaluation_order(items: Mapping[str, Item]) -> tuple[str, ...]:
    """Keys in definition order, except that each item follows its dependencies.

    References to unknown keys are ignored here (the loader reports them).
    Raises DependencyCycle for the first cycle found.
    """
    order: list[str] = []
    state: dict[str, str] = {}  # "visiting" | "done"
    for key in items:
        _visit(key, items, state, order, [])
    return tuple(order)


def _visit(
    key: str, items: Mapping[str, Item], state: dict[str, str], order: list[str], path: list[str]
) -> None:
    if state.get(key) == "done":
        return
    if state.get(key) == "visiting":
        raise DependencyCycle([*path[path.index(key) :], key])
    state[key] = "visiting"
    path.append(key)
    for dependency in sorted(items[key].dependencies):
        if dependency in items:
            _visit(dependency, items, state, order, path)
    path.pop()
    state[key] = "done"
    order.append(key)


def find_cycles(items: Mapping[str, Item]) -> list[list[str]]:
    """Every distinct dependency cycle (as key paths), for the loader's error report."""
    cycles: list[list[str]] = []
    seen: set[frozenset[str]] = set()
    for key in items:
        try:
            _visit(key, items, {}, [], [])
        except DependencyCycle as cycle:
            members = frozenset(cycle.cycle)
            if members not in seen:
                seen.add(members)
                cycles.append(cycle.cycle)
    return cycles
