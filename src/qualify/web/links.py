"""Links that carry a scenario (a stored season and declines) from page to page."""

from __future__ import annotations

from urllib.parse import urlencode


def query_string(season: int | None = None, declines: tuple[str, ...] | list[str] = (), **extra: object) -> str:
    pairs: list[tuple[str, object]] = []
    if season is not None:
        pairs.append(("season", season))
    pairs += [("decline", d) for d in declines]
    pairs += [(k, v) for k, v in extra.items() if v is not None]
    return ("?" + urlencode(pairs)) if pairs else ""
