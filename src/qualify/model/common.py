from __future__ import annotations

from enum import StrEnum


class Gender(StrEnum):
    MEN = "M"
    WOMEN = "W"
    MIXED = "X"

    @property
    def label(self) -> str:
        return {"M": "Men", "W": "Women", "X": "Mixed"}[self.value]


class Continent(StrEnum):
    """Olympic continental associations (ANOCA, Panam Sports, OCA, EOC, ONOC)."""

    AFRICA = "Africa"
    AMERICAS = "Americas"
    ASIA = "Asia"
    EUROPE = "Europe"
    OCEANIA = "Oceania"
