"""assistant/reading/pointing.py: what a follow-up points back at, read from the grammar's roles."""

from __future__ import annotations

import pytest

from assistant.reading import pointing
from assistant.reading.grammar import Sentence


def read(text: str) -> list[tuple[str, str, int, bool]]:
    return [(p.span(text), p.kind, p.count, p.plural) for p in pointing.pointers(Sentence.of(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("那项工作什么时候完成？", [("那项工作", "clause", 0, False)]),  # classifier, then the noun it counts
        ("前面那条的牵头单位是谁？", [("前面那条", "clause", 0, False)]),  # a demonstrative of the talk, then one of the text
        ("上面三项有什么共同点？", [("上面三项", "clause", 3, True)]),
        ("这几条里哪条最多？", [("这几条", "clause", 0, True)]),
        ("该委还管什么？", [("该委", "unit", 0, False)]),  # a body's classifier names a unit
        ("这一部分讲什么？", [("这一部分", "part", 0, False)]),
        ("这份通知是谁发的？", [("这份通知", "document", 0, False)]),
        ("Which bureaus handle those tasks?", [("those tasks", "clause", 0, True)]),
        ("上海有什么政策？", []),  # 上 begins a name, points at nothing
        ("这是什么意思？", []),  # a demonstrative with no noun of the records
        ("这个项目投资多少？", []),  # 项 inside 项目 is no noun of the records
        ("这条列了责任单位没有？", [("这条", "clause", 0, False)]),  # jieba's 条列 aside, 条 is the classifier
    ],
)
def test_a_pointer_is_a_demonstrative_a_count_and_a_noun_of_the_records(text, expected):
    assert read(text) == expected


def test_a_pronoun_says_whether_it_is_plural():
    assert pointing.pronoun(Sentence.of("它还负责什么？")).plural is False
    assert pointing.pronoun(Sentence.of("它们都参与了吗？")).plural is True
    assert pointing.pronoun(Sentence.of("Do they both take part?")).plural is True
    assert pointing.pronoun(Sentence.of("谁负责供水？")) is None


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("这其中有几项？", (0, 3)),
        ("在这些任务当中，哪些有能源局？", (0, 8)),
        ("这几条里哪条最多？", (0, 4)),
        ("Which of these are in Part 3?", (6, 15)),
        ("这些任务是谁定的？", None),  # 这些 without a localizer is a pointer, not a scope that opens the question
        ("方案中哪些任务有能源局？", None),  # 中 after a noun of its own: no scope over the last answer
    ],
)
def test_a_leading_scope_is_read_with_its_noun_and_localizer(text, span):
    assert pointing.leading_scope(Sentence.of(text)) == span


def test_an_ordinal_pick_reads_chinese_and_english_numbers():
    assert pointing.ordinal(Sentence.of("第三个的责任单位呢？")) == ("第三个", 3)
    assert pointing.ordinal(Sentence.of("其中第二项是什么？")) == ("第二项", 2)
    assert pointing.ordinal(Sentence.of("第二项是什么？")) is None  # a clause number of its own
    assert pointing.ordinal(Sentence.of("And the fourth one?")) == ("fourth one", 4)


@pytest.mark.parametrize(
    ("text", "x"),
    [
        ("那么养老服务呢？", "养老服务"),
        ("另外，市能源局呢", "市能源局"),
        ("How about the Water Resources Bureau?", "the Water Resources Bureau"),
        ("那个文件是哪天印发的？", ""),  # 那 of 那个 is no opener
        ("养老服务怎么样？", ""),  # no opener and no 呢: a question of its own
    ],
)
def test_an_elliptical_follow_up_gives_its_new_subject(text, x):
    assert pointing.ellipsis(Sentence.of(text)) == x


def test_new_subject_and_more_are_read_from_the_dialogue_roles():
    assert pointing.fresh(Sentence.of("另一个问题：谁负责供水？")) == "谁负责供水？"
    assert pointing.fresh(Sentence.of("谁负责供水？")) == ""
    assert pointing.more(Sentence.of("别的呢？")) and pointing.more(Sentence.of("Anything else?"))
    assert not pointing.more(Sentence.of("还有哪些部门负责供水？"))


def test_a_count_after_a_pronoun_belongs_to_it():
    text = "他们俩还共同负责哪一条？"
    p = pointing.pronoun(Sentence.of(text))
    assert p is not None and p.span(text) == "他们俩" and p.plural
    text = "它一共负责几条？"
    p = pointing.pronoun(Sentence.of(text))
    assert p is not None and p.span(text) == "它" and not p.plural  # 一 of 一共 is no count of the pronoun


def test_an_opener_joined_to_a_name_by_jieba_is_still_an_opener():
    assert pointing.ellipsis(Sentence.of("那市统计局呢？")) == "市统计局"
