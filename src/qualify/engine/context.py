"""Everything a step needs: the rules, the inputs, the ledger and the checks."""

from __future__ import annotations

from dataclasses import dataclass, field

from qualify.engine.athletes import AthleteCounter
from qualify.engine.caps import CapChecker
from qualify.engine.eligibility import EligibilityChecker
from qualify.engine.ledger import Ledger
from qualify.model.common import Continent, Gender
from qualify.model.nocs import NocRegistry
from qualify.model.ranking import RankingList
from qualify.rules import System


@dataclass(frozen=True)
class Decline:
    """An NOC giving up one place: ``NOC:GENDER``, or narrowed to a step or an event: ``NOC:GENDER:WHICH``."""

    noc: str
    gender: Gender
    step: str | None = None
    source: str = "--decline"
    row: int | None = None
    event: str | None = None

    @property
    def text(self) -> str:
        return f"{self.noc}:{self.gender.value}" + "".join(f":{part}" for part in (self.step, self.event) if part)


@dataclass
class Context:
    system: System
    lists: dict[str, RankingList]
    nocs: NocRegistry
    caps: CapChecker
    eligibility: EligibilityChecker
    ledger: Ledger = field(default_factory=Ledger)
    declines: list[Decline] = field(default_factory=list)
    athletes: AthleteCounter | None = None

    def is_neutral(self, noc: str) -> bool:
        """Neutral athletes (the rule file's ``neutral_codes``, e.g. AIN): places bound to the athlete."""
        return noc in self.system.neutral_codes

    def continent(self, noc: str) -> Continent | None:
        """The registry's continent, or for a nation it does not know (a placeholder) the one its list gives."""
        known = self.nocs.continent(noc)
        if known is not None:
            return known
        return next((e.continent for r in self.lists.values() for e in r.entries
                     if e.noc == noc and e.continent is not None), None)
