"""assistant/answering/verdict.py: yes or no from the evidence of a passage (no index needed)."""

from __future__ import annotations

from assistant.answering.verdict import polar, verdict


def test_polar_questions_are_told_from_wh_questions():
    assert polar("方案是否要求城镇全覆盖？")
    assert polar("能上公办学校吗")
    assert not polar("哪些部门负责供水？")


def test_a_figure_the_evidence_states_says_yes_another_says_no():
    evidence = "新增小区燃气管道覆盖率达到90%以上"
    assert verdict("覆盖率要达到90%吗？", evidence, ["覆盖率"])
    assert not verdict("覆盖率目标是八成也就是80%吗？", evidence, ["覆盖率"])


def test_a_prohibition_over_what_the_question_asserts_says_no():
    evidence = "不得以退出宅基地使用权作为农牧民进城落户的条件"
    assert not verdict("落户必须先退出宅基地使用权吗？", evidence, ["宅基地使用权", "落户"])
    assert verdict("落户后宅基地使用权还保留吗？", "依法维护进城落户农民的宅基地使用权", ["宅基地使用权"])


def test_opposite_directions_of_one_change_are_opposed_and_near_synonyms_are_not():
    from assistant.answering.verdict import opposed

    assert opposed("增加", "减少") and opposed("提高", "降低")
    assert not opposed("推进", "推动") and not opposed("支持", "鼓励") and not opposed("提升", "提高")


def test_a_question_asserting_the_opposite_change_of_the_same_thing_is_answered_no():
    evidence = "增加公办学校学位供给，确保随迁子女就读。"
    assert verdict("方案是否要求减少公办学校学位供给？", evidence, ["公办学校"]) is False
    assert verdict("方案是否要求增加公办学校学位供给？", evidence, ["公办学校"]) is True
