"""What a forecast counts: the system's Summary columns (the published NOC x event table) for each NOC.

A cell is one NOC and one column of the rule file's ``summary``: an event's starting places, a relay or mixed team
(a mark: 0 or 1), a gender's athletes. A column with an ``event`` is a cell per event; one without (ski
mountaineering's men's and women's quotas, the athletes of a gender) is a cell per gender quota. Counting an
allocation goes through :func:`qualify.io.report.build_summary`, so a forecast counts exactly what the Summary shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from qualify.io.report import build_summary
from qualify.model.allocation import Allocation
from qualify.model.nocs import NocRegistry
from qualify.rules import SummaryColumn, System

COUNT_DTYPE = np.int16


@dataclass(frozen=True)
class Cells:
    """The NOCs that could hold a place (rows) and the Summary columns (columns) of a forecast's count arrays."""

    nocs: tuple[str, ...]
    columns: tuple[SummaryColumn, ...]
    rows: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", {code: index for index, code in enumerate(self.nocs)})

    @classmethod
    def for_system(cls, system: System, nocs: Iterable[str]) -> Cells:
        return cls(tuple(sorted(set(nocs))), tuple(system.summary))

    def row(self, noc: str) -> int:
        return self.rows[noc]

    def column(self, key: str) -> int:
        return next(index for index, column in enumerate(self.columns) if column.key == key)

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.nocs), len(self.columns))


def count(system: System, allocation: Allocation, cells: Cells, nocs: NocRegistry) -> np.ndarray:
    """The allocation's Summary values (after declines) as a (NOCs, columns) array."""
    out = np.zeros(cells.shape, dtype=COUNT_DTYPE)
    summary = build_summary(system, allocation, nocs)
    for row in summary.rows:
        if row.noc not in cells.nocs:
            if any(cell.value for cell in row.cells):
                raise ValueError(f"{row.noc} holds places but is not among the forecast's NOCs")
            continue
        out[cells.row(row.noc)] = [cell.value for cell in row.cells]
    return out
