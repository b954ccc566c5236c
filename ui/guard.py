"""What stands in front of every route of the server: the password, the size of a request body, the
refusal of new requests while the server shuts down, and the counters `/api/stats` reports.

One ASGI middleware (Guard) wraps the whole application, the Gradio UI mounted in it included, so no
route can be registered past it.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PUBLIC = frozenset({"/healthz"})  # answers without a password: a load balancer's health check
LOGIN = "/login"  # takes the password itself (gradio_client's auth=(user, password) posts here)
LIMITED = ("/api/", "/v1/")  # JSON routes whose bodies are capped; Gradio caps its own uploads
MAX_BODY_BYTES = 1 << 20
DRAIN_BYTES = 64 << 20  # an oversized body up to this size is read and dropped, so the client gets its 413
# Long-lived streams that shutdown does not wait for (uvicorn closes them after a short grace period).
STREAMS = ("/gradio_api/queue/data", "/gradio_api/heartbeat/", "/gradio_api/stream/")
SESSION_COOKIE = "planqa-session"
# After SIGTERM the listener closes at once, but requests already sent on open connections may not
# have been read yet (the loop is busy under load): for this long they are still answered.
STOP_GRACE_S = 1.0
REALM = 'Basic realm="planqa", charset="UTF-8"'


class Credentials:
    """The one user and password of PLANQA_UI_AUTH, and the sessions opened by logging in."""

    def __init__(self, user: str, password: str) -> None:
        self._user, self._password = user, password
        self._sessions: set[str] = set()
        self._lock = threading.Lock()

    def check(self, user: str, password: str) -> bool:
        ok_user = secrets.compare_digest(user.encode(), self._user.encode())
        ok_password = secrets.compare_digest(password.encode(), self._password.encode())
        return ok_user and ok_password

    def login(self, user: str, password: str) -> str | None:
        """A new session token for the right user and password, else None."""
        if not self.check(user, password):
            return None
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._sessions.add(token)
        return token

    def user_of(self, headers: Headers) -> str | None:
        """The user a request is authenticated as (HTTP basic auth or a session cookie), or None."""
        scheme, _, value = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic":
            try:
                user, sep, password = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return None
            return user if sep and self.check(user, password) else None
        token = _cookie(headers.get("cookie", ""), SESSION_COOKIE)
        if token:
            with self._lock:
                if token in self._sessions:
                    return self._user
        return None


def _cookie(header: str, name: str) -> str:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""


@dataclass
class ServerStats:
    """Counters of one server process, read by `/api/stats` and the load and fault benchmarks."""

    requests: int = 0
    refused: int = 0  # answered 503 because the server was shutting down
    in_flight: int = 0
    verifier_drops: int = 0  # quotes or leads the citation check removed (assistant/verify.py)
    stopping_since: float | None = None  # time.monotonic() of the SIGTERM
    last_request: float = 0.0  # time.monotonic() when the last request came in
    _idle: threading.Condition = field(default_factory=threading.Condition, repr=False)

    @property
    def draining(self) -> bool:
        return self.stopping_since is not None

    def stop(self) -> None:
        """Shutdown begins: /healthz says so at once; requests are refused after STOP_GRACE_S."""
        self.stopping_since = time.monotonic()

    def refusing(self) -> bool:
        """True once requests are refused: the grace after the signal lets those already sent finish."""
        return self.stopping_since is not None and time.monotonic() - self.stopping_since > STOP_GRACE_S

    def started(self, counted: bool = True) -> None:
        with self._idle:
            self.last_request = time.monotonic()
            if counted:
                self.requests += 1
                self.in_flight += 1

    def finished(self) -> None:
        with self._idle:
            self.in_flight -= 1
            if self.in_flight == 0:
                self._idle.notify_all()

    def wait_drained(self, quiet_s: float, timeout_s: float) -> bool:
        """Block until no request is in flight and none came in for ``quiet_s`` (True), or ``timeout_s`` passed (False)."""
        deadline = time.monotonic() + timeout_s
        with self._idle:
            while True:
                now = time.monotonic()
                if self.in_flight == 0 and now - self.last_request >= quiet_s:
                    return True
                if now >= deadline:
                    return False
                self._idle.wait(timeout=min(quiet_s, deadline - now))

    def to_json(self) -> dict[str, Any]:
        return {"requests": self.requests, "in_flight": self.in_flight, "refused": self.refused, "verifier_drops": self.verifier_drops}


class VerifierDrops(logging.Handler):
    """Counts the citation check's drops from its log lines ('dropped a quote not found in its cited clause: …')."""

    def __init__(self, stats: ServerStats) -> None:
        super().__init__(level=logging.WARNING)
        self.stats = stats

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith("dropped a "):
            with self.stats._idle:
                self.stats.verifier_drops += 1


class BodyTooLarge(HTTPException):
    """A request body went past MAX_BODY_BYTES while it was being read (FastAPI answers it as a 413)."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail=f"request body over {MAX_BODY_BYTES} bytes")


class Guard:
    """ASGI middleware: password on every route but /healthz (and /login), body cap on the JSON routes,
    503 for new requests while shutting down, and the in-flight count that shutdown waits on."""

    def __init__(self, app: ASGIApp, stats: ServerStats, credentials: Credentials | None = None) -> None:
        self.app = app
        self.stats = stats
        self.credentials = credentials

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        headers = Headers(scope=scope)
        if self.stats.refusing():
            self.stats.started(counted=False)
            self.stats.refused += 1
            await _reply(send, 503, "planqa is shutting down; send the request again", {"connection": "close", "retry-after": "1"})
            return
        if self.credentials is not None and path not in PUBLIC and path != LOGIN and self.credentials.user_of(headers) is None:
            await _reply(send, 401, "this planqa server needs a user and password (HTTP basic auth)", {"www-authenticate": REALM})
            return
        if path.startswith(LIMITED):
            length = headers.get("content-length", "")
            if length.isdigit() and int(length) > MAX_BODY_BYTES:
                # A client still sending when the connection closes sees a reset, not the 413: read first.
                drained = int(length) <= DRAIN_BYTES and await _drain(receive)
                await _reply(send, 413, f"request body over {MAX_BODY_BYTES} bytes", {} if drained else {"connection": "close"})
                return
            receive = _capped(receive)
        streaming = path.startswith(STREAMS)
        if not streaming:
            self.stats.started()
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except BodyTooLarge:
            if not started:
                await _reply(send, 413, f"request body over {MAX_BODY_BYTES} bytes", {"connection": "close"})
        finally:
            if not streaming:
                self.stats.finished()


async def _drain(receive: Receive) -> bool:
    """Read a request body to its end without keeping it; False if the client went away."""
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return False
        if not message.get("more_body", False):
            return True


def _capped(receive: Receive) -> Receive:
    read = 0

    async def capped() -> Message:
        nonlocal read
        message = await receive()
        if message["type"] == "http.request":
            read += len(message.get("body", b""))
            if read > MAX_BODY_BYTES:
                raise BodyTooLarge
        return message

    return capped


async def _reply(send: Send, status: int, detail: str, headers: dict[str, str]) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode("utf-8")
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
