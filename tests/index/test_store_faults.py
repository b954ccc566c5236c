"""index/build.py and index/store.py when things break: a damaged index is refused whole with the way
out, a forced rebuild never touches the published collection, a full disk is said as such."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import CORPUS

pytestmark = pytest.mark.slow


def built(tmp_path: Path, settings):  # type: ignore[no-untyped-def]
    """A fresh data folder with the index built from the session's vector cache."""
    from assistant.service import index_corpus
    from assistant.settings import Settings

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(settings.vector_cache, data / "vectors.sqlite")
    s = Settings(corpus_dir=CORPUS, data_dir=data)
    index_corpus(s)
    return s


def test_a_forced_rebuild_publishes_a_new_collection_and_drops_the_old(tmp_path, settings):
    from assistant.service import index_corpus
    from index.store import PREFIX, active_info, make_client

    s = built(tmp_path, settings)
    before = active_info(make_client(s.chroma_path))
    forced = index_corpus(s, force=True)
    after = active_info(make_client(s.chroma_path))
    assert forced.collection == after.collection != before.collection and after.build_id == before.build_id
    names = [c if isinstance(c, str) else c.name for c in make_client(s.chroma_path).list_collections()]
    assert [n for n in names if n.startswith(PREFIX)] == [after.collection]


def test_a_database_cut_short_is_refused_with_the_way_out_and_force_repairs_it(tmp_path, settings):
    from assistant.knowledge import Knowledge
    from assistant.service import index_corpus
    from index.errors import IndexDamagedError

    s = built(tmp_path, settings)
    database = s.chroma_path / "chroma.sqlite3"
    os.truncate(database, database.stat().st_size // 2)
    with pytest.raises(IndexDamagedError, match=r"planqa index --force"):
        Knowledge.load(s)
    report = index_corpus(s, force=True)
    assert any("moved to" in w for w in report.warnings) and list(s.data_dir.glob("chroma.damaged-*"))
    assert Knowledge.load(s).info.collection == report.collection


def test_a_removed_database_is_damage_not_a_missing_index(tmp_path, settings):
    from assistant.knowledge import Knowledge
    from index.errors import IndexDamagedError

    s = built(tmp_path, settings)
    (s.chroma_path / "chroma.sqlite3").unlink()
    with pytest.raises(IndexDamagedError, match="chroma.sqlite3 is missing"):
        Knowledge.load(s)


def test_a_half_written_collection_is_never_half_read(tmp_path, settings):
    from assistant.knowledge import Knowledge
    from index.errors import IndexDamagedError
    from index.store import active_info, make_client

    s = built(tmp_path, settings)
    client = make_client(s.chroma_path)
    collection = client.get_collection(active_info(client).collection)
    collection.delete(ids=collection.get(limit=3)["ids"])
    with pytest.raises(IndexDamagedError, match=r"of \d+ chunks readable.*planqa index --force"):
        Knowledge.load(s)


def test_a_full_disk_during_a_build_says_so_and_the_old_index_stays(tmp_path, settings, monkeypatch):
    from assistant.knowledge import Knowledge
    from assistant.service import index_corpus
    from index import build
    from index.errors import StorageFullError
    from index.store import active_info, make_client

    s = built(tmp_path, settings)
    published = active_info(make_client(s.chroma_path)).collection

    def full(*args, **kwargs):  # test double for SQLite running out of space mid-build
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(build, "_verify", full)
    with pytest.raises(StorageFullError, match="no space left on the device while building the index"):
        index_corpus(s, force=True)
    assert active_info(make_client(s.chroma_path)).collection == published
    assert Knowledge.load(s).info.collection == published


def test_the_digest_tolerates_float_noise_but_not_other_text():
    from index.store import digests_match, rows_digest

    vectors = [[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]]
    digest = rows_digest(["a", "b"], ["甲", "乙"], vectors)
    assert digests_match(digest, rows_digest(["b", "a"], ["乙", "甲"], [[0.3, 0.2, 0.1 + 1e-8], vectors[0]]))
    assert not digests_match(digest, rows_digest(["a", "b"], ["甲", "丙"], vectors))
    assert not digests_match(digest, rows_digest(["a", "b"], ["甲", "乙"], [[0.9, 0.2, 0.3], vectors[1]]))
