"""The one domain model every reader produces and every writer consumes."""

from qualify.model.allocation import Allocation, Decision, Place, SkipReason, Warning
from qualify.model.common import Continent, Gender
from qualify.model.nocs import Noc, NocRegistry, load_nocs
from qualify.model.ranking import RankingEntry, RankingList

__all__ = [
    "Allocation",
    "Continent",
    "Decision",
    "Gender",
    "Noc",
    "NocRegistry",
    "Place",
    "RankingEntry",
    "RankingList",
    "SkipReason",
    "Warning",
    "load_nocs",
]
