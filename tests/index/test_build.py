"""index/build.py: incremental, safe, honest builds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import CORPUS, PLAN

pytestmark = pytest.mark.slow


def corpus_copy(tmp: Path, extra_manifest: str = "") -> Path:
    folder = tmp / "corpus"
    folder.mkdir()
    shutil.copy(CORPUS / "000_d778971aa3a766e0.txt", folder)
    manifest = (CORPUS / "manifest.toml").read_text("utf-8")
    (folder / "manifest.toml").write_text(manifest + extra_manifest, "utf-8")
    return folder


def warm_settings(tmp: Path, corpus: Path, settings):
    """Settings for a fresh data folder that reuses the session's vector cache (content-hash keyed)."""
    from assistant.settings import Settings

    data = tmp / "data"
    data.mkdir()
    shutil.copy(settings.vector_cache, data / "vectors.sqlite")
    return Settings(corpus_dir=corpus, data_dir=data)


def entry(number: str, file: str) -> str:
    return f'\n[[document]]\nnumber = "{number}"\ntitle = "合成测试文件{number}"\nissuer = "测试"\nlevel = "provincial"\nfile = "{file}"\n'


def test_broken_files_are_reported_by_name_and_the_rest_still_indexes(tmp_path, settings):
    from assistant.service import Assistant, index_corpus

    corpus = corpus_copy(tmp_path, entry("坏〔2026〕1号", "broken.pdf") + entry("坏〔2026〕2号", "empty.txt") + entry("坏〔2026〕3号", "binary.txt"))
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(128, 256)) * 4 + b"\xff\xfe\x00")
    s = warm_settings(tmp_path, corpus, settings)
    report = index_corpus(s)
    assert report.documents == (PLAN,)
    joined = "\n".join(report.errors)
    for name in ("broken.pdf", "empty.txt", "binary.txt"):
        assert name in joined
    assert Assistant.from_settings(s).ask("谁负责随迁子女教育？").citations[0].clause == 7


def test_unchanged_rebuild_is_a_no_op_with_the_same_ids(tmp_path, settings):
    from assistant.service import index_corpus
    from index.store import active_info, make_client

    s = warm_settings(tmp_path, corpus_copy(tmp_path), settings)
    first = index_corpus(s)
    assert first.embedded == 0 and first.cached == first.chunks  # every vector came from the cache
    second = index_corpus(s)
    assert second.unchanged and second.collection == first.collection
    client = make_client(s.chroma_path)
    names = [c if isinstance(c, str) else c.name for c in client.list_collections()]
    assert [n for n in names if n.startswith("planqa-chunks-")] == [first.collection]
    assert client.get_collection(first.collection).count() == first.chunks
    assert active_info(client).build_id


def test_a_changed_embedding_backend_refuses_to_serve(tmp_path, settings):
    from assistant.knowledge import Knowledge
    from index.errors import IndexMismatchError

    other = settings.model_copy(update={"embeddings": "e5-other"})
    with pytest.raises(IndexMismatchError, match="planqa index"):
        Knowledge.load(other)


def test_missing_index_is_a_clear_error(tmp_path):
    from assistant.knowledge import Knowledge
    from assistant.settings import Settings
    from index.errors import IndexMissingError

    with pytest.raises(IndexMissingError, match="planqa index"):
        Knowledge.load(Settings(corpus_dir=CORPUS, data_dir=tmp_path))


def test_concurrent_builds_are_prevented(tmp_path):
    from index.build import build_lock
    from index.errors import IndexLockedError

    with build_lock(tmp_path):
        with pytest.raises(IndexLockedError, match="another `planqa index`"):
            with build_lock(tmp_path):
                pass
