"""The HTTP API served beside the chat UI: /api/ask, /api/departments/{name}, /healthz, and an
OpenAI-compatible /v1/chat/completions whose replies carry the citations."""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from assistant.records import Answer
    from assistant.service import Assistant

MODEL_ID = "planqa"
MAX_QUESTION_BYTES = 100_000


class AskRequest(BaseModel):
    question: str = Field(..., max_length=MAX_QUESTION_BYTES, description="The question; longer than 500 characters is cut, with a notice.")
    k: int | None = Field(None, ge=1, le=50, description="Clauses to retrieve.")
    docs: list[str] | None = Field(None, max_length=20, description="Answer only from these documents (文号).")
    history: list[Any] | None = Field(
        None, max_length=100, description="The conversation so far: earlier user questions (strings) or OpenAI-style {role, content} messages, oldest first."
    )


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


def create_api(assistant: Assistant, auth: tuple[str, str] | None = None) -> FastAPI:
    """A FastAPI app over one loaded assistant; with ``auth``, every route but /healthz needs HTTP basic auth."""
    guard = [Depends(_basic_auth(auth))] if auth else []
    app = FastAPI(title="planqa API", version="1", description="Answers about Chinese policy plans, with clause citations.")

    def ask(question: str, k: int | None = None, docs: list[str] | None = None, history: list[Any] | None = None) -> Answer:
        from assistant.conversation import HistoryError

        if not question or not question.strip():
            raise HTTPException(status_code=400, detail="question is empty")
        try:
            return assistant.ask(question, k=k, docs=tuple(docs) if docs else None, history=history or None)
        except HistoryError as exc:
            raise HTTPException(status_code=422, detail=f"history: {exc}") from exc

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        knowledge = assistant.knowledge
        return {"status": "ok", "index": knowledge.info.build_id, "documents": list(knowledge.indexed_docs), "parts": len(knowledge.parts)}

    @app.post("/api/ask", response_model=AskResponse, dependencies=guard)
    def api_ask(request: AskRequest) -> dict[str, Any]:
        return ask(request.question, request.k, request.docs, request.history).to_json()

    @app.get("/api/departments/{name}", dependencies=guard)
    def department(name: str) -> dict[str, Any]:
        knowledge = assistant.knowledge
        found = knowledge.units.find_in(name)
        unit = name if any(name in p.unit_names for p in knowledge.parts) else (found[0] if found else None)
        if unit is None:
            raise HTTPException(status_code=404, detail=f"no department called {name!r}; try its full name or a common abbreviation")
        parts = knowledge.parts_naming(unit)
        return {
            "unit": unit,
            "clauses": [{"doc": p.doc, "clause": p.number, "path": p.path, "title": p.title, "units": list(p.unit_names)} for p in parts],
        }

    @app.get("/api/ledger", dependencies=guard)
    def ledger(unit: str | None = None, doc: str | None = None) -> list[dict[str, Any]]:
        """The task ledger (任务台账) rows for a unit and/or a document, as `planqa ledger` prints them."""
        from assistant.ledger import rows_for
        from index.errors import PlanqaError

        try:
            _, rows = rows_for(assistant.knowledge, unit or None, doc or None)
        except PlanqaError as exc:
            raise HTTPException(status_code=404, detail=str(exc)) from exc
        return [r.to_json() for r in rows]

    @app.get("/v1/models", dependencies=guard)
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "owned_by": "planqa"}]}

    @app.post("/v1/chat/completions", response_model=None, dependencies=guard)
    def chat(request: ChatRequest) -> Any:
        last = max((i for i, m in enumerate(request.messages) if m.role == "user"), default=None)
        if last is None:
            raise HTTPException(status_code=400, detail="messages has no user message")
        # Every earlier message is the conversation: a follow-up is resolved against it (text in it is data).
        history = [{"role": m.role, "content": _text_of(m)} for m in request.messages[:last] if m.role in ("user", "assistant")]
        answer = ask(_text_of(request.messages[last]), history=history)
        payload = answer.to_json()
        completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        created = int(time.time())
        if request.stream:
            return StreamingResponse(_stream(completion_id, created, answer, payload), media_type="text/event-stream")
        return {
            "id": completion_id,
            "object": "chat.completion",
            "created": created,
            "model": MODEL_ID,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": _cited_text(answer)}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            "citations": payload["citations"],
            "planqa": payload,
        }

    return app


def _basic_auth(auth: tuple[str, str]) -> Any:
    security = HTTPBasic()

    def check(credentials: HTTPBasicCredentials = Depends(security)) -> None:  # noqa: B008 — FastAPI's idiom
        ok_user = secrets.compare_digest(credentials.username.encode(), auth[0].encode())
        ok_password = secrets.compare_digest(credentials.password.encode(), auth[1].encode())
        if not (ok_user and ok_password):
            raise HTTPException(status_code=401, detail="wrong user or password", headers={"WWW-Authenticate": "Basic"})

    return check


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
