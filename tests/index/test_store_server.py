"""index/store.py against a real Chroma server (`chroma run` on loopback): index, ask, re-index.

CI starts the server and sets PLANQA_TEST_CHROMA_PORT; run alone, the test starts its own.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import CORPUS

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"chroma server on port {port} did not answer")


@pytest.fixture(scope="module")
def chroma_port(tmp_path_factory):
    given = os.environ.get("PLANQA_TEST_CHROMA_PORT")
    if given:
        _wait(int(given))
        yield int(given)
        return
    port = _free_port()
    chroma = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path_factory.mktemp("chroma-server")), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(port)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_index_ask_and_reindex_through_a_chroma_server(tmp_path, settings, chroma_port):
    from assistant.service import Assistant, index_corpus
    from assistant.settings import Settings
    from index.store import active_info, make_client

    (tmp_path / "data").mkdir()
    shutil.copy(settings.vector_cache, tmp_path / "data" / "vectors.sqlite")
    s = Settings(corpus_dir=CORPUS, data_dir=tmp_path / "data", chroma_host="127.0.0.1", chroma_port=chroma_port)
    first = index_corpus(s)
    assert not (tmp_path / "data" / "chroma").exists()  # nothing embedded on disk: the server holds the index
    assistant = Assistant.from_settings(s)
    assert [c.clause for c in assistant.ask("谁负责随迁子女教育？").citations] == [7]
    assert sorted(c.clause for c in assistant.ask("市水利局负责哪些工作？").citations) == [3, 16, 20, 21, 23, 24]
    assert assistant.ask("格尔木今年的财政收入是多少？").refused
    again = index_corpus(s)
    assert again.unchanged and again.collection == first.collection
    client = make_client(host="127.0.0.1", port=chroma_port)
    assert active_info(client).collection == first.collection
