"""Rule files: a qualification system as data (events, quotas, caps, lists, ordered steps).

``schema`` holds the system, ``lists`` the ranking lists, ``steps`` the step types and ``load`` reads a
YAML rule file into a validated :class:`System`.
"""

from qualify.rules.base import Strict
from qualify.rules.lists import BuildSpec, ListSpec, PointsTableSpec, ResultEvent
from qualify.rules.load import bundled_system_ids, load_system, load_system_file, parse_system
from qualify.rules.schema import (
    AthleteRules,
    BreakdownRow,
    BreakdownSection,
    Cap,
    DefaultInputs,
    Eligibility,
    EligibilityFromResults,
    EligibilityStandard,
    Event,
    Quota,
    SummaryColumn,
    System,
    TieBreak,
)
from qualify.rules.semantics import check_meaning
from qualify.rules.steps import (
    PLACE_KINDS,
    STEP_TYPES,
    AdditionalAthleteStep,
    AthleteQuotaStep,
    ContinentalBestStep,
    HostGuaranteeStep,
    PlaceTemplate,
    RankingWalkStep,
    ReallocateStep,
    ReallocationRule,
    Step,
    StepBase,
    StepType,
    TeamCompletionStep,
    WalkFilters,
    runner_for,
    step_type,
)

__all__ = [
    "PLACE_KINDS", "STEP_TYPES", "StepType", "check_meaning", "runner_for", "step_type", "AdditionalAthleteStep",
    "AthleteQuotaStep", "AthleteRules", "BreakdownRow", "BreakdownSection",
    "BuildSpec", "Cap", "ContinentalBestStep", "DefaultInputs", "Eligibility", "EligibilityFromResults",
    "EligibilityStandard", "Event", "HostGuaranteeStep", "ListSpec", "PlaceTemplate", "PointsTableSpec", "Quota",
    "ResultEvent", "RankingWalkStep", "ReallocateStep", "ReallocationRule", "Step", "StepBase", "Strict",
    "SummaryColumn", "System", "TeamCompletionStep", "TieBreak", "WalkFilters", "bundled_system_ids", "load_system",
    "load_system_file", "parse_system",
]
