"""Starting the chat UI: open the index and import Gradio side by side, then launch. `planqa serve` calls serve().

Importing this module is cheap; Gradio is imported only when the server starts, while the index
loads in a second thread, so that the page is up sooner.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from assistant.settings import Settings
from index.errors import SettingsError
from ui import texts

if TYPE_CHECKING:
    import gradio as gr

    from assistant.service import Assistant

CONCURRENCY_LIMIT = 4
WARM_UP_QUESTION = texts.EXAMPLE_QUESTIONS_OFFICIALS[0]


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """PLANQA_UI_AUTH 'user:password' as Gradio's auth pair; None when unset."""
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
        self.assistant: Assistant | None = None
        self.error: Exception | None = None

    def run(self) -> None:
        try:
            from assistant.service import Assistant

            assistant = Assistant.from_settings(self.settings, build_if_missing=True)
            assistant.ask(WARM_UP_QUESTION)  # loads the tokenizer's dictionary and the embedder now, not for the first user
            import matplotlib

            matplotlib.get_backend()  # Gradio resolves the backend on the first event (~0.5 s here); do it now
            self.assistant = assistant
        except Exception as exc:  # noqa: BLE001  handed to the main thread, which re-raises it in result()
            self.error = exc

    def result(self) -> Assistant:
        self.join()
        if self.error is not None:
            raise self.error
        assert self.assistant is not None
        return self.assistant


def launch(settings: Settings, host: str, port: int) -> tuple[gr.Blocks, str]:
    """Open (or build) the index, start the server without blocking, and return the app and its local URL."""
    auth = parse_auth(settings.ui_auth)
    loader = _AssistantLoader(settings)
    loader.start()
    from ui.layout import EXPORTS, build_app
    from ui.theme import CSS, make_theme

    assistant = loader.result()
    app = build_app(assistant, settings)
    app.queue(default_concurrency_limit=CONCURRENCY_LIMIT)
    try:
        _, local_url, _ = app.launch(
            server_name=host,
            server_port=port,
            auth=auth,
            show_error=False,  # tracebacks stay in the server log
            quiet=True,
            prevent_thread_lock=True,
            ssr_mode=False,
            pwa=False,
            mcp_server=False,
            enable_monitoring=False,
            footer_links=["api"],
            allowed_paths=[str(settings.data_dir / EXPORTS)],
            theme=make_theme(),
            css=CSS,
        )
    except OSError as exc:
        raise SettingsError(f"cannot serve on {host}:{port} ({exc}); choose another with --port or PLANQA_UI_PORT") from exc
    from ui.api import create_api

    # The HTTP API (/api/ask, /api/departments/…, /healthz, /v1/chat/completions) shares the server.
    app.app.include_router(create_api(assistant, auth).router)
    return app, local_url


def serve(settings: Settings, host: str, port: int) -> None:
    """Serve the chat UI until interrupted (the `planqa serve` command); builds the index if missing."""
    print("planqa: opening the index (building it first if there is none)…", flush=True)
    app, local_url = launch(settings, host, port)
    print(f"planqa: chat UI at {local_url}", flush=True)
    app.block_thread()
