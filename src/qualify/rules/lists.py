"""Rule-file lists: the ranking lists and race classifications a system walks, and how each is built from results.

A list is read from its ``file`` (the final list as published), built from a season of race results by its
``build`` (see :class:`BuildSpec`), or both: the file is then the default input and the builder is used whenever a
season is given. A list with neither is an error. Points tables are declared once, at the top of the rule file
(:class:`PointsTableSpec`), and named by id.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from qualify.model.common import Gender
from qualify.rules.base import Strict


class PointsTableSpec(Strict):
    """A points-per-place table: a ``place,points`` CSV.

    ``file`` is looked up next to the rule file first, then among the bundled tables (``qualify/ranking/tables``).
    ``beyond`` says what a place past the last row earns: ``last`` (the last row's points), ``zero`` or ``error``.
    ``basis`` says how much the table can be trusted (``published``, ``inferred`` from published numbers, or an
    ``assumption``); ``source`` says where it comes from. Both are printed with every list built from it.
    """

    id: str
    file: str
    beyond: Literal["last", "zero", "error"] = "last"
    basis: Literal["published", "inferred", "assumption"]
    source: str


class ResultEvent(Strict):
    """Which rows of ``results.csv`` feed a list: the result ``event`` name and the ``gender`` (default: the
    list's own gender)."""

    event: str
    gender: Gender | None = None


class BuildSpec(Strict):
    """How a list is built from the races that count for it (the calendar's ``lists`` column names them).

    * ``events``: the result events that feed the list (``500m``, or ``{event: relay, gender: X}``).
    * ``entry``: ``athlete`` (one entry per athlete and NOC), ``noc_slots`` (one entry per NOC and slot 1..``slots``:
      in each race, slot k takes the NOC's k-th best result), ``noc_team`` (one entry per NOC, from team rows, its
      best team in each race).
    * ``points``: a points table id; without one a ``single_race`` list keeps the race's places only.
    * ``combine``: ``best`` (the ``best`` highest race values), ``all`` (every race value), or ``single_race`` (the
      classification of the one race that counts for the list, e.g. a World Championship).
    * ``tied_places``: ``share_mean`` (tied results share the mean of the points of the places they cover, rounded
      to 0.1) or ``full`` (each gets the points of the shared place).
    * ``equal_totals``: ``share_rank`` (equal totals share a rank; a tie that decides a place is reported by the
      engine) or ``countback`` (the better best counted result ranks first, then the second best, ...; still equal:
      a shared rank).
    * ``kinds``: the race kinds that may count for the list; a calendar row that names the list for a race of
      another kind is an error.
    """

    events: tuple[ResultEvent, ...] = Field(min_length=1)
    entry: Literal["athlete", "noc_slots", "noc_team"]
    slots: int | None = Field(default=None, ge=1)
    points: str | None = None
    combine: Literal["best", "all", "single_race"]
    best: int | None = Field(default=None, ge=1)
    tied_places: Literal["share_mean", "full"] = "share_mean"
    equal_totals: Literal["share_rank", "countback"] = "share_rank"
    kinds: tuple[str, ...] | None = None
    clause: str = ""

    @model_validator(mode="before")
    @classmethod
    def _events_as_names(cls, data: object) -> object:
        # ``events: [500m]`` is short for ``events: [{event: 500m}]``.
        if isinstance(data, dict) and isinstance(data.get("events"), list):
            data = {**data, "events": [{"event": str(e)} if isinstance(e, str | int) and not isinstance(e, bool)
                                       else e for e in data["events"]]}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> BuildSpec:
        problems = []
        if (self.entry == "noc_slots") != (self.slots is not None):
            problems.append("'slots' goes with entry noc_slots, and noc_slots needs it")
        if (self.combine == "best") != (self.best is not None):
            problems.append("'best: N' goes with combine best, and combine best needs it")
        if self.combine == "single_race" and len(self.events) != 1:
            problems.append("combine single_race reads one classification: give exactly one event")
        if self.combine != "single_race" and self.points is None:
            problems.append(f"combine {self.combine} adds points: name a points table in 'points'")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def event_keys(self, list_gender: Gender) -> tuple[tuple[str, Gender], ...]:
        return tuple((e.event, e.gender or list_gender) for e in self.events)


class ListSpec(Strict):
    id: str
    title: str
    gender: Gender
    event: str | None = None
    kind: Literal["ranking", "race"] = "ranking"
    # "athlete" or "noc"; a built list may leave it out (it follows from build.entry).
    entry: Literal["noc", "athlete"]
    file: str | None = None  # the final list as published; a file with a 'list' column may hold several lists
    build: BuildSpec | None = None
    needs_continent: bool = False
    needs_points: bool = True
    decimals: int = Field(default=0, ge=0, le=3, description="decimals shown for points")
    source: str = ""

    @model_validator(mode="before")
    @classmethod
    def _entry_from_build(cls, data: object) -> object:
        if isinstance(data, dict) and "entry" not in data and isinstance(data.get("build"), dict):
            built = data["build"].get("entry")
            if built in ("athlete", "noc_slots", "noc_team"):
                data = {**data, "entry": "athlete" if built == "athlete" else "noc"}
        return data

    @model_validator(mode="after")
    def _build_fits(self) -> ListSpec:
        problems = []
        if self.file is None and self.build is None:
            problems.append(f"list '{self.id}' has neither a 'file' nor a 'build': nothing can produce it")
        if self.build is not None:
            wanted = "athlete" if self.build.entry == "athlete" else "noc"
            if self.entry != wanted:
                problems.append(f"list '{self.id}': entry {self.entry} does not fit build.entry {self.build.entry}")
            if (self.build.combine == "single_race") != (self.kind == "race"):
                problems.append(f"list '{self.id}': kind {self.kind} does not fit build.combine "
                                f"{self.build.combine} (a single race is kind race, a season list kind ranking)")
        if problems:
            raise ValueError("\n".join(problems))
        return self
