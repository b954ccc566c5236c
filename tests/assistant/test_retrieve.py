"""assistant/retrieve.py: fusion is a pure function."""

from __future__ import annotations

from assistant.retrieve import reciprocal_rank_fusion


def test_rrf_rewards_agreement_between_runs():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "a", "d"]], k=60)
    assert [key for key, _ in fused][:2] in (["a", "b"], ["b", "a"])
    assert dict(fused)["d"] < dict(fused)["a"]
    assert abs(dict(fused)["a"] - (1 / 61 + 1 / 62)) < 1e-12


def test_rrf_of_one_run_keeps_its_order():
    assert [k for k, _ in reciprocal_rank_fusion([["x", "y", "z"]])] == ["x", "y", "z"]
