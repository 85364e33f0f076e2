"""Who may write, CSRF, body-size limits and headers: the web's defences in one place.

Reading is public.  Writing needs the configured token, sent as ``Authorization: Bearer TOKEN`` (scripts)
or given once on the login page (people), which marks the signed session cookie.  A cookie-authenticated
write must also carry the session's CSRF token (a form field or the ``X-CSRF-Token`` header), so another
site cannot make a logged-in browser post.  With no token configured the server is read-only.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .uploads import UploadRefused

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class WriteRefused(Exception):
    """A write without credentials (401), or on a read-only server (403)."""

    def __init__(self, key: str, status: int):
        super().__init__(key)
        self.key = key
        self.status = status


def session_secret(token: str | None) -> str:
    """Sessions signed with a key derived from the token: they survive a restart and die when it changes."""
    if not token:
        return secrets.token_urlsafe(32)
    return hmac.new(token.encode(), b"nianbao-web-session", "sha256").hexdigest()


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    session: dict[str, Any] = request.session
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return str(session["csrf"])


def bearer_ok(request: Request, token: str | None) -> bool:
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def check_csrf(request: Request, given: str | None) -> None:
    expected = request.session.get("csrf")
    if not expected or not given or not hmac.compare_digest(str(expected).encode(), given.encode()):
        raise WriteRefused("csrf", 403)


def require_write(request: Request, token: str | None, form_csrf: str | None = None) -> None:
    """Raise :class:`WriteRefused` unless the request may write (token, or a login session plus CSRF)."""
    if not token:
        raise WriteRefused("read_only_refused", 403)
    if bearer_ok(request, token):
        return
    if request.session.get("auth"):
        check_csrf(request, form_csrf or request.headers.get("x-csrf-token"))
        return
    raise WriteRefused("forbidden", 401)


class Guard:
    """ASGI middleware: security headers on every response, and a hard cap on the request body.

    The cap is checked against Content-Length before anything is read, and counted while reading for
    chunked bodies, so an oversized upload is refused without being buffered."""

    def __init__(self, app: ASGIApp, max_body: int):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in HEADERS if h[0] not in names)]
            await send(message)

        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            scope.setdefault("state", {})["too_large"] = True
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise UploadRefused(f"请求体超过上限 {self.max_body} 字节。", expected="a smaller upload")
            return message

        await self.app(scope, counted, send_with_headers)


class LoginThrottle:
    """Failed logins counted per client address: after ``tries`` failures within ``window`` seconds, the
    address must wait until the oldest of them is that old.  The token is long, but a form that answers
    every guess at once invites guessing; the counts live in memory, as long as the server."""

    def __init__(self, tries: int = 5, window: float = 300.0) -> None:
        self.tries, self.window = tries, window
        self._failed: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def wait(self, who: str, now: float | None = None) -> float:
        """Seconds ``who`` must still wait before another try (0: may try now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if who not in self._failed:  # no failure kept: no entry made either
                return 0.0
            recent = self._failed[who] = [t for t in self._failed[who] if now - t < self.window]
            return self.window - (now - recent[0]) if len(recent) >= self.tries else 0.0

    def failed(self, who: str, now: float | None = None) -> None:
        with self._lock:
            now = time.monotonic() if now is None else now
            if len(self._failed) > 10_000:  # many addresses: forget those with no recent failure
                self._failed = {k: v for k, v in self._failed.items() if v and now - v[-1] < self.window}
            self._failed.setdefault(who, []).append(now)

    def succeeded(self, who: str) -> None:
        with self._lock:
            self._failed.pop(who, None)
