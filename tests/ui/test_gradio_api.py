"""The /ask endpoint through gradio_client, against the real server; basic auth from PLANQA_UI_AUTH."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from gradio_client.exceptions import AuthenticationError

pytestmark = pytest.mark.slow


def client(url: str, auth: tuple[str, str] | None = None):  # type: ignore[no-untyped-def]
    from gradio_client import Client

    return Client(url, auth=auth, verbose=False, download_files=False)


def test_ask_endpoint_returns_the_planqa_ask_json_object(server: Any) -> None:
    result = client(server.url).predict("谁负责随迁子女教育？", api_name="/ask")
    assert set(result) >= {"question", "answer", "citations", "refused", "latency_ms", "mode", "lead", "understood"}
    assert result["question"] == "谁负责随迁子女教育？"
    assert "市教育局" in result["answer"] and result["refused"] is False
    cited = [{k: c[k] for k in ("doc", "clause", "path", "title")} for c in result["citations"]]
    assert {"doc": "格政办发〔2025〕25号", "clause": 7, "path": "三（七）", "title": "保障随迁子女在流入地受教育权利"} in cited
    assert isinstance(result["latency_ms"], float)


def test_ask_endpoint_refuses_out_of_scope_questions(server: Any) -> None:
    result = client(server.url).predict("格尔木今年的财政收入是多少？", api_name="/ask")
    assert result["refused"] is True and result["citations"] == []


def test_only_ask_is_exposed_as_an_api(server: Any) -> None:
    info = httpx.get(server.url + "gradio_api/info", timeout=10).json()
    assert list(info["named_endpoints"]) == ["/ask"]


def test_basic_auth_from_settings_protects_page_and_api(launch_server: Any) -> None:
    protected, _ = launch_server("auth", env={"PLANQA_UI_AUTH": "planqa:test-password"})
    assert httpx.get(protected.url + "config", timeout=10).status_code == 401
    with pytest.raises(AuthenticationError):
        client(protected.url).predict("谁负责随迁子女教育？", api_name="/ask")
    result = client(protected.url, auth=("planqa", "test-password")).predict("谁负责随迁子女教育？", api_name="/ask")
    assert result["citations"][0]["path"] == "三（七）"
