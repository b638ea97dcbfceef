"""Storing an uploaded season: validate through the one adapter, then write it in one transaction."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from qualify.errors import InputError, Problem
from qualify.store import SeasonRecord, UploadedFile
from qualify.web.inputs import SEASON_FILES, read_season
from qualify.web.scenarios import NotFound, Scenarios

MAX_LABEL = 200


def display_name(filename: str | None, fallback: str) -> str:
    """The name a browser sent, reduced to a display string (never used as a path)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[:255] or fallback


def clean_label(label: str | None) -> str:
    text = re.sub(r"\s+", " ", "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in label or ""))
    return text.strip()[:MAX_LABEL]


@dataclass(frozen=True)
class UploadResult:
    season: SeasonRecord
    created: bool


def store_season(scenarios: Scenarios, system_id: str, label: str | None,
                 files: dict[str, tuple[str | None, bytes]]) -> UploadResult:
    """``files``: role -> (browser file name, bytes). Raises InputError (nothing stored) when invalid."""
    try:
        system = scenarios.system(system_id)
    except NotFound:
        raise InputError.single("system", f"found '{system_id}', expected one of "
                                          f"{', '.join(s.id for s in scenarios.season_systems())}") from None
    unknown = [role for role in files if role not in SEASON_FILES]
    if unknown:
        raise InputError([Problem(role, "found an unexpected file field") for role in unknown])
    given = {role: (display_name(name, SEASON_FILES[role]), content) for role, (name, content) in files.items()
             if content}
    names = {role: name for role, (name, _) in given.items()}
    content = read_season(system, {role: data for role, (_, data) in given.items()}, scenarios.nocs, names)
    uploads = [UploadedFile(role, name, data) for role, (name, data) in sorted(given.items())]
    label_text = clean_label(label) or f"{names['results']} ({system.id})"
    record, created = scenarios.store.add_season(system.id, label_text, uploads, synthetic=content.synthetic,
                                                 races=content.races, result_rows=content.result_rows)
    scenarios.stored()
    return UploadResult(record, created)
