"""The HTTP API: /api/ask, /api/departments/{name}, /api/ledger, /api/stats, /healthz, an
OpenAI-compatible /v1/chat/completions whose replies carry the citations, and the OpenAPI schema and
docs. create_api() builds the FastAPI application the server is; ui/app.py mounts the chat UI into it.

Every request is answered by the assistant ``live.current()`` returns at its start, so an index
published meanwhile (`planqa index`, `planqa corpus add`) answers the next request, never half of
this one; the answer's index is in the `X-Planqa-Index` header.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from fastapi import FastAPI, Form, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from index.errors import PlanqaError, StoreUnavailableError
from ui.guard import LOGIN, SESSION_COOKIE, Credentials, Guard, ServerStats, VerifierDrops

if TYPE_CHECKING:
    from assistant.records import Answer
    from assistant.service import Assistant, LiveAssistant

log = logging.getLogger(__name__)

MODEL_ID = "planqa"
MAX_QUESTION_BYTES = 100_000
INDEX_HEADER = "X-Planqa-Index"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # C0 controls but tab and line breaks, and DEL
ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
API_ROUTES = ("/api/ask", "/api/departments/{name}", "/api/ledger", "/api/stats", "/v1/models", "/v1/chat/completions", "/healthz")


def _no_controls(value: str | None) -> str | None:
    if value is not None and (bad := CONTROL.search(value)):
        raise ValueError(f"contains a control character (U+{ord(bad.group()):04X})")
    return value


class AskRequest(BaseModel):
    question: str = Field(..., max_length=MAX_QUESTION_BYTES, description="The question; longer than 500 characters is cut, with a notice.")
    k: int | None = Field(None, ge=1, le=50, description="Clauses to retrieve.")
    docs: list[str] | None = Field(None, max_length=20, description="Answer only from these documents (文号).")
    history: list[Any] | None = Field(
        None, max_length=100, description="The conversation so far: earlier user questions (strings) or OpenAI-style {role, content} messages, oldest first."
    )

    _question = field_validator("question")(_no_controls)


class Citation(BaseModel):
    doc: str
    clause: int | None
    path: str
    title: str
    quotes: list[dict[str, Any]] = []


class AskResponse(BaseModel):
    question: str
    answer: str
    citations: list[Citation]
    refused: bool
    latency_ms: float
    mode: str
    lead: str = ""
    understood: dict[str, Any] = {}
    model_config = ConfigDict(extra="allow")  # `standalone`, for a follow-up resolved from its history


class Message(BaseModel):
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(BaseModel):
    model: str = MODEL_ID
    messages: list[Message] = Field(..., min_length=1)
    stream: bool = False


def _text_of(message: Message) -> str:
    if isinstance(message.content, list):
        return "".join(str(part.get("text", "")) for part in message.content if isinstance(part, dict))
    return message.content or ""


def _cited_text(answer: Answer) -> str:
    """The answer followed by its sources, for chat front ends that only show text."""
    if not answer.citations:
        return answer.text
    sources = "\n".join(f"[{i}] {c.doc} {c.path} {c.title}" for i, c in enumerate(answer.citations, 1))
    return f"{answer.text}\n\n来源：\n{sources}"


def create_api(live: LiveAssistant, auth: tuple[str, str] | None = None, stats: ServerStats | None = None) -> FastAPI:
    """The server's application with every API route registered; with ``auth``, every route but
    /healthz needs the password (HTTP basic auth, or the session POST /login opens), docs included."""
    stats = stats or ServerStats()
    credentials = Credentials(*auth) if auth else None
    app = FastAPI(
        title="planqa API",
        version="1",
        description="Answers about Chinese policy plans, with clause citations.",
        openapi_url=None,  # served below, behind the same guard as everything else
        docs_url=None,
        redoc_url=None,
    )
    app.state.stats = stats
    app.state.credentials = credentials  # the mounted UI asks the same sessions who is logged in
    app.state.required_paths = set(API_ROUTES)
    app.add_middleware(Guard, stats=stats, credentials=credentials)
    _errors(app)
    verify_log = logging.getLogger("assistant.verify")
    for handler in [h for h in verify_log.handlers if isinstance(h, VerifierDrops)]:
        verify_log.removeHandler(handler)  # one server per process: count for the newest
    verify_log.addHandler(VerifierDrops(stats))

    def current() -> Assistant:
        return live.current()  # a StoreUnavailableError becomes a 503 with its message (_errors)

    def ask(
        assistant: Assistant, question: str, k: int | None = None, docs: list[str] | None = None, history: list[Any] | None = None
    ) -> Answer:
        from assistant.conversation import HistoryError

        if not question or not question.strip():
            raise HTTPException(status_code=400, detail="question is empty")
        if docs:
            _check_docs(assistant, docs)
        try:
            return assistant.ask(question, k=k, docs=tuple(docs) if docs else None, history=history or None)
        except HistoryError as exc:
            raise HTTPException(status_code=422, detail=f"history: {exc}") from exc

    @app.get("/healthz", response_model=None)
    def healthz(request: Request) -> Any:
        """`ok` when the index is open and every route is registered; 503 with the reason otherwise."""
        if stats.draining:
            return JSONResponse({"status": "stopping", "detail": "planqa is shutting down"}, status_code=503)
        try:
            assistant = live.current()
        except StoreUnavailableError as exc:
            return JSONResponse({"status": "unavailable", "detail": str(exc)}, status_code=503)
        missing = sorted(request.app.state.required_paths - _registered(request.app))
        if missing:
            return JSONResponse({"status": "starting", "detail": f"routes not registered yet: {', '.join(missing)}"}, status_code=503)
        knowledge = assistant.knowledge
        return {
            "status": "ok",
            "index": knowledge.info.build_id,
            "collection": knowledge.info.collection,
            "documents": list(knowledge.indexed_docs),
            "parts": len(knowledge.parts),
            "store": "ok" if live.problem is None else f"unavailable: {live.problem} (answering from the loaded index)",
        }

    @app.post("/api/ask", response_model=AskResponse)
    def api_ask(request: AskRequest, response: Response) -> dict[str, Any]:
        assistant = current()
        response.headers[INDEX_HEADER] = assistant.knowledge.info.collection
        return ask(assistant, request.question, request.k, request.docs, request.history).to_json()

    @app.get("/api/departments/{name}")
    def department(name: str) -> dict[str, Any]:
        knowledge = current().knowledge
        found = knowledge.units.find_in(name)
        unit = name if any(name in p.unit_names for p in knowledge.parts) else (found[0] if found else None)
        if unit is None:
            raise HTTPException(status_code=404, detail=f"no department called {name!r}; try its full name or a common abbreviation")
        parts = knowledge.parts_naming(unit)
        return {
            "unit": unit,
            "clauses": [{"doc": p.doc, "clause": p.number, "path": p.path, "title": p.title, "units": list(p.unit_names)} for p in parts],
        }

    @app.get("/api/ledger")
    def ledger(unit: str | None = None, doc: str | None = None) -> list[dict[str, Any]]:
        """The task ledger (任务台账) rows for a unit and/or a document, as `planqa ledger` prints them."""
        from assistant.ledger import rows_for

        try:
            _, rows = rows_for(current().knowledge, unit or None, doc or None)
        except StoreUnavailableError:
            raise
        except PlanqaError as exc:
            raise HTTPException(status_code=404, detail=str(exc)) from exc
        return [r.to_json() for r in rows]

    @app.get("/api/stats")
    def server_stats() -> dict[str, Any]:
        """This process's counters: requests, in flight, refused while stopping, citation-check drops, reloads."""
        return {**stats.to_json(), "reloads": live.reloads}

    @app.get("/v1/models")
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "owned_by": "planqa"}]}

    @app.post("/v1/chat/completions", response_model=None)
    def chat(request: ChatRequest) -> Any:
        last = max((i for i, m in enumerate(request.messages) if m.role == "user"), default=None)
        if last is None:
            raise HTTPException(status_code=400, detail="messages has no user message")
        # Every earlier message is the conversation: a follow-up is resolved against it (text in it is data).
        history = [{"role": m.role, "content": _text_of(m)} for m in request.messages[:last] if m.role in ("user", "assistant")]
        assistant = current()
        answer = ask(assistant, _text_of(request.messages[last]), history=history)
        payload = answer.to_json()
        completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        created = int(time.time())
        headers = {INDEX_HEADER: assistant.knowledge.info.collection}
        if request.stream:
            return StreamingResponse(_stream(completion_id, created, answer, payload), media_type="text/event-stream", headers=headers)
        body = {
            "id": completion_id,
            "object": "chat.completion",
            "created": created,
            "model": MODEL_ID,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": _cited_text(answer)}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            "citations": payload["citations"],
            "planqa": payload,
        }
        return JSONResponse(body, headers=headers)

    @app.get("/openapi.json", include_in_schema=False)
    def openapi() -> dict[str, Any]:
        return app.openapi()

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="planqa API")

    @app.api_route("/api/{rest:path}", methods=ANY_METHOD, include_in_schema=False)
    @app.api_route("/v1/{rest:path}", methods=ANY_METHOD, include_in_schema=False)
    def no_such_route(request: Request) -> JSONResponse:
        """An API path no route takes: a message, never the chat UI's page-not-found (it is mounted below)."""
        path, method = request.url.path, request.method
        allowed = sorted({m for r in app.routes if getattr(r, "path", None) == path for m in getattr(r, "methods", ())} - {"HEAD"})
        if allowed:
            return JSONResponse({"detail": f"{path} takes {' or '.join(allowed)}, not {method}"}, status_code=405, headers={"Allow": ", ".join(allowed)})
        return JSONResponse({"detail": f"no API route {path}; the routes are listed at /docs"}, status_code=404)

    if credentials is not None:

        @app.post(LOGIN, include_in_schema=False)
        def login(username: str = Form(""), password: str = Form("")) -> JSONResponse:
            """Opens a session (a cookie) for the right user and password; gradio_client's auth= posts here."""
            token = credentials.login(username.strip(), password)
            if token is None:
                raise HTTPException(status_code=401, detail="wrong user or password", headers={"WWW-Authenticate": "Basic"})
            response = JSONResponse({"success": True})
            response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax")
            return response

    return app


