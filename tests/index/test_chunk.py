"""index/chunk.py: chunks follow the structure and keep their clause's identity."""

from __future__ import annotations

from index.chunk import chunk_part


def test_every_clause_is_one_whole_chunk_with_its_context(plan):
    for clause in plan.clauses:
        chunks = chunk_part(plan.meta, clause)
        whole = chunks[0]
        assert whole.kind == "part" and whole.part_id == clause.id and whole.path == clause.path
        assert clause.section in whole.text and clause.title in whole.text
        body = clause.text[: clause.text.rfind("（责任单位")] if clause.unit_note else clause.text
        assert body in whole.text  # never cut: the whole clause body is in one chunk


def test_sentence_chunks_cover_each_sentence_and_keep_the_clause(plan):
    clause = next(c for c in plan.clauses if c.number == 7)
    windows = [c for c in chunk_part(plan.meta, clause) if c.kind == "window"]
    assert [plan.text[w.start : w.end] for w in windows] == [s.text for s in clause.sentences]
    assert {w.part_id for w in windows} == {clause.id} and all(w.path == "三（七）" for w in windows)
    assert not any(w.text.lstrip("：").startswith("。") for w in windows)


def test_chunk_ids_are_stable(plan):
    clause = plan.clauses[0]
    assert [c.id for c in chunk_part(plan.meta, clause)] == [c.id for c in chunk_part(plan.meta, clause)]
