"""The registry of step types: a rule file's ``type`` picks one of these, and nothing else runs."""

from __future__ import annotations

from collections.abc import Callable

from qualify.engine.athlete_steps import run_additional_athlete, run_athlete_quota, run_team_completion
from qualify.engine.context import Context
from qualify.engine.steps import run_continental_best, run_host_guarantee, run_ranking_walk, run_reallocate
from qualify.rules import Step

RUNNERS: dict[str, Callable[[Context, Step], None]] = {
    "host_guarantee": run_host_guarantee,
    "ranking_walk": run_ranking_walk,
    "continental_best": run_continental_best,
    "reallocate": run_reallocate,
    "team_completion": run_team_completion,
    "additional_athlete": run_additional_athlete,
    "athlete_quota": run_athlete_quota,
}
