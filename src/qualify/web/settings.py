"""How the app runs: where the store is, who may write, how large an upload may be."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass

TOKEN_ENV = "QUALIFY_TOKEN"
DEFAULT_MAX_UPLOAD = 10 * 1024 * 1024  # bytes per request: a full season is well under 1 MB


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class WebSettings:
    store_url: str | None = None  # None: SQLite in the user's data directory
    # Writes (uploads) need this token when it is set. It must be set whenever the app binds to anything
    # but a loopback address (`qualify serve` makes one up and prints it when QUALIFY_TOKEN is unset).
    token: str | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD

    @classmethod
    def for_host(cls, host: str, *, store_url: str | None = None, token: str | None = None,
                 max_upload_bytes: int = DEFAULT_MAX_UPLOAD) -> WebSettings:
        token = token or os.environ.get(TOKEN_ENV) or None
        if token is None and not is_loopback(host):
            raise ValueError(f"binding to {host} needs a write token: set {TOKEN_ENV}")
        return cls(store_url=store_url, token=token, max_upload_bytes=max_upload_bytes)
