"""Rule-file lists: the ranking lists and race classifications a system walks."""

from __future__ import annotations

from typing import Literal

from qualify.model.common import Gender
from qualify.rules.base import Strict


class ListSpec(Strict):
    id: str
    title: str
    gender: Gender
    event: str | None = None
    kind: Literal["ranking", "race"] = "ranking"
    entry: Literal["noc", "athlete"]
    file: str | None = None  # required when the system reads its lists from files
    needs_continent: bool = False
    needs_points: bool = True
    source: str = ""
