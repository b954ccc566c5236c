"""TEST DOUBLE for an external model server: a tiny OpenAI-compatible HTTP server on a loopback
port that answers /v1/chat/completions (plain or streamed as server-sent events) with scripted
replies, and /v1/embeddings with deterministic hash vectors. It never runs a model."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np

EMBEDDING_DIM = 16


@dataclass
class Script:
    """What the next chat completions return: text (streamed in ``chunks`` when given), a status, a delay."""

    content: str = ""
    status: int = 200
    delay: float = 0.0
    chunks: list[str] | None = None


@dataclass
class Request:
    path: str
    body: dict[str, Any]
    authorization: str


@dataclass
class FakeLLMServer:
    """Start with ``start()``; set the reply with ``reply(...)``; read what arrived in ``requests``."""

    script: Script = field(default_factory=Script)
    requests: list[Request] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def reply(self, content: str = "", *, status: int = 200, delay: float = 0.0, chunks: list[str] | None = None) -> None:
        self.script = Script(content, status, delay, chunks)

    def chat_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def start(self) -> FakeLLMServer:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        server.daemon_threads = True  # a handler still sleeping for the timeout case never blocks shutdown
        self._server = server
        threading.Thread(target=server.serve_forever, name="fake-llm-server", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def hash_vector(text: str) -> list[float]:
    """A deterministic unit-free vector for a text (the double's stand-in for an embedding model)."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return [b / 255.0 + 0.01 for b in digest[:EMBEDDING_DIM]]


def _completion(model: str, content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> bytes:
    body = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n".encode()


def _handler(fake: FakeLLMServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            fake.requests.append(Request(self.path, body, self.headers.get("Authorization", "")))
            try:
                if self.path.endswith("/embeddings"):
                    self._embeddings(body)
                elif self.path.endswith("/chat/completions"):
                    self._chat(body, fake.script)
                else:
                    self._json(404, {"error": {"message": f"no route {self.path}"}})
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (the timeout case)

        def _embeddings(self, body: dict[str, Any]) -> None:
            texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
            rows = []
            for i, text in enumerate(texts):
                vector = hash_vector(str(text))
                if body.get("encoding_format") == "base64":
                    rows.append(
                        {
                            "object": "embedding",
                            "index": i,
                            "embedding": base64.b64encode(np.asarray(vector, dtype=np.float32).tobytes()).decode(),
                        }
                    )
                else:
                    rows.append({"object": "embedding", "index": i, "embedding": vector})
            self._json(
                200, {"object": "list", "data": rows, "model": body.get("model", ""), "usage": {"prompt_tokens": 1, "total_tokens": 1}}
            )

        def _chat(self, body: dict[str, Any], script: Script) -> None:
            if script.delay:
                time.sleep(script.delay)
            if script.status != 200:
                self._json(script.status, {"error": {"message": "scripted failure", "type": "server_error"}})
                return
            model = body.get("model", "")
            if not body.get("stream"):
                self._json(200, _completion(model, script.content))
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            self.wfile.write(_chunk(model, {"role": "assistant", "content": ""}))
            for piece in script.chunks if script.chunks is not None else [script.content]:
                self.wfile.write(_chunk(model, {"content": piece}))
                self.wfile.flush()
            self.wfile.write(_chunk(model, {}, "stop"))
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

    return Handler