def _check_docs(assistant: Assistant, docs: list[str]) -> None:
    """A 422 naming any document the corpus does not list (a listed but missing one is answered as such)."""
    knowledge = assistant.knowledge
    known = set(knowledge.documents) | set(knowledge.indexed_docs)
    unknown = [d for d in docs if d not in known]
    if unknown:
        raise HTTPException(status_code=422, detail=f"docs: unknown document {unknown[0][:60]!r}; the corpus lists {', '.join(sorted(known))}")


def _registered(app: FastAPI) -> set[str]:
    """The paths the application routes (the mounted UI as '/')."""
    return {getattr(route, "path", "") or "/" for route in app.routes}


def _errors(app: FastAPI) -> None:
    """Every failure is a JSON reply with a message: never a traceback, never an echo of a huge input."""

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()[:10]]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(StoreUnavailableError)
    async def unavailable(_: Request, exc: StoreUnavailableError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "2"})

    @app.exception_handler(PlanqaError)
    async def planqa_error(_: Request, exc: PlanqaError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=500)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return JSONResponse({"detail": "internal error; the details are in the server log"}, status_code=500)


def _stream(completion_id: str, created: int, answer: Answer, payload: dict[str, Any]) -> Iterator[str]:
    """Server-sent events in OpenAI's chunk format; the last chunk carries the citations."""
    text = _cited_text(answer)
    base = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID}
    yield _sse({**base, "choices": [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": None}]})
    for i in range(0, len(text), 40):
        yield _sse({**base, "choices": [{"index": 0, "delta": {"content": text[i : i + 40]}, "finish_reason": None}]})
    yield _sse(
        {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}], "citations": payload["citations"], "planqa": payload}
    )
    yield "data: [DONE]\n\n"


def _sse(obj: dict[str, Any]) -> str:
    return f"data: {json.dumps(obj, ensure_ascii=False)}\n\n"
