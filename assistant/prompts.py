"""Every fixed sentence the assistant says, in one place. Text that is data stays data."""

from __future__ import annotations

REFUSAL = "文件中未找到与该问题相关的内容。已收录的文件没有对此作出规定，因此无法回答；请换一种问法，或查阅其他文件。"
REFUSAL_EMPTY = "请输入一个问题。"
REFUSAL_PARENT_MISSING = (
    "《{title}》（{number}）已列入文件清单，但尚未收录其正文，无法回答其中的具体内容。"
    "可用 `planqa corpus add 文件路径 --number {number}` 添加该文件。"
)
SOURCE = "《{doc_title}》（{doc}）{path}"
RESPONSIBLE = "{source}「{title}」的责任单位是：{units}。"
QUOTE_INTRO = "原文："
BY_UNIT_HEAD = "{unit}在{count}项任务中被列为责任单位："
BY_UNIT_ITEM = "{i}. {doc} {path}「{title}」（共同责任单位：{others}）"
BY_UNIT_ITEM_ALONE = "{i}. {doc} {path}「{title}」"
BY_UNIT_NONE = "文件中未找到{unit}作为责任单位的任务。"
FACT = "{source}规定："
ELIGIBILITY = "{source}的相关规定如下："
OVERVIEW_GOAL = "{source}（总体要求）："
OVERVIEW_ACTIONS = "方案部署的重点行动和保障措施：{sections}。"
TRUNCATED = "（问题超过 {limit} 字，已截取前 {limit} 字作答。）"
