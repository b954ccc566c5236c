"""index/calibrate.py: similarity thresholds derived from the corpus and the model at index time,
stored with the index, derived anew for another backend (the OpenAI-compatible TEST DOUBLE in
tests/assistant/fake_llm_server.py), and required to open an index."""

from __future__ import annotations

import json

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from index.calibrate import CALIBRATION_VERSION, FLOOR_QUANTILE, Calibration, calibrate, calibration_id, offtopic_questions
from tests.conftest import CORPUS, ROOT


class TableEmbeddings(Embeddings):
    """A stand-in model (test fixture): each probe question gets a fixed vector from a table."""

    def __init__(self, table: dict[str, list[float]]) -> None:
        self.table = table

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.table[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.table[text]


def unit(v: list[float]) -> list[float]:
    a = np.asarray(v, dtype=np.float32)
    return (a / np.linalg.norm(a)).tolist()


def test_floor_is_the_tenth_percentile_of_how_close_off_topic_questions_come():
    chunks = np.asarray([unit([1, 0, 0]), unit([0, 1, 0])], dtype=np.float32)
    questions = tuple(f"q{i}" for i in range(10))
    # Question i leans towards the first chunk by a growing amount: best cosines spread from ~0.7 to 1.
    table = {q: unit([1, 1 - i / 10, 0]) for i, q in enumerate(questions)}
    cal = calibrate(TableEmbeddings(table), chunks, questions)
    best = [max(np.dot(table[q], c) for c in chunks) for q in questions]
    assert cal.min_dense == pytest.approx(np.percentile(best, FLOOR_QUANTILE), abs=1e-4)
    assert cal.offtopic_median == pytest.approx(np.median(best), abs=1e-4)
    sims = np.asarray([[np.dot(table[q], c) for c in chunks] for q in questions])
    assert cal.spread == pytest.approx(sims.std(axis=1).mean(), abs=1e-5)
    assert cal.probes == 10 and cal.version == CALIBRATION_VERSION


def test_calibration_round_trips_through_index_metadata_and_old_versions_read_as_none():
    cal = Calibration(0.8149, 0.01145, 0.8363, 90)
    md = cal.to_metadata()
    assert Calibration.from_metadata(md) == cal
    assert all(isinstance(v, (str, int, float)) for v in md.values())  # Chroma metadata takes scalars only
    assert Calibration.from_metadata({**md, "calibration_version": "older"}) is None
    assert Calibration.from_metadata({}) is None


def test_the_shipped_off_topic_questions_are_off_topic_and_not_from_the_question_sets():
    questions = offtopic_questions()
    assert len(questions) >= 60 and len(set(questions)) == len(questions)
    asked = {
        json.loads(line)["question"]
        for f in ("dev", "heldout", "probe")
        for line in (ROOT / "eval" / "data" / f"{f}.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    }
    assert not asked & set(questions)
    assert not [q for q in questions if any(term in q for term in ("城镇化", "格尔木", "户籍", "随迁子女", "责任单位", "住房", "社保"))]


def test_another_probe_set_is_another_build():
    assert calibration_id(("a",)) != calibration_id(("b",)) and calibration_id() == calibration_id(offtopic_questions())


def test_the_built_index_carries_its_thresholds(settings):
    """The bundled e5 on the plan: the derived floor lands where the dev set had put its hand-set 0.82."""
    from index.store import active_info, make_client

    cal = active_info(make_client(settings.chroma_path)).calibration
    assert cal is not None and cal.probes == len(offtopic_questions())
    assert 0.78 < cal.min_dense < 0.84 and 0.005 < cal.spread < 0.03


def test_an_index_without_thresholds_asks_for_a_rebuild(tmp_path):
    from index.errors import IndexMismatchError
    from index.store import IndexInfo, make_client, open_active, publish

    client = make_client(tmp_path / "chroma")
    client.create_collection("planqa-chunks-old", embedding_function=None)
    publish(client, IndexInfo("planqa-chunks-old", "e5-bundled", "v", 0, "old"))
    with pytest.raises(IndexMismatchError, match="planqa index"):
        open_active(client, "e5-bundled", "v")


@pytest.mark.slow
def test_a_served_embedding_model_gets_its_own_thresholds(tmp_path, settings):
    """An OpenAI-compatible embeddings server (TEST DOUBLE: hash vectors, not a model) indexes the plan:
    the thresholds are derived anew from its vectors, stored with its index and used by the assistant."""
    from assistant.knowledge import Knowledge
    from assistant.service import index_corpus
    from assistant.settings import Settings
    from index.store import active_info, make_client
    from tests.assistant.fake_llm_server import FakeLLMServer, hash_vector

    server = FakeLLMServer().start()
    try:
        served = Settings(corpus_dir=CORPUS, data_dir=tmp_path / "data", embeddings="openai:fake-embedder", embeddings_base_url=server.url)
        index_corpus(served)
        knowledge = Knowledge.load(served)
    finally:
        server.stop()
    cal = knowledge.info.calibration
    e5 = active_info(make_client(settings.chroma_path)).calibration
    assert cal is not None and e5 is not None and (cal.min_dense, cal.spread) != (e5.min_dense, e5.spread)
    # The same numbers follow from the double's vectors directly: derived from this model, not copied.
    probes = np.asarray([unit(hash_vector(q)) for q in offtopic_questions()], dtype=np.float32)
    best = (probes @ knowledge.vectors.T).max(axis=1)
    assert cal.min_dense == pytest.approx(np.percentile(best, FLOOR_QUANTILE), abs=1e-3)


def test_the_peak_floor_is_how_far_the_off_topic_questions_best_passages_stand_out():
    from index.calibrate import PEAK_QUANTILE, peaks

    sims = np.asarray([[0.1, 0.2, 0.9], [0.5, 0.5, 0.6]])
    z = peaks(sims)
    assert z[0] == pytest.approx((0.9 - sims[0].mean()) / sims[0].std())
    chunks = np.asarray([unit([1, 0, 0]), unit([0, 1, 0]), unit([0, 0, 1])], dtype=np.float32)
    questions = tuple(f"q{i}" for i in range(5))
    table = {q: unit([1, 0.5 + i / 10, 0.2]) for i, q in enumerate(questions)}
    cal = calibrate(TableEmbeddings(table), chunks, questions)
    expected = np.percentile(peaks(np.asarray([[np.dot(table[q], c) for c in chunks] for q in questions])), PEAK_QUANTILE)
    assert cal.peak_floor == pytest.approx(expected, abs=1e-3)
    assert Calibration.from_metadata(cal.to_metadata()) == cal
