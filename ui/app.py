"""The server `planqa serve` runs: one FastAPI application with the HTTP API registered first and the
Gradio chat UI mounted into it, served by uvicorn once everything is registered.

Importing this module is cheap; Gradio is imported only when the server is built, while the index
loads in a second thread. A SIGTERM lets the requests in flight finish, answers new ones 503 and
exits 0; the index is reloaded without a restart when another process publishes a new one.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import threading
from types import FrameType
from typing import TYPE_CHECKING

from assistant.settings import Settings
from index.errors import SettingsError
from index.fetch import MAX_BYTES
from ui import texts
from ui.guard import ServerStats

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

    from assistant.service import LiveAssistant

CONCURRENCY_LIMIT = 4
WARM_UP_QUESTION = texts.EXAMPLE_QUESTIONS_OFFICIALS[0]
DRAIN_TIMEOUT_S = 30.0  # longest a SIGTERM waits for the requests in flight
DRAIN_QUIET_S = 0.5  # and for this long without a request on the connections still open
STREAM_GRACE_S = 5  # then the UI's open event streams are closed


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """PLANQA_UI_AUTH 'user:password' as a (user, password) pair; None when unset."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise SettingsError("PLANQA_UI_AUTH must be 'user:password', both parts non-empty")
    return user, password


class _AssistantLoader(threading.Thread):
    """Opens (or builds) the index and answers one question to warm the caches, in the background."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(name="planqa-load", daemon=True)
        self.settings = settings
        self.live: LiveAssistant | None = None
        self.error: Exception | None = None

    def run(self) -> None:
        try:
            from assistant.service import LiveAssistant

            live = LiveAssistant.open(self.settings, build_if_missing=True)
            live.current().ask(WARM_UP_QUESTION)  # loads the tokenizer's dictionary and the embedder now, not for the first user
            import matplotlib

            matplotlib.get_backend()  # Gradio resolves the backend on the first event (~0.5 s here); do it now
            self.live = live
        except Exception as exc:  # noqa: BLE001  handed to the main thread, which re-raises it in result()
            self.error = exc

    def result(self) -> LiveAssistant:
        self.join()
        if self.error is not None:
            raise self.error
        assert self.live is not None
        return self.live


def build_server(settings: Settings, live: LiveAssistant, stats: ServerStats | None = None) -> FastAPI:
    """The whole application: API routes first, then the chat UI mounted at '/' (so it never shadows them)."""
    import gradio as gr

    from ui.api import create_api
    from ui.layout import EXPORTS, build_app
    from ui.theme import CSS, make_theme

    auth = parse_auth(settings.ui_auth)
    app = create_api(live, auth, stats)
    blocks = build_app(live, settings)
    blocks.queue(default_concurrency_limit=CONCURRENCY_LIMIT)
    credentials = app.state.credentials
    gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        # The guard (ui/guard.py) already asked for the password; Gradio only learns who is logged in.
        auth_dependency=(lambda request: credentials.user_of(request.headers)) if credentials else None,
        show_error=False,  # tracebacks stay in the server log
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        enable_monitoring=False,
        footer_links=["api"],
        allowed_paths=[str(settings.data_dir / EXPORTS)],
        max_file_size=MAX_BYTES,  # an oversized upload is refused as it arrives, not after (ui/files.py says why)
        theme=make_theme(),
        css=CSS,
    )
    app.state.required_paths.add("/")
    return app


class _Server:
    """uvicorn's server with planqa's shutdown: SIGTERM drains (new requests 503, requests in flight
    finish), then the server stops and the process exits 0."""

    def __init__(self, app: FastAPI, stats: ServerStats, sock: socket.socket, url: str) -> None:
        import uvicorn

        self.stats, self.sock, self.url, self.app = stats, sock, url, app
        config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=STREAM_GRACE_S)
        owner = self

        class Server(uvicorn.Server):
            def handle_exit(self, sig: int, frame: FrameType | None) -> None:
                if sig == signal.SIGTERM and not owner.stats.draining and owner.loop is not None:
                    owner.stats.stop()  # not passed on: uvicorn would re-raise it after shutting down
                    owner.loop.call_soon_threadsafe(owner.stop_listening)
                    threading.Thread(target=owner.drain, name="planqa-drain", daemon=True).start()
                    return
                super().handle_exit(sig, frame)

            async def startup(self, sockets: list[socket.socket] | None = None) -> None:
                owner.loop = asyncio.get_running_loop()
                await super().startup(sockets)
                if self.started:
                    print(f"planqa: chat UI at {owner.url}", flush=True)

        self.loop: asyncio.AbstractEventLoop | None = None
        self.server: uvicorn.Server = Server(config)

    def stop_listening(self) -> None:
        """New connections are refused from now on; open ones still get their answer (or a 503)."""
        for listener in self.server.servers:
            listener.close()

    def drain(self) -> None:
        """Wait for the requests in flight, and for the open connections to have been told to close
        (each request meanwhile gets a 503 with Connection: close), then stop."""
        if not self.stats.wait_drained(DRAIN_QUIET_S, DRAIN_TIMEOUT_S):
            logging.getLogger(__name__).warning("stopping with %d request(s) still in flight after %.0f s", self.stats.in_flight, DRAIN_TIMEOUT_S)
        gradio = next((getattr(r, "app", None) for r in self.app.routes if hasattr(getattr(r, "app", None), "stop_event")), None)
        if gradio is not None:
            gradio.stop_event.set()  # ends the UI's heartbeat streams, as Gradio's own close() does
        self.server.should_exit = True

    def run(self) -> None:
        self.server.run(sockets=[self.sock])


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything is served: a port in use is a one-line error."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise SettingsError(f"cannot serve on {host}:{port} ({exc.strerror or exc}); choose another with --port or PLANQA_UI_PORT") from exc
    sock.set_inheritable(True)
    return sock


def _exit_quietly(sig: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def serve(settings: Settings, host: str, port: int) -> None:
    """Serve the chat UI and the API until SIGTERM or Ctrl-C (the `planqa serve` command); builds the index if missing."""
    parse_auth(settings.ui_auth)  # a bad value is an error before anything loads
    signal.signal(signal.SIGTERM, _exit_quietly)  # before uvicorn runs (and after, should it pass one on)
    sock = bind(host, port)
    print("planqa: opening the index (building it first if there is none)…", flush=True)
    loader = _AssistantLoader(settings)
    loader.start()
    import gradio  # noqa: F401  imported while the index loads

    live = loader.result()
    logging.getLogger("assistant.service").setLevel(logging.INFO)  # "now answering from index …" in the server log
    stats = ServerStats()
    app = build_server(settings, live, stats)
    live.watch()
    shown = f"[{host}]" if ":" in host else host
    try:
        _Server(app, stats, sock, f"http://{shown}:{port}/").run()
    finally:
        live.stop()
        sock.close()

