"""Shared fixtures: the real plan, and one index built once per test session in a temp folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
PLAN = "格政办发〔2025〕25号"


@pytest.fixture(scope="session")
def plan_meta():
    from index.manifest import load_manifest

    return next(d for d in load_manifest(CORPUS) if d.number == PLAN)


@pytest.fixture(scope="session")
def plan(plan_meta):
    """The real plan, parsed."""
    from index.load import read_document
    from index.parse import parse_document

    return parse_document(read_document(CORPUS / plan_meta.file), plan_meta)


@pytest.fixture(scope="session")
def settings(tmp_path_factory):
    """Settings pointing at the repo's corpus and a fresh data folder, with the index built."""
    from assistant.service import index_corpus
    from assistant.settings import Settings

    data = tmp_path_factory.mktemp("planqa-data")
    s = Settings(corpus_dir=CORPUS, data_dir=data)
    index_corpus(s)
    return s


@pytest.fixture(scope="session")
def assistant(settings):
    from assistant.service import Assistant

    return Assistant.from_settings(settings)


def assert_ask_json_for_migrant_children(obj: dict) -> None:
    """The `planqa ask --json` object for 谁负责随迁子女教育？, as the CLI and the HTTP API both return it."""
    assert set(obj) == {"question", "answer", "citations", "refused", "latency_ms", "mode", "lead", "understood"}
    assert [{k: c[k] for k in ("doc", "clause", "path", "title")} for c in obj["citations"]] == [
        {"doc": PLAN, "clause": 7, "path": "三（七）", "title": "保障随迁子女在流入地受教育权利"}
    ]
    quotes = obj["citations"][0]["quotes"]  # the quoted spans, with offsets into the clause text
    assert quotes and all(set(q) == {"text", "start", "end"} and q["end"] - q["start"] == len(q["text"]) for q in quotes)
    assert obj["answer"].startswith(obj["lead"]) and "市教育局" in obj["lead"]
    assert obj["refused"] is False and isinstance(obj["latency_ms"], float)
