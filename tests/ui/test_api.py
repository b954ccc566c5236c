"""ui/api.py: the HTTP API, in-process (FastAPI's TestClient) and through the real server under load."""

from __future__ import annotations

import json

import pytest

from tests.conftest import PLAN, assert_ask_json_for_migrant_children


@pytest.fixture(scope="module")
def client(assistant):
    from fastapi.testclient import TestClient

    from assistant.service import LiveAssistant
    from ui.api import create_api

    return TestClient(create_api(LiveAssistant.of(assistant)))


@pytest.mark.slow
def test_ask_returns_the_cli_json_object(client):
    response = client.post("/api/ask", json={"question": "谁负责随迁子女教育？"})
    assert response.status_code == 200
    assert_ask_json_for_migrant_children(response.json())


@pytest.mark.slow
def test_ask_with_a_document_scope(client):
    body = client.post("/api/ask", json={"question": "随迁子女", "docs": ["国发〔2024〕17号"]}).json()
    assert body["refused"] and "国发〔2024〕17号" in body["answer"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("payload", "status"),
    [({}, 422), ({"question": 5}, 422), ({"question": "  "}, 400), ({"question": "x", "k": 0}, 422), ({"question": "x" * 100_001}, 422)],
)
def test_bad_requests_get_4xx_with_a_message(client, payload, status):
    response = client.post("/api/ask", json=payload)
    assert response.status_code == status
    assert response.json()["detail"]


@pytest.mark.slow
def test_department_by_abbreviation(client):
    body = client.get("/api/departments/人社局").json()
    assert body["unit"] == "市人力资源和社会保障局"
    assert [c["clause"] for c in body["clauses"]] == [1, 6, 8, 9, 15, 24, 25, 26]
    assert client.get("/api/departments/不存在的局").status_code == 404


@pytest.mark.slow
def test_healthz_and_openapi(client):
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and PLAN in health["documents"]
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/ask", "/api/departments/{name}", "/healthz", "/v1/chat/completions"} <= set(paths)


@pytest.mark.slow
def test_openai_compatible_chat_completion_carries_citations(client):
    body = client.post("/v1/chat/completions", json={"model": "planqa", "messages": [{"role": "user", "content": "谁负责随迁子女教育？"}]}).json()
    assert body["object"] == "chat.completion"
    content = body["choices"][0]["message"]["content"]
    assert "市教育局" in content and "三（七）" in content
    assert body["citations"][0]["clause"] == 7


@pytest.mark.slow
def test_openai_compatible_streaming(client):
    with client.stream("POST", "/v1/chat/completions", json={"messages": [{"role": "user", "content": "市水利局负责哪些工作？"}], "stream": True}) as response:
        lines = [line for line in response.iter_lines() if line.startswith("data: ")]
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(line[6:]) for line in lines[:-1]]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert "市水利局" in text
    assert sorted(c["clause"] for c in chunks[-1]["citations"]) == [3, 16, 20, 21, 23, 24]


@pytest.mark.slow
def test_chat_without_a_user_message_is_a_400(client):
    response = client.post("/v1/chat/completions", json={"messages": [{"role": "system", "content": "hi"}]})
    assert response.status_code == 400


@pytest.mark.slow
def test_basic_auth_guards_the_api(assistant):
    from fastapi.testclient import TestClient

    from assistant.service import LiveAssistant
    from ui.api import create_api

    guarded = TestClient(create_api(LiveAssistant.of(assistant), ("user", "secret")))
    assert guarded.post("/api/ask", json={"question": "谁负责随迁子女教育？"}).status_code == 401
    assert guarded.post("/api/ask", json={"question": "谁负责随迁子女教育？"}, auth=("user", "secret")).status_code == 200
    assert guarded.get("/healthz").status_code == 200


@pytest.mark.slow
def test_load_20_clients_1000_questions_through_the_real_server(server, capsys):
    """The bounded load test (eval/load.py) against `planqa serve`: zero errors, figures printed."""
    from pathlib import Path

    from eval.load import run_load

    questions = [json.loads(line)["question"] for line in (Path(__file__).resolve().parents[2] / "eval" / "data" / "dev.jsonl").read_text("utf-8").splitlines()]
    result = run_load(server.url.rstrip("/"), questions, clients=20, requests=1000)
    print("load:", result.summary())
    assert result.requests == 1000
    assert result.errors == 0, result.error_samples
    assert result.verifier_drops == 0  # the server reports them (/api/stats), and none happened


def test_load_test_refuses_non_loopback_targets():
    from eval.load import run_load

    with pytest.raises(ValueError, match="only target this machine"):
        run_load("http://10.0.0.1:7860", ["q"], clients=1, requests=1)
