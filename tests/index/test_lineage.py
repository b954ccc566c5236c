"""index/lineage.py: which documents a document implements, and how clause links are scored."""

from __future__ import annotations

import numpy as np

from index.lineage import LINEAGE_THRESHOLD, link_score, parent_documents
from index.parse import parse_text
from index.records import DocumentMeta


def doc(number: str, text: str, implements: tuple[str, ...] = ()) -> object:
    # Synthetic test fixture documents.
    return parse_text(text, DocumentMeta(number, "t", "t", "i", "provincial", "", "x.txt", implements))


def test_parents_come_from_the_manifest_and_from_cited_numbers():
    national = doc("国发〔2024〕17号", "一、总体要求\n（一）推进改革。")
    provincial = doc("青政〔2024〕48号", "一、总体要求\n（一）落实国发〔2024〕17号，推进改革。")
    municipal = doc("格政办发〔2025〕25号", "一、总体要求\n（一）推进改革。", implements=("青政〔2024〕48号", "不在库〔2020〕1号"))
    corpus = [national, provincial, municipal]
    assert parent_documents(provincial, corpus) == ["国发〔2024〕17号"]  # cited in its text
    assert parent_documents(municipal, corpus) == ["青政〔2024〕48号"]  # declared; the absent one is skipped


def test_link_score_needs_shared_wording_as_well_as_similar_vectors():
    v = np.array([1.0, 0.0])
    close = np.array([0.95, np.sqrt(1 - 0.95**2)])
    same_words = set("随迁 子女 公办 学校 义务 教育".split())
    assert link_score(v, close, same_words, same_words) > LINEAGE_THRESHOLD
    assert link_score(v, close, same_words, {"燃气", "管网"}) < LINEAGE_THRESHOLD
