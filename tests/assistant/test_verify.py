"""assistant/verify.py: quotes must be verbatim in the clause they cite."""

from __future__ import annotations

from assistant.records import Answer, Citation
from assistant.verify import unverified_quotes, verify

CLAUSE = "（七）保障随迁子女在流入地受教育权利。以公办学校为主将随迁子女纳入我市义务教育保障范围。"


def make(text: str, quotes: tuple[str, ...]) -> Answer:
    citation = Citation("格政办发〔2025〕25号", 7, "三（七）", "保障随迁子女在流入地受教育权利", quotes=quotes, text=CLAUSE)
    return Answer("q", text, (citation,), False, "fact")


def test_verbatim_quote_passes():
    answer = make("原文：「以公办学校为主将随迁子女纳入我市义务教育保障范围。」", ("以公办学校为主将随迁子女纳入我市义务教育保障范围。",))
    assert unverified_quotes(answer) == []
    assert verify(answer) == answer


def test_fabricated_quote_is_removed():
    answer = make("原文：「随迁子女可免费就读所有私立学校。」", ("随迁子女可免费就读所有私立学校。",))
    checked = verify(answer)
    assert "私立学校" not in checked.text
    assert checked.citations[0].quotes == ()


def test_refusal_keeps_no_citations():
    answer = Answer("q", "文件中未找到", make("x", ()).citations, True, "out_of_scope")
    assert verify(answer).citations == ()
