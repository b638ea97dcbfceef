"""Links that carry a scenario (a stored season, the race it stands at, and declines) from page to page."""

from __future__ import annotations

from urllib.parse import urlencode


def query_string(season: int | None = None, declines: tuple[str, ...] | list[str] = (), as_of: str | None = None,
                 **extra: object) -> str:
    pairs: list[tuple[str, object]] = []
    if season is not None:
        pairs.append(("season", season))
        if as_of is not None:  # a race only means something within a season
            pairs.append(("as_of", as_of))
    pairs += [("decline", d) for d in declines]
    pairs += [(k, v) for k, v in extra.items() if v is not None]
    return ("?" + urlencode(pairs)) if pairs else ""
