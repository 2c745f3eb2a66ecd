"""The plain frozen input of the scoring engine: units, categories and raw columns; its hash."""

from __future__ import annotations

import csv
import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np


def _frozen(values, dtype) -> np.ndarray:
    arr = np.array(values, dtype=dtype)
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True)
class Table:
    """Units by raw source values: float columns, NaN for missing.

    `unverified[name]` is True where the value exists but has not been verified.
    """

    unit_ids: tuple[str, ...]
    columns: Mapping[str, np.ndarray]
    categories: tuple[str | None, ...] | None = None
    unverified: Mapping[str, np.ndarray] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def build(cls, unit_ids: Sequence[str], columns: Mapping[str, Sequence[float]],
              categories: Sequence[str | None] | None = None,
              unverified: Mapping[str, Sequence[bool]] | None = None) -> Table:
        """Check lengths and unique ids, copy the columns into read-only float64 arrays."""
        ids = tuple(str(u) for u in unit_ids)
        if len(set(ids)) != len(ids):
            raise ValueError("unit ids must be unique")
        cols = {str(k): _frozen(v, np.float64) for k, v in columns.items()}
        flags = {str(k): _frozen(v, bool) for k, v in (unverified or {}).items()}
        for name, arr in {**cols, **flags}.items():
            if arr.shape != (len(ids),):
                raise ValueError(f"column {name!r} has {arr.shape[0]} values for {len(ids)} units")
        cats = None if categories is None else tuple(
            None if c is None or c == "" else str(c) for c in categories)
        if cats is not None and len(cats) != len(ids):
            raise ValueError("one category per unit is required")
        return cls(ids, MappingProxyType(cols), cats, MappingProxyType(flags))

    def __len__(self) -> int:
        return len(self.unit_ids)

    def category_codes(self) -> tuple[np.ndarray, tuple[str, ...]]:
        """An integer code per unit (-1 without a category) and the sorted category names."""
        if self.categories is None:
            return np.full(len(self), -1, np.int64), ()
        names = tuple(sorted({c for c in self.categories if c is not None}))
        index = {c: i for i, c in enumerate(names)}
        return np.array([index.get(c, -1) for c in self.categories], np.int64), names


def canonical_input_hash(table: Table, methodology_sha: str) -> str:
    """SHA-256 of a canonical serialisation of the inputs and the methodology hash.

    Rows are sorted by unit id, columns by name; values are little-endian float64 bytes with
    one NaN bit pattern and no negative zero, so the hash does not depend on input order.
    """
    order = np.argsort(np.array(table.unit_ids, dtype=object), kind="stable")
    h = hashlib.sha256()
    h.update(f"methodology:{methodology_sha}\n".encode())
    h.update("\n".join(table.unit_ids[i] for i in order).encode() + b"\n")
    if table.categories is not None:
        h.update(b"categories\n" + "\n".join(table.categories[i] or "" for i in order).encode())
    for name in sorted(table.columns):
        col = np.asarray(table.columns[name], np.float64)[order] + 0.0  # -0.0 -> 0.0
        col = np.where(np.isnan(col), np.nan, col).astype("<f8")
        h.update(f"\ncolumn:{name}\n".encode() + col.tobytes())
    for name in sorted(table.unverified):
        h.update(f"\nunverified:{name}\n".encode()
                 + np.asarray(table.unverified[name], bool)[order].tobytes())
    return h.hexdigest()


MISSING_TEXT = {"", "na", "n/a", "nan", "null", "-", ".."}
UNVERIFIED_SUFFIX = "__unverified"


def _number(text: str, where: str) -> float:
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    if t.lower() in MISSING_TEXT:
        return float("nan")
    if "," in t and "." not in t:
        t = t.replace(",", ".")
    try:
        return float(t)
    except ValueError:
        raise ValueError(f"{where}: not a number: {text!r}") from None


def _is_text(cells: list[str]) -> bool:
    """A label column (e.g. a name): no cell is a number, so it cannot be a source."""
    for c in cells:
        try:
            if not math.isnan(_number(c, "")):
                return False
        except ValueError:
            continue
    return any(c.strip() for c in cells)


def read_csv_table(path: str | Path, id_column: str | None = None,
                   category_column: str | None = None) -> Table:
    """Read a CSV of units by raw values (lines starting with # are comments).

    The id column defaults to the first column; columns of text only (names) are skipped.
    A column `<source>__unverified` holding 1 marks unverified values of `<source>`.
    Numbers may use a decimal comma.
    """
    with open(path, newline="", encoding="utf-8-sig") as fh:
        lines = [line for line in fh if not line.lstrip().startswith("#")]
    sample = "".join(lines[:5])
    dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample else csv.excel
    rows = list(csv.reader(lines, dialect))
    if not rows:
        raise ValueError(f"{path}: empty file")
    header, body = [h.strip() for h in rows[0]], [r for r in rows[1:] if any(c.strip() for c in r)]
    id_column = id_column or header[0]
    for needed in filter(None, (id_column, category_column)):
        if needed not in header:
            raise ValueError(f"{path}: no column {needed!r}")
    values: dict[str, list[float]] = {}
    flags: dict[str, list[bool]] = {}
    for j, name in enumerate(header):
        if name in (id_column, category_column):
            continue
        cells = [r[j] if j < len(r) else "" for r in body]
        if name.endswith(UNVERIFIED_SUFFIX):
            flags[name[: -len(UNVERIFIED_SUFFIX)]] = [
                c.strip().lower() in ("1", "true", "yes") for c in cells]
        elif not _is_text(cells):
            values[name] = [_number(c, f"{path}: row {i + 1}, column {name}")
                            for i, c in enumerate(cells)]
    ids = [r[header.index(id_column)].strip() for r in body]
    cats = ([r[header.index(category_column)].strip() for r in body]
            if category_column else None)
    return Table.build(ids, values, cats, flags)
