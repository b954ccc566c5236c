"""ui/api.py: conversations through the HTTP API — a follow-up resolved from the history the client sends."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.slow

FIRST = "谁负责随迁子女教育？"
FOLLOW_UP = "那公租房呢？"
HOUSING = {"doc": "格政办发〔2025〕25号", "clause": 8, "path": "三（八）", "title": "完善农牧业转移人口多元化住房保障体系"}


@pytest.fixture(scope="module")
def client(assistant):
    from fastapi.testclient import TestClient

    from assistant.service import LiveAssistant
    from ui.api import create_api

    return TestClient(create_api(LiveAssistant.of(assistant)))


@pytest.fixture(scope="module")
def first_reply(client) -> str:
    """The assistant's reply to the first question, as a chat front end would keep it."""
    body = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": FIRST}]}).json()
    assert body["citations"][0]["clause"] == 7
    return body["choices"][0]["message"]["content"]


def cited(citations: list[dict]) -> list[dict]:
    return [{k: c[k] for k in ("doc", "clause", "path", "title")} for c in citations]


def test_chat_completions_resolves_a_follow_up_from_three_messages(client, first_reply):
    messages = [{"role": "user", "content": FIRST}, {"role": "assistant", "content": first_reply}, {"role": "user", "content": FOLLOW_UP}]
    body = client.post("/v1/chat/completions", json={"model": "planqa", "messages": messages}).json()
    assert HOUSING in cited(body["citations"])
    assert "三（八）" in body["choices"][0]["message"]["content"]
    assert "公租房" in body["planqa"]["standalone"]


def test_chat_completions_streams_a_follow_up_with_its_citations(client, first_reply):
    messages = [{"role": "user", "content": FIRST}, {"role": "assistant", "content": first_reply}, {"role": "user", "content": FOLLOW_UP}]
    with client.stream("POST", "/v1/chat/completions", json={"messages": messages, "stream": True}) as response:
        lines = [line for line in response.iter_lines() if line.startswith("data: ")]
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(line[6:]) for line in lines[:-1]]
    assert "三（八）" in "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert HOUSING in cited(chunks[-1]["citations"])


def test_the_last_message_alone_is_not_a_follow_up(client):
    body = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": FOLLOW_UP}]}).json()
    assert "standalone" not in body["planqa"]


@pytest.mark.parametrize(
    "history",
    [
        pytest.param([FIRST], id="questions"),
        pytest.param([{"role": "user", "content": FIRST}], id="messages"),
        pytest.param("reply", id="messages-with-the-reply"),
        pytest.param([{"role": "user", "content": [{"type": "text", "text": FIRST}]}], id="content-parts"),
    ],
)
def test_api_ask_resolves_a_follow_up_from_its_history(client, first_reply, history):
    if history == "reply":
        history = [{"role": "system", "content": "你是助手"}, {"role": "user", "content": FIRST}, {"role": "assistant", "content": first_reply}]
    response = client.post("/api/ask", json={"question": FOLLOW_UP, "history": history})
    assert response.status_code == 200, response.text
    body = response.json()
    assert HOUSING in cited(body["citations"]) and not body["refused"]
    assert "公租房" in body["standalone"]
    assert body["answer"].startswith(body["lead"])


def test_api_ask_with_an_empty_history_answers_the_question_alone(client):
    body = client.post("/api/ask", json={"question": FIRST, "history": []}).json()
    assert "standalone" not in body and cited(body["citations"])[0]["clause"] == 7


@pytest.mark.parametrize(
    "history",
    [
        pytest.param([{"role": "robot"}], id="unknown-role"),
        pytest.param([{"role": "user", "content": 5}], id="content-not-text"),
        pytest.param([5], id="not-a-message"),
        pytest.param("谁负责随迁子女教育？", id="a-string"),
        pytest.param({"role": "user", "content": FIRST}, id="an-object"),
        pytest.param([FIRST] * 101, id="too-long"),
    ],
)
def test_malformed_history_is_a_422_naming_history(client, history):
    response = client.post("/api/ask", json={"question": FOLLOW_UP, "history": history})
    assert response.status_code == 422
    assert "history" in json.dumps(response.json()["detail"], ensure_ascii=False)


def test_malformed_chat_messages_are_a_422_naming_messages(client):
    response = client.post("/v1/chat/completions", json={"messages": [{"role": "robot", "content": FIRST}]})
    assert response.status_code == 422
    assert "messages" in json.dumps(response.json()["detail"])
