"""Yes/no indicators: which indicators read one yes/no answer, so pages say "tak"/"nie".

The engine sees only numbers: a yes/no answer arrives coded by the methodology's `codes:`
(usually yes = 1, no = 0). Printed as "1,00" the value means nothing to a reader, so the pages
turn the code back into the answer. Pure: derived from the methodology a run stored, never
from today's files, so an old run keeps reading the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from portal.scoring.methodology import Methodology

ANSWERS = frozenset({"yes", "no"})


@dataclass(frozen=True)
class YesNo:
    """The codes of the two answers of one yes/no indicator."""

    yes: float
    no: float

    def answer(self, value: float | None) -> bool | None:
        """True for the "yes" code, False for the "no" code, None for anything else."""
        if value is None or not math.isfinite(value):
            return None
        if math.isclose(value, self.yes, abs_tol=1e-9):
            return True
        if math.isclose(value, self.no, abs_tol=1e-9):
            return False
        return None  # not an answer (e.g. an interpolated median): the caller shows the number

    def share_yes(self, mean: float | None) -> float | None:
        """The share (0..1) of "yes" among values that are all one of the two codes."""
        if mean is None or not math.isfinite(mean):
            return None
        return min(1.0, max(0.0, (mean - self.no) / (self.yes - self.no)))


def yes_no_indicators(m: Methodology) -> dict[str, YesNo]:
    """Indicator id -> YesNo, for indicators whose raw value is one coded yes/no answer.

    Only a plain `source` counts: a formula (a sum of points) or a per-resident rate is a
    number even when it reads yes/no answers.
    """
    found: dict[str, YesNo] = {}
    for ind in m.indicators:
        codes = m.codes.get(ind.source) if ind.source else None
        if (codes and set(codes) == ANSWERS and codes["yes"] != codes["no"]
                and ind.denominator is None):
            found[ind.id] = YesNo(float(codes["yes"]), float(codes["no"]))
    return found
