"""ui/app.py, ui/api.py and ui/guard.py in-process: one application with every route registered before it
serves, the password on every route but /healthz, clear errors, and answers from a swapped index."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.service import LiveAssistant
from assistant.settings import Settings
from index.build import parse_corpus
from index.errors import IndexDamagedError
from index.units import default_unit_table
from ui.api import API_ROUTES, INDEX_HEADER, create_api
from ui.app import build_server
from ui.guard import MAX_BODY_BYTES

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
AUTH = ("planqa", "test-password")


def stub(collection: str, settings: Settings) -> Any:
    """Test double for an Assistant over the real plan parsed without an index: enough for the routes
    that read its records; asking is not part of it."""
    docs, _, _ = parse_corpus(CORPUS)
    parts = [p for d in docs for p in d.parts]
    knowledge = SimpleNamespace(
        parts=parts,
        units=default_unit_table(),
        documents={d.meta.number: d.meta for d in docs},
        info=SimpleNamespace(collection=collection, build_id=collection + "-id"),
        indexed_docs=tuple(dict.fromkeys(p.doc for p in parts)),
        parts_naming=lambda unit, docs=(): [p for p in parts if unit in p.unit_names],
    )
    return SimpleNamespace(knowledge=knowledge, settings=settings, ask=None)


@pytest.fixture(scope="module")
def server_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("data"), corpus_dir=CORPUS, ui_auth=f"{AUTH[0]}:{AUTH[1]}")


@pytest.fixture(scope="module")
def guarded(server_settings: Settings) -> Iterator[TestClient]:
    """The whole server (API and mounted UI) with PLANQA_UI_AUTH set."""
    settings = server_settings
    with TestClient(build_server(settings, LiveAssistant(settings, stub("first", settings)))) as client:
        yield client


def routes(app: Any) -> Iterator[tuple[str, set[str]]]:
    """Every (path, methods) the application routes, through mounts and included routers."""
    for route in app.routes:
        if type(route).__name__ == "Mount":
            yield from routes(route.app)
        elif hasattr(route, "effective_route_contexts"):
            yield from ((c.path, set(c.methods or {"GET"})) for c in route.effective_route_contexts())
        else:
            yield route.path, set(getattr(route, "methods", None) or {"GET"})


def test_every_route_asks_for_the_password_except_healthz(guarded: TestClient) -> None:
    walked = list(routes(guarded.app))
    assert len(walked) > 60 and {"/openapi.json", "/docs", "/api/ask", "/config", "/gradio_api/queue/join"} <= {p for p, _ in walked}
    for path, methods in walked:
        concrete = re.sub(r"\{[^}]+\}", "x", path)
        for method in methods - {"HEAD", "OPTIONS"}:
            status = guarded.request(method, concrete).status_code
            assert status == (200 if path == "/healthz" else 401), (method, path, status)


def test_the_password_opens_the_schema_the_docs_and_the_page(guarded: TestClient) -> None:
    assert guarded.get("/openapi.json", auth=AUTH).json()["info"]["title"] == "planqa API"
    assert guarded.get("/docs", auth=AUTH).status_code == 200
    assert guarded.get("/", auth=AUTH).status_code == 200
    assert guarded.get("/api/departments/人社局", auth=AUTH).json()["unit"] == "市人力资源和社会保障局"
    assert guarded.get("/api/stats", auth=("planqa", "wrong")).status_code == 401


def test_login_opens_a_session_the_ui_accepts(guarded: TestClient) -> None:
    assert guarded.post("/login", data={"username": "planqa", "password": "wrong"}).status_code == 401
    session = guarded.post("/login", data={"username": AUTH[0], "password": AUTH[1]}).cookies
    assert guarded.get("/config", cookies=session).status_code == 200
    guarded.cookies.clear()


def test_api_routes_come_before_the_mounted_ui(guarded: TestClient) -> None:
    """The 404s under load came from API routes added to a server already serving; now every route
    is in the application before uvicorn starts, and the UI mount is last, so it shadows none."""
    paths = [getattr(r, "path", None) for r in guarded.app.routes]
    assert type(guarded.app.routes[-1]).__name__ == "Mount"
    assert set(API_ROUTES) <= set(paths)
    assert guarded.get("/healthz").json()["status"] == "ok"


def test_api_paths_never_fall_through_to_the_ui(guarded: TestClient) -> None:
    wrong_method = guarded.get("/api/ask", auth=AUTH)
    assert wrong_method.status_code == 405 and "POST" in wrong_method.json()["detail"]
    missing = guarded.post("/api/nothing", auth=AUTH)
    assert missing.status_code == 404 and "/docs" in missing.json()["detail"]


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"question": "谁负责\u0000随迁子女"}, 422, "control character"),
        ({"question": "随迁子女", "docs": ["不存在〔2099〕1号"]}, 422, "unknown document"),
        ({"question": "随迁子女", "k": 0}, 422, "greater than or equal"),
        ({"question": "   "}, 400, "empty"),
    ],
)
def test_bad_questions_get_a_4xx_with_a_message(guarded: TestClient, body: dict[str, Any], status: int, says: str) -> None:
    response = guarded.post("/api/ask", json=body, auth=AUTH)
    assert response.status_code == status and says in str(response.json()["detail"])


def test_an_oversized_body_is_a_413_that_reaches_the_client(guarded: TestClient) -> None:
    response = guarded.post("/api/ask", content=b"x" * (MAX_BODY_BYTES + 1), headers={"content-type": "application/json"}, auth=AUTH)
    assert response.status_code == 413 and "request body" in response.json()["detail"]


def test_bad_json_and_invalid_utf8_are_4xx_without_echoing_the_input(guarded: TestClient) -> None:
    for raw in (b'{"question": ', b'{"question": "\xff\xfe"}', b"[" * 50_000):
        response = guarded.post("/api/ask", content=raw, headers={"content-type": "application/json"}, auth=AUTH)
        assert 400 <= response.status_code < 500 and response.json()["detail"] and len(response.content) < 1000


def test_a_reload_swaps_the_whole_assistant_and_requests_hold_theirs(server_settings: Settings) -> None:
    settings = server_settings
    loads = iter([stub("second", settings)])
    live = LiveAssistant(settings, stub("first", settings), load=lambda s: next(loads))
    client = TestClient(create_api(live))
    held = live.current()
    assert client.get("/healthz").json()["collection"] == "first"
    assert live.reload(force=True) is True
    assert held.knowledge.info.collection == "first"  # a request in flight keeps the object it holds
    assert client.get("/healthz").json()["collection"] == "second" and live.reloads == 1


def test_a_failed_reload_keeps_serving_and_says_why(server_settings: Settings) -> None:
    settings = server_settings
    def damaged(_: Settings) -> Any:
        raise IndexDamagedError("the published index is damaged: rebuild it with `planqa index --force`")

    live = LiveAssistant(settings, stub("first", settings), load=damaged)
    with pytest.raises(IndexDamagedError):
        live.reload(force=True)
    health = TestClient(create_api(live)).get("/healthz").json()
    assert health["collection"] == "first" and "planqa index --force" in health["store"]


def test_no_index_loaded_is_a_503_with_a_message(server_settings: Settings) -> None:
    settings = server_settings
    client = TestClient(create_api(LiveAssistant(settings)))
    assert client.get("/healthz").status_code == 503
    response = client.post("/api/ask", json={"question": "谁负责随迁子女教育？"})
    assert response.status_code == 503 and "not loaded" in response.json()["detail"]


def test_stats_count_the_citation_checks_drops(server_settings: Settings) -> None:
    settings = server_settings
    client = TestClient(create_api(LiveAssistant(settings, stub("first", settings))))
    before = client.get("/api/stats").json()["verifier_drops"]
    logging.getLogger("assistant.verify").warning("dropped a quote not found in its cited clause: %s", "某句")
    assert client.get("/api/stats").json()["verifier_drops"] == before + 1


@pytest.mark.slow
def test_answers_name_the_index_that_gave_them(assistant: Any) -> None:
    response = TestClient(create_api(LiveAssistant.of(assistant))).post("/api/ask", json={"question": "谁负责随迁子女教育？"})
    assert response.headers[INDEX_HEADER] == assistant.knowledge.info.collection
