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
from qualify.rules.steps import (
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
    TeamCompletionStep,
    WalkFilters,
)

__all__ = [
    "STEP_TYPES", "AdditionalAthleteStep", "AthleteQuotaStep", "AthleteRules", "BreakdownRow", "BreakdownSection",
    "BuildSpec", "Cap", "ContinentalBestStep", "DefaultInputs", "Eligibility", "EligibilityFromResults",
    "EligibilityStandard", "Event", "HostGuaranteeStep", "ListSpec", "PlaceTemplate", "PointsTableSpec", "Quota",
    "ResultEvent", "RankingWalkStep", "ReallocateStep", "ReallocationRule", "Step", "StepBase", "Strict",
    "SummaryColumn", "System", "TeamCompletionStep", "TieBreak", "WalkFilters", "bundled_system_ids", "load_system",
    "load_system_file", "parse_system",
]
