"""eval/run.py: the run counts the citation check's drops, which the composer should never cause."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from eval.dataset import load_dataset
from eval.run import run_assistant

pytestmark = pytest.mark.slow

SUBSET = Path(__file__).resolve().parents[1] / "fixtures" / "eval_subset.jsonl"


def test_a_run_counts_verifier_drops_and_the_composer_causes_none(assistant):
    questions = load_dataset(SUBSET)
    _, summary, _ = run_assistant(assistant, questions, 5)
    assert summary.verifier_drops == 0
    assert summary.figures()["verifier_drops"] == 0


def test_a_drop_logged_during_a_run_is_counted(assistant, monkeypatch):
    import eval.run as run

    original = run._run

    def with_a_drop(*args, **kwargs):
        logging.getLogger("assistant.verify").warning("dropped a quote not found in its cited clause: %s", "x")
        return original(*args, **kwargs)

    monkeypatch.setattr(run, "_run", with_a_drop)
    _, summary, _ = run_assistant(assistant, load_dataset(SUBSET)[:1], 5)
    assert summary.verifier_drops == 1
