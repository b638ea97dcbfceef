"""A forecast problem compiled for the batch engine: indices, place types, caps, lists and steps as arrays.

:func:`compile_problem` reads a :class:`~qualify.forecast.reference.ForecastProblem` once: the NOCs (in IOC-code
order, so that comparing indices is comparing codes), the place types the steps can grant, the caps in the
checker's order, every list (:mod:`.lists`), the eligibility counts (:mod:`.eligibility`), and each step through
the batch runner registered for its type (``@batch_runner_for`` in :mod:`.steps`). A step type without one makes
the compilation fail with its name: the batch engine never silently does something else than the reference.

:meth:`BatchPlan.run` then evaluates a chunk of simulated seasons: it builds the chunk's lists, runs the steps in
the rule file's order on the chunk state (:mod:`.core`) and counts the Summary cells.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numba import njit, prange

from qualify.engine.caps import cap_counts, system_caps
from qualify.engine.steps import probe
from qualify.errors import InputError
from qualify.forecast.reference import ForecastProblem
from qualify.model.common import Continent, Gender
from qualify.ranking.builder import group_results
from qualify.rules import PLACE_KINDS, STEP_TYPES, PlaceTemplate, StepBase, WalkFilters

from .core import (
    CHECK_NONE,
    ERR_BUNDLE,
    ERR_LOG_FULL,
    ERR_NOT_A_CELL,
    ERR_POINTS_BEYOND,
    ERR_TEAM_LEFT_SHORT,
    LOG_FIELDS,
    MAX_BUNDLE,
    MAX_CAPS,
    N_NOCS,
    N_TYPES,
    S_ERR,
    S_HELD,
    STOP_NEVER,
    TABLE_SLOTS,
    WALK_SLOTS,
    Blob,
)
from .eligibility import compile_eligibility, eligible_athletes
from .lists import ListPlan, Unsupported, build_lists, compile_list, dynamic_lists

GENDERS: tuple[Gender, ...] = (Gender.MEN, Gender.WOMEN, Gender.MIXED)
GENDER_INDEX = {gender: i for i, gender in enumerate(GENDERS)}
KIND_INDEX = {kind: i for i, kind in enumerate(PLACE_KINDS)}
CONTINENTS: tuple[Continent, ...] = tuple(Continent)
CONTINENT_INDEX = {continent: i for i, continent in enumerate(CONTINENTS)}
NATION = "\x00nation"  # a holder no cap treats as neutral, to ask the engine's cap_counts about a nation's place
# A compiled step: run(tables, state, eligible) on a chunk (tables: the Blob of _tables; state: one int16 row per
# season; eligible: (seasons, athletes) uint8).
StepRun = Callable[[np.ndarray, np.ndarray, np.ndarray], None]
STATE_DTYPE = np.int16  # counts, entry ids, ranks and grants of one season all stay far below 2**15

ERRORS = {
    ERR_LOG_FULL: "the batch engine's place log overflowed",
    ERR_POINTS_BEYOND: "a place past the last row of a points table with beyond: error",
    ERR_TEAM_LEFT_SHORT: "a team place was left without its athletes before the reallocation step; the reference "
                         "would give it up and reallocate it, which the batch engine does not do",
    ERR_BUNDLE: "a grant holding more places than the batch walk allows",
    ERR_NOT_A_CELL: "an NOC holds places but is not among the forecast's NOCs",
}


@dataclass
class CompiledStep:
    step: StepBase
    run: StepRun


class BatchPlan:
    """Everything the batch engine needs about one problem, made once and reused for every chunk of seasons."""

    def __init__(self, problem: ForecastProblem) -> None:
        self.problem = problem
        system = self.system = problem.system
        fields = problem.fields
        codes = set(problem.cells.nocs) | {system.host}
        codes |= {entrant.noc for event in fields.events for entrant in event.entrants}
        codes |= {entry.noc for ranking in problem.fixed_lists.values() for entry in ranking.entries}
        self.nocs: tuple[str, ...] = tuple(sorted(codes))
        self.noc_index = {code: i for i, code in enumerate(self.nocs)}
        self.events = {event.id: i for i, event in enumerate(system.events)}
        self.types: list[tuple[int, int, int]] = []
        self.type_index: dict[tuple[int, int, int], int] = {}
        self.lists: list[ListPlan] = []
        self.list_index: dict[str, int] = {}
        self.g_noc: list[int] = []
        self.g_ath: list[int] = []
        self.g_qual: list[int] = []
        self.g_list: list[int] = []
        self.athlete_index: dict[tuple[Gender, str, str], int] = {}
        self.slots: dict[tuple[int, int], int] = {}
        self.step_index = {step.id: i for i, step in enumerate(system.steps)}
        self.listed_continents: dict[str, Continent] = {}
        # The outcomes of a chunk are read from one (seasons, entrants) array, the events side by side.
        self.field_col: list[int] = []
        self.field_key: dict[tuple[str, Gender, str], int] = {}
        col = 0
        for index, event in enumerate(fields.events):
            self.field_col.append(col)
            col += len(event.entrants)
            if event.entrants:
                self.field_key[event.key] = index
        self.total_cols = col
        self.known_groups = group_results(problem.season.up_to(problem.as_of))
        for spec in system.lists:
            plan = compile_list(self, spec)
            self.list_index[spec.id] = plan.index
            self.lists.append(plan)
        offset = 0
        for plan in self.lists:
            plan.offset = offset
            offset += plan.size
        self.order_width = offset
        self.dynamic = dynamic_lists(self.lists)
        self.eligibility: np.ndarray | None = compile_eligibility(self)
        self.logging = False  # set by a step that may withdraw logged places (displace_last)
        self.log_capacity = 0
        self.steps: list[CompiledStep] = []
        for step in system.steps:
            record = STEP_TYPES[step.type]
            if record.batch is None:
                raise Unsupported(f"step type '{record.name}' (step '{step.id}') has no batch runner: the batch "
                                  "engine cannot evaluate this system; use the reference engine, or register one "
                                  "with @batch_runner_for (docs/adding-a-step-type.md)")
            self.steps.append(CompiledStep(step, record.batch(self, step)))
        self.tables = self._tables()
        self._summary()
        self._local = threading.local()
        largest = max(len(self.g_noc), len(self.athlete_index), self.order_width, self.state_width,
                      max((len(e.entrants) for e in fields.events), default=0))
        if largest >= np.iinfo(STATE_DTYPE).max // 2:
            raise Unsupported(f"a problem of {largest} entries: the batch engine's state counts in int16")

    # --- registries the lists and step runners use ---------------------------------------------------------------

    def noc(self, code: str) -> int:
        found = self.noc_index.get(code)
        if found is None:
            raise Unsupported(f"NOC {code} is not among the forecast's NOCs")
        return found

    def add_entry(self, list_index: int, noc: str, athlete: str | None, gender: Gender, qualifier: int | None) -> int:
        athlete_id = -1
        if athlete is not None:
            athlete_id = self.athlete_index.setdefault((gender, noc, athlete), len(self.athlete_index))
        self.g_noc.append(self.noc(noc))
        self.g_ath.append(athlete_id)
        self.g_qual.append(qualifier or 0)
        self.g_list.append(list_index)
        return len(self.g_noc) - 1

    def note_continent(self, noc: str, continent: Continent | None) -> None:
        if continent is not None:
            self.listed_continents.setdefault(noc, continent)

    def field_of(self, race: str, gender: Gender, event: str) -> int | None:
        """The index of a race's event among the fields, if anyone may start in it."""
        return self.field_key.get((race, gender, event))

    def type_for(self, gender: Gender, event: str | None, kind: str) -> int:
        key = (GENDER_INDEX[gender], -1 if event is None else self.events[event], KIND_INDEX[kind])
        if key not in self.type_index:
            self.type_index[key] = len(self.types)
            self.types.append(key)
        return self.type_index[key]

    def type_of(self, template: PlaceTemplate) -> int:
        return self.type_for(template.gender, template.event, template.kind)

    def template_of(self, t: int) -> PlaceTemplate:
        gender, event, kind = self.types[t]
        return PlaceTemplate.model_validate({"gender": GENDERS[gender], "kind": PLACE_KINDS[kind],
                                             "event": None if event < 0 else self.system.events[event].id})

    def event_of_type(self, t: int) -> int:
        return self.types[t][1]

    def slot(self, list_index: int, event: int) -> int:
        """The by_list counter of places an NOC holds from a list in an event (qualifier coverage)."""
        return self.slots.setdefault((list_index, event), len(self.slots))

    def grants_at_most(self, list_index: int, types: list[int], take: int | None) -> int:
        """How many grants a walk of these templates can make: the list's entries, ``take``, and the maximum of
        any total cap its places count towards (a walk stops when a grant would break one)."""
        bound = self.lists[list_index].size
        if take is not None:
            bound = min(bound, take)
        for cap in system_caps(self.system):
            if "noc" in cap.per:
                continue
            for t in types:
                if cap_counts(cap, probe(self.template_of(t), "", NATION), frozenset(self.system.neutral_codes)):
                    bound = min(bound, cap.max)
        return bound

    def reserve_log(self, places: int) -> None:
        """Room in the place log for the places a walk could grant (used when some step may withdraw them)."""
        self.log_capacity += places

    def continent_index(self, continent: Continent | None) -> int:
        return -1 if continent is None else CONTINENT_INDEX[continent]

    def walk_spec(self, step: StepBase, list_indices: list[int], types: list[int], filters: WalkFilters, *,
                  stop_mode: int = STOP_NEVER, stop_n: int = 0, probes: list[int] | None = None,
                  check_mode: int = CHECK_NONE, log_places: bool = False, team_type: int = -1,
                  team_event: int = -1, needs: tuple[int, int] = (0, 0), max_extra: int = 0,
                  extra_ceiling: bool = False, add_team_event: tuple[int, int] = (-1, -1), add_starting: int = 0,
                  limit: int = -1, reallocation_ceiling: bool = False) -> np.ndarray:
        """The parameters of one walk (see core.walk) as a Blob; ``types`` are the walk's templates."""
        if len(types) > MAX_BUNDLE or max_extra >= MAX_BUNDLE:
            raise Unsupported(f"step '{step.id}': a grant of more than {MAX_BUNDLE} places")
        cover: list[int] = []
        events = sorted({self.event_of_type(t) for t in types})
        for list_index in list_indices:
            if self.lists[list_index].has_qualifiers:
                cover += [self.slot(list_index, event) for event in events]
        athletes = self.system.athletes
        ceiling_on = athletes is not None and athletes.ceiling is not None
        respect = ceiling_on and (reallocation_ceiling or (athletes is not None and athletes.ceiling_reading == "all"))
        blob = Blob(WALK_SLOTS)
        exclude = [self.step_index[s] for s in filters.exclude_steps]
        probes = probes or []
        for name, value in (
                ("step", self.step_index[step.id]), ("n_types", len(types)), ("n_cover", len(cover)),
                ("exclude_host", filters.exclude_host), ("only_new", filters.only_new_nocs),
                ("n_exclude", len(exclude)),
                # Without qualifying results the reference checks nothing (EligibilityChecker.checking is false).
                ("check_elig", filters.check_eligibility and self.eligibility is not None),
                ("stop_mode", stop_mode), ("stop_n", stop_n), ("n_probes", len(probes)), ("limit", limit),
                ("respect_ceiling", respect), ("check_mode", check_mode), ("log_places", log_places),
                ("team_type", team_type), ("team_event", team_event), ("need_m", needs[0]), ("need_w", needs[1]),
                ("max_extra", max_extra), ("extra_ceiling", extra_ceiling and ceiling_on),
                ("add_event_m", add_team_event[0]), ("add_event_w", add_team_event[1]),
                ("add_starting", add_starting)):
            blob.set(name, value)
        blob.put("types", types)
        blob.put("cover", cover)
        blob.put("exclude_steps", exclude)
        blob.put("probes", probes)
        return blob.array()

    # --- the static tables -------------------------------------------------------------------------------------

    def _tables(self) -> np.ndarray:
        system = self.system
        n_events = len(system.events)
        types = self.types
        n_types = max(len(types), 1)
        n_nocs = len(self.nocs)
        neutral_codes = frozenset(system.neutral_codes)
        caps = system_caps(system)
        blob = Blob(TABLE_SLOTS)
        blob.set("host", self.noc_index.get(system.host, -1))
        blob.set("n_nocs", n_nocs)
        blob.set("n_types", n_types)
        blob.set("n_caps", len(caps))
        blob.set("n_events", n_events)
        blob.set("n_lists", len(self.lists))
        blob.put("neutral", [int(code in neutral_codes) for code in self.nocs])
        blob.put("continent", [self.continent_index(self._continent(code)) for code in self.nocs])
        blob.put("t_gender", [key[0] for key in types] or [0])
        blob.put("t_event", [key[1] for key in types] or [-1])
        if len(caps) > MAX_CAPS:
            raise Unsupported(f"{len(caps)} caps: the batch engine handles at most {MAX_CAPS}")
        cap_subkey = np.zeros((len(caps), n_types), dtype=np.int64)
        type_caps = np.zeros((n_types, 2), dtype=np.int64)
        neutral_code = system.neutral_codes[0] if system.neutral_codes else None
        cap_max, cap_total, cap_stride = [], [], []
        cap_base = np.zeros((len(caps), n_types), dtype=np.int64)
        offset = 0
        for c, cap in enumerate(caps):
            per_gender, per_event = "gender" in cap.per, "event" in cap.per
            sub = (len(GENDERS) if per_gender else 1) * ((n_events + 1) if per_event else 1)
            cap_max.append(cap.max)
            cap_total.append(int("noc" not in cap.per))
            cap_stride.append(sub if "noc" in cap.per else 0)
            for t, (gender, event, _) in enumerate(types):
                cap_subkey[c, t] = ((gender if per_gender else 0) * ((n_events + 1) if per_event else 1)
                                    + ((event + 1) if per_event else 0))
                cap_base[c, t] = offset + cap_subkey[c, t]
                template = self.template_of(t)
                # Whether such a place counts, asked of the engine's own cap_counts (a nation, a neutral entry).
                if cap_counts(cap, probe(template, "", NATION), neutral_codes):
                    type_caps[t, 0] |= 1 << c
                if neutral_code is not None and cap_counts(cap, probe(template, "", neutral_code), neutral_codes):
                    type_caps[t, 1] |= 1 << c
            offset += sub * (n_nocs if "noc" in cap.per else 1)
        self.cap_keys = offset
        for name, values in (("cap_max", cap_max), ("cap_total", cap_total), ("cap_stride", cap_stride)):
            blob.put(name, values or [0])
        blob.put("cap_base", cap_base)
        cap_lists = [[c for c in range(len(caps)) if type_caps[t, neutral] >> c & 1]
                     for t in range(n_types) for neutral in (0, 1)]
        padded = _padded(cap_lists)
        blob.put("type_cap_list", padded)
        blob.set("type_cap_list_w", padded.shape[1])
        blob.put("cap_subkey", cap_subkey)
        blob.put("type_caps", type_caps)
        slot_of = np.full((max(len(self.lists), 1), n_events + 1), -1, dtype=np.int64)
        for (list_index, event), slot in self.slots.items():
            slot_of[list_index, event + 1] = slot
        blob.put("slot_of", slot_of)
        individual = {g: {self.events[e.id] for e in system.events if e.gender is GENDERS[g] and e.kind == "individual"}
                      for g in range(2)}
        team = {g: {self.events[e.id] for e in system.events if e.gender is GENDERS[g] and e.kind == "team"}
                for g in range(2)}
        start_kind = KIND_INDEX["start"]
        for name, rows in (
                ("event_types", [[t for t, key in enumerate(types) if key[1] == e] for e in range(n_events)]),
                ("start_types", [[t for t, (gender, event, kind) in enumerate(types)
                                  if gender == g and event in individual[g] and kind == start_kind] for g in range(2)]),
                ("team_types", [[t for t, (gender, event, _) in enumerate(types) if gender == g and event in team[g]]
                                for g in range(2)])):
            padded = _padded(rows)
            blob.put(name, padded)
            blob.set(f"{name}_w", padded.shape[1])
        blob.put("quota_type", [self.type_index.get((g, -1, KIND_INDEX["quota"]), -1) for g in range(3)])
        rules = system.athletes
        blob.set("athletes_on", rules is not None)
        if rules is not None:
            blob.set("team_athletes", rules.team_athletes)
            blob.set("full_team_starts", rules.full_team_starts)
            blob.set("full_team_athletes", rules.full_team_athletes)
        blob.set("neutral_max", -1 if rules is None or rules.neutral_max is None else rules.neutral_max)
        blob.set("ceiling", -1 if rules is None or rules.ceiling is None else rules.ceiling)
        blob.put("g_noc", self.g_noc or [0])
        blob.put("g_ath", self.g_ath or [-1])
        blob.put("g_qual", self.g_qual or [0])
        blob.put("g_list", self.g_list or [0])
        blob.put("list_gender", [GENDER_INDEX[plan.spec.gender] for plan in self.lists] or [0])
        blob.put("list_off", [plan.offset for plan in self.lists] or [0])
        # The layout of a season's state row.
        n_steps, n_slots, n_athletes = max(len(system.steps), 1), max(len(self.slots), 1), len(self.athlete_index)
        log_capacity = self.log_capacity if self.logging else 0
        layout = (("s_held", n_nocs * n_types), ("s_capc", max(offset, 1)), ("s_noc_active", n_nocs),
                  ("s_n_nocs", 1), ("s_step_nocs", n_nocs * n_steps), ("s_by_list", n_nocs * n_slots),
                  ("s_ath_held", max(n_athletes, 1) * n_types), ("s_ath", n_nocs * 2), ("s_ath_total", 1),
                  ("s_log", log_capacity * LOG_FIELDS), ("s_log_n", 1), ("s_grants", 1), ("s_err", 1),
                  ("s_order", self.order_width), ("s_rank", self.order_width), ("s_grank", self.order_width),
                  ("s_count", max(len(self.lists), 1)))
        width = 0
        self.layout: dict[str, int] = {}
        for name, size in layout:
            blob.set(name, width)
            self.layout[name] = width
            width += size
        blob.set("s_width", width)
        blob.set("n_steps", n_steps)
        blob.set("n_slots", n_slots)
        blob.set("s_log_cap", log_capacity)
        self.state_width = width
        return blob.array()

    def _continent(self, code: str) -> Continent | None:
        """Context.continent: the registry's continent, else the one a list gives the NOC."""
        try:
            known = self.problem.nocs.continent(code)
        except KeyError:
            known = None
        return known if known is not None else self.listed_continents.get(code)

    def _summary(self) -> None:
        cells = self.problem.cells
        columns = cells.columns
        matching: list[list[int]] = []
        for column in columns:
            matching.append([])
            for t, (gender, event, kind) in enumerate(self.types):
                event_id = None if event < 0 else self.system.events[event].id
                if ((column.gender is None or GENDERS[gender] is column.gender)
                        and (column.event is None or event_id == column.event)
                        and (column.kind is None or PLACE_KINDS[kind] == column.kind)):
                    matching[-1].append(t)
        self.column_types = _padded(matching)  # the place types each Summary column counts (io.report._matches)
        self.column_mark = np.array([int(column.display == "mark") for column in columns], dtype=np.int64)
        self.cell_row = np.array([cells.rows.get(code, -1) for code in self.nocs], dtype=np.int64)

    # --- running a chunk ---------------------------------------------------------------------------------------

    def state_bytes(self) -> int:
        """Memory per season of a chunk: the state row, the outcomes and the counts."""
        cells = int(np.prod(self.problem.cells.shape))
        return 2 * self.state_width + 2 * self.total_cols + len(self.athlete_index) + 2 * cells

    def new_state(self, seasons: int) -> np.ndarray:
        """A chunk's state, zero but for the fixed lists (one buffer per chunk size, reused)."""
        # Per thread: a plan may serve several threads at once (an executor of threads).
        state = getattr(self._local, "state", None)
        if state is None or state.shape[0] != seasons:
            state = self._local.state = np.zeros((seasons, self.state_width), dtype=STATE_DTYPE)
        else:
            state.fill(0)
        for plan in self.lists:
            if plan.form == "fixed" and plan.size:
                assert plan.fixed_order is not None and plan.fixed_rank is not None and plan.fixed_grank is not None
                for name, values in (("s_order", plan.fixed_order), ("s_rank", plan.fixed_rank),
                                     ("s_grank", plan.fixed_grank)):
                    at = self.layout[name] + plan.offset
                    state[:, at: at + plan.size] = values
                state[:, self.layout["s_count"] + plan.index] = plan.size
        return state

    def run(self, ranks: np.ndarray, out: np.ndarray, first_season: int = 0) -> None:
        """Evaluate one chunk: ``ranks`` (seasons, entrants of every event side by side) into ``out``."""
        seasons = ranks.shape[0]
        state = self.new_state(seasons)
        tables = self.tables
        if self.dynamic[2].size:
            build_lists(tables, state, ranks, *self.dynamic)
        eligible = np.zeros((seasons, max(len(self.athlete_index), 1)), dtype=np.uint8)
        if self.eligibility is not None and self.athlete_index:
            eligible_athletes(self.eligibility, ranks, eligible)
        self._raise_errors(state, first_season)
        for compiled in self.steps:
            compiled.run(tables, state, eligible)
            self._raise_errors(state, first_season, compiled.step)
        count_cells(tables, state, self.column_types, self.column_mark, self.cell_row, out)
        self._raise_errors(state, first_season)

    def _raise_errors(self, state: np.ndarray, first_season: int, step: StepBase | None = None) -> None:
        errors = state[:, self.layout["s_err"]]
        bad = np.flatnonzero(errors)
        if not bad.size:
            return
        code = int(errors[bad[0]])
        where = f" (step '{step.id}')" if step is not None else ""
        season = first_season + int(bad[0])
        if code == ERR_POINTS_BEYOND:
            raise InputError.single("points table", f"simulated season {season}: {ERRORS[code]}")
        if code == ERR_NOT_A_CELL:
            raise ValueError(f"simulated season {season}: {ERRORS[code]}")
        raise Unsupported(f"simulated season {season}{where}: {ERRORS.get(code, f'error {code}')}")


def _padded(rows: list[list[int]]) -> np.ndarray:
    width = max([len(row) for row in rows] + [1])
    out = np.full((max(len(rows), 1), width), -1, dtype=np.int64)
    for i, row in enumerate(rows):
        out[i, : len(row)] = row
    return out


@njit(cache=True, parallel=True)
def count_cells(tb, st, column_types, column_mark, cell_row, out):
    nocs, types = tb[N_NOCS], tb[N_TYPES]
    columns, width = column_types.shape
    for s in prange(st.shape[0]):
        row = st[s]
        for noc in range(nocs):
            cell = cell_row[noc]
            for c in range(columns):
                value = 0
                for k in range(width):
                    t = column_types[c, k]
                    if t < 0:
                        break
                    value += row[tb[S_HELD] + noc * types + t]
                if column_mark[c] and value > 1:
                    value = 1
                if cell >= 0:
                    out[s, cell, c] = value
                elif value > 0:
                    row[tb[S_ERR]] = ERR_NOT_A_CELL


def compile_problem(problem: ForecastProblem) -> BatchPlan:
    return BatchPlan(problem)


__all__ = ["BatchPlan", "CompiledStep", "compile_problem"]
