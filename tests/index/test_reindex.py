"""Safe re-indexing: an interrupted build leaves the previous index serving; vanished files and
duplicated documents are handled by name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import CORPUS, PLAN

pytestmark = pytest.mark.slow


class InterruptingEmbeddings:
    """Test double for a user pressing Ctrl-C: the wrapped embedder raises after ``after`` batches."""

    def __init__(self, inner, after: int) -> None:
        self.inner, self.after, self.calls = inner, after, 0
        self.hits, self.misses = 0, 0

    def embed_documents(self, texts):
        self.calls += 1
        if self.calls > self.after:
            raise KeyboardInterrupt
        return self.inner.embed_documents(texts)


def fresh(tmp_path: Path, settings, extra: str = "") -> tuple[Path, object]:
    from assistant.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "000_d778971aa3a766e0.txt", corpus)
    (corpus / "manifest.toml").write_text((CORPUS / "manifest.toml").read_text("utf-8") + extra, "utf-8")
    (tmp_path / "data").mkdir()
    shutil.copy(settings.vector_cache, tmp_path / "data" / "vectors.sqlite")
    return corpus, Settings(corpus_dir=corpus, data_dir=tmp_path / "data")


def test_interrupted_build_leaves_the_previous_index_serving(tmp_path, settings):
    from assistant.service import Assistant, index_corpus
    from index.build import build_index
    from index.embed import make_embeddings
    from index.store import active_info, make_client

    corpus, s = fresh(tmp_path, settings)
    before = index_corpus(s)
    extra = corpus / "000_d778971aa3a766e0.txt"
    extra.write_text(extra.read_text("utf-8") + "\n（三十）新增测试条款。这是一条用于测试中断的合成条款。\n", "utf-8")
    client = make_client(s.chroma_path)
    embeddings = InterruptingEmbeddings(make_embeddings(s.embeddings, s.vector_cache), after=1)
    with pytest.raises(KeyboardInterrupt):
        build_index(s.corpus_dir, client, embeddings, s.embeddings)
    assert active_info(client).collection == before.collection
    assert [c.clause for c in Assistant.from_settings(s).ask("谁负责随迁子女教育？").citations] == [7]
    after = index_corpus(s)  # the next build completes and cleans up the leftover
    assert not after.unchanged and after.collection != before.collection
    names = [c if isinstance(c, str) else c.name for c in make_client(s.chroma_path).list_collections()]
    assert sorted(n for n in names if n.startswith("planqa-chunks-")) == [after.collection]


def test_a_vanished_file_is_reported_and_leaves_the_index(tmp_path, settings):
    from assistant.service import index_corpus
    from tests.multidoc import make_files

    extra = '\n[[document]]\nnumber = "格试〔2026〕2号"\ntitle = "合成测试文件"\nlevel = "municipal"\nfile = "extra.txt"\n'
    corpus, s = fresh(tmp_path, settings, extra)
    shutil.copy(make_files(tmp_path / "in")["provincial"], corpus / "extra.txt")
    first = index_corpus(s)
    assert "格试〔2026〕2号" in first.documents
    (corpus / "extra.txt").unlink()
    second = index_corpus(s)
    assert second.documents == (PLAN,)
    assert any("extra.txt" in e and "not found" in e for e in second.errors)


def test_a_duplicated_document_is_skipped_by_name(tmp_path, settings):
    from assistant.service import index_corpus

    extra = '\n[[document]]\nnumber = "格试〔2026〕3号"\ntitle = "重复的文件"\nlevel = "municipal"\nfile = "copy.txt"\n'
    corpus, s = fresh(tmp_path, settings, extra)
    shutil.copy(corpus / "000_d778971aa3a766e0.txt", corpus / "copy.txt")
    report = index_corpus(s)
    assert report.documents == (PLAN,)
    assert any("copy.txt" in e and "duplicate" in e for e in report.errors)
