"""assistant/retrieve.py: fusion is a pure function."""

from __future__ import annotations

import pytest

from assistant.retrieve import reciprocal_rank_fusion


def test_rrf_rewards_agreement_between_runs():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "a", "d"]], k=60)
    assert [key for key, _ in fused][:2] in (["a", "b"], ["b", "a"])
    assert dict(fused)["d"] < dict(fused)["a"]
    assert abs(dict(fused)["a"] - (1 / 61 + 1 / 62)) < 1e-12


def test_rrf_of_one_run_keeps_its_order():
    assert [k for k, _ in reciprocal_rank_fusion([["x", "y", "z"]])] == ["x", "y", "z"]


def test_an_expansion_fills_in_for_the_word_it_stands_for_at_its_weight_only():
    from assistant.retrieve import TopicWeights, lexical_coverage

    weights = TopicWeights({"看病": 2.0, "报销": 2.0})
    weights.alternatives = ((frozenset({"看病"}), ((frozenset({"就医"}), 0.6, "thesaurus"),)),)
    assert lexical_coverage(weights, "看病报销") == 1.0
    assert lexical_coverage(weights, "异地就医报销") == pytest.approx((0.6 * 2.0 + 2.0) / 4.0)
    assert lexical_coverage(weights, "异地就医") == pytest.approx(0.6 * 2.0 / 4.0)
    assert lexical_coverage(dict(weights), "异地就医") == 0.0  # a plain dict: the question's own words only


def test_search_reaches_the_clause_through_the_thesaurus(assistant):
    from assistant.retrieve import search

    hits = search(assistant.knowledge, "看病能异地报销吗", 3)
    assert hits[0].part.path == "三（九）"
