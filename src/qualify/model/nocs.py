"""NOC reference data: IOC codes, names and Olympic continental associations."""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources

from pydantic import BaseModel, ConfigDict

from qualify.model.common import Continent

# A nation that a public source does not name is written e.g. "UNNAMED-EUR-12": it can never be
# taken for an IOC code (always three letters). An AFR/AME/ASI/EUR/OCE tag right after the prefix
# carries the continent when the source gives it.
PLACEHOLDER_PATTERN = re.compile(r"^UNNAMED-[A-Z0-9-]+$")
_PLACEHOLDER_CONTINENT_TAG = re.compile(r"^UNNAMED-(AFR|AME|ASI|EUR|OCE)(?:-|$)")
_PLACEHOLDER_CONTINENT = {
    "AFR": Continent.AFRICA,
    "AME": Continent.AMERICAS,
    "ASI": Continent.ASIA,
    "EUR": Continent.EUROPE,
    "OCE": Continent.OCEANIA,
}


class Noc(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    name: str
    continent: Continent | None
    # Individual Neutral Athletes: not an NOC; each place belongs to the athlete who earned it.
    neutral: bool = False
    placeholder: bool = False


class NocRegistry:
    def __init__(self, nocs: list[Noc]) -> None:
        self._by_code = {n.code: n for n in nocs}

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and (code in self._by_code or bool(PLACEHOLDER_PATTERN.match(code)))

    def get(self, code: str) -> Noc:
        if code in self._by_code:
            return self._by_code[code]
        if PLACEHOLDER_PATTERN.match(code):
            tag = _PLACEHOLDER_CONTINENT_TAG.match(code)
            continent = _PLACEHOLDER_CONTINENT[tag.group(1)] if tag else None
            return Noc(code=code, name=f"({code.removeprefix('UNNAMED-')}, nation not named)",
                       continent=continent, placeholder=True)
        raise KeyError(code)

    def name(self, code: str) -> str:
        return self.get(code).name

    def continent(self, code: str) -> Continent | None:
        return self.get(code).continent

    def is_neutral(self, code: str) -> bool:
        return code in self and self.get(code).neutral

    def codes(self) -> list[str]:
        return sorted(self._by_code)


@lru_cache(maxsize=1)
def load_nocs() -> NocRegistry:
    text = resources.files("qualify.reference").joinpath("nocs.csv").read_text(encoding="utf-8")
    nocs = []
    for row in csv.DictReader(line for line in text.splitlines() if not line.startswith("#")):
        continent = row["continent"].strip()
        nocs.append(
            Noc(
                code=row["code"].strip(),
                name=row["name"].strip(),
                continent=Continent(continent) if continent else None,
                neutral=row.get("neutral", "").strip().lower() in {"1", "true", "yes"},
            )
        )
    return NocRegistry(nocs)
