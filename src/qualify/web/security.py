"""Write protection and limits: the token, a same-origin check for form posts, the upload size limit and
response headers that keep the pages self-contained (no third-party scripts, styles or frames).
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                 b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def token_matches(expected: str | None, given: str | None) -> bool:
    """No token configured: writes are open (loopback only). Otherwise compare in constant time."""
    if expected is None:
        return True
    return given is not None and secrets.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


def bearer(header: str | None) -> str | None:
    if header and header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


class TooLarge(Exception):
    pass


class LimitsMiddleware:
    """Rejects request bodies over ``max_body`` bytes (413) before they are parsed, rejects cross-site posts
    (403: an Origin header naming another site), and adds the security headers to every response.
    """

    def __init__(self, app: ASGIApp, *, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                present = {k.lower() for k, _ in message["headers"]}
                message["headers"] = list(message["headers"]) + [h for h in SECURITY_HEADERS if h[0] not in present]
            await send(message)

        if scope["method"] in UNSAFE_METHODS:
            origin = headers.get("origin")
            if origin and origin != "null" and urlsplit(origin).netloc != headers.get("host", ""):
                await _plain(send_with_headers, 403, "cross-site request refused: the form must be posted from "
                                                     "this site")
                return
            if origin == "null":
                await _plain(send_with_headers, 403, "request with an opaque origin refused")
                return
            declared = headers.get("content-length")
            if declared is not None and declared.isdigit() and int(declared) > self.max_body:
                await _plain(send_with_headers, 413, f"upload too large: {int(declared)} bytes, the limit is "
                                                     f"{self.max_body} bytes")
                return
        received = 0
        state = {"started": False, "too_large": False, "replaced": False}
        limit_text = f"upload too large: more than {self.max_body} bytes"

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    state["too_large"] = True
                    raise TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            # A body cut short by the limit may surface in the app as a parse error: answer 413 instead.
            if state["too_large"]:
                if message["type"] == "http.response.start" and not state["replaced"]:
                    state["replaced"] = state["started"] = True
                    await _plain(send_with_headers, 413, limit_text)
                return
            if message["type"] == "http.response.start":
                state["started"] = True
            await send_with_headers(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except TooLarge:
            if not state["started"]:
                await _plain(send_with_headers, 413, limit_text)


async def _plain(send: Send, status: int, text: str) -> None:
    body = (text + "\n").encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode("ascii"))]})
    await send({"type": "http.response.body", "body": body})
