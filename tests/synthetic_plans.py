"""SYNTHETIC TEST DATA, not real government documents: municipal-style 分工方案 for made-up cities.

Every city, 文号, department, figure and clause here is invented by a seeded generator (any likeness to
a real place is chance). Each plan has the real plan's shape — a notice with its 文号 and date, a body
title, a preamble citing its parent as 《…》（文号）, 一、 sections and （一） clauses with trailing
（责任单位：…） notes — so that a corpus of many plans can be indexed next to the Golmud plan:

    python -m tests.synthetic_plans /tmp/many-plans --count 50    # the plan + 50 generated plans

The same seed always gives the same plans.
"""

from __future__ import annotations

import argparse
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

from index.corpus import write_manifest
from index.manifest import load_manifest
from index.records import DocumentMeta
from tests.conftest import CORPUS

MARK = "（合成测试文本，非真实文件）"
PARENT = "国发〔2024〕17号"
PARENT_TITLE = "深入实施以人为本的新型城镇化战略五年行动计划"
# Made-up city names: a rare first character and a common second one.
FIRST = "霁琨珂璟汐芷蘅瑶翎澜"
SECOND = "川原屿泽浦峰塘湾桥岭"
SECTIONS = ("实施农业转移人口市民化行动", "实施城市更新和安全韧性提升行动", "实施县域经济提质行动", "实施城乡融合发展行动")
# Clause topics: (how a question names it, clause title, first sentence, the figure's sentence with {n}, section).
# fmt: off
TOPICS: tuple[tuple[str, str, str, str, int], ...] = (
    ("随迁子女教育", "保障随迁子女在流入地受教育权利", "以公办学校为主将随迁子女纳入流入地义务教育保障范围，增加公办学校学位供给。", "到2027年新增公办学校学位{n}个。", 0),
    ("户籍制度改革", "深化户籍制度改革", "全面放开城镇落户限制，推行以经常居住地登记户口制度。", "每年办理户籍迁入{n}人以上。", 0),
    ("公租房保障", "完善住房保障体系", "将符合条件的外来务工人员纳入公共租赁住房保障范围。", "筹集保障性租赁住房{n}套。", 0),
    ("社会保险扩面", "扩大社会保险覆盖面", "推进灵活就业人员在就业地参加企业职工养老保险。", "新增参保{n}人。", 0),
    ("职业技能培训", "加强职业技能培训", "面向农业转移人口开展订单式、定向式职业技能培训。", "每年培训{n}人次。", 0),
    ("老旧小区改造", "推进城镇老旧小区改造", "加快老旧小区供排水、供气供热等管线改造，有序推进加装电梯。", "改造老旧小区{n}个。", 1),
    ("燃气管网改造", "推进城市燃气管网更新", "全面排查城市燃气管道隐患，建设燃气安全监测系统。", "更新改造燃气管网{n}公里。", 1),
    ("防洪排涝", "完善城市防洪排涝体系", "实施排水管网改造和易涝点整治，提升城市防洪能力。", "整治易涝点{n}处。", 1),
    ("智慧城市建设", "推进新型智慧城市建设", "建设城市运行管理平台，推进政务服务一网通办。", "建成智慧社区{n}个。", 1),
    ("应急物资储备", "健全应急管理体系", "加强应急物资储备库建设，完善自然灾害监测预警。", "新建应急避难场所{n}处。", 1),
    ("特色产业发展", "培育县域特色产业", "依托资源禀赋发展特色农产品加工和文化旅游产业。", "培育规模以上企业{n}家。", 2),
    ("产业园区建设", "提升产业园区承载能力", "完善园区供水供电和道路等基础设施，引导企业向园区集中。", "新增入园企业{n}家。", 2),
    ("商贸物流", "发展现代商贸物流", "建设县域物流配送中心，完善农村电商服务站点。", "建成村级物流服务站{n}个。", 2),
    ("城乡供水", "推进城乡供水一体化", "实施农村供水保障工程，推动城乡供水同网同质。", "农村自来水普及率达到{n}%。", 3),
    ("公共交通", "提升城乡公共交通服务", "优化城乡公交线路，推进客运站点向乡镇延伸。", "新开通城乡公交线路{n}条。", 3),
    ("养老服务", "完善养老服务体系", "建设社区嵌入式养老服务设施，发展居家社区养老服务。", "新增养老床位{n}张。", 3),
    ("医疗资源下沉", "推动优质医疗资源下沉", "推进紧密型县域医共体建设，提升乡镇卫生院服务能力。", "建成标准化村卫生室{n}个。", 3),
    ("农村人居环境", "改善农村人居环境", "推进农村厕所革命和生活垃圾治理，开展村庄清洁行动。", "完成户厕改造{n}户。", 3),
)
# fmt: on
CORE_UNITS = (
    "市发展和改革委员会",
    "市教育局",
    "市公安局",
    "市民政局",
    "市财政局",
    "市人力资源和社会保障局",
    "市自然资源局",
    "市住房和城乡建设局",
    "市交通运输局",
    "市水利局",
    "市农业农村局",
    "市商务局",
    "市卫生健康委员会",
    "市应急管理局",
)  # fmt: skip


@dataclass(frozen=True)
class SyntheticClause:
    """One generated clause: where it sits and who is responsible."""

    topic: str
    path: str
    title: str
    units: tuple[str, ...]
    figure: str


@dataclass(frozen=True)
class SyntheticPlan:
    """A generated municipal 分工方案 and what a test needs to check answers from it."""

    city: str
    number: str
    title: str
    issuer: str
    date: str
    text: str
    clauses: tuple[SyntheticClause, ...]

    def clause(self, topic: str) -> SyntheticClause | None:
        return next((c for c in self.clauses if c.topic == topic), None)

    def meta(self, file: str) -> DocumentMeta:
        short = f"{self.city}贯彻落实新型城镇化五年行动计划分工方案"
        return DocumentMeta(self.number, self.title, short, self.issuer, "municipal", self.date, file, (PARENT,), self.city)


def city_names(count: int, seed: int = 12) -> list[str]:
    """``count`` distinct made-up city names (霁川市, 琨原市, …)."""
    pairs = [a + b for a in FIRST for b in SECOND]
    random.Random(seed).shuffle(pairs)
    if count > len(pairs):
        raise ValueError(f"at most {len(pairs)} made-up cities")
    return [p + "市" for p in pairs[:count]]


def generate_plan(city: str, index: int, seed: int = 12) -> SyntheticPlan:
    """One plan for a made-up city: its own departments, a random subset of topics, its own figures."""
    rng = random.Random(f"{seed}:{city}")
    stem = city[:-1]
    units = list(CORE_UNITS) + [f"市{stem}新区管理委员会", f"市{stem}港务局", f"市{stem}高原特色产业服务中心"]  # its own departments
    topics = sorted(rng.sample(range(len(TOPICS)), rng.randint(11, 15)), key=lambda i: (TOPICS[i][4], rng.random()))
    number = f"{stem}政办〔2025〕{index + 1}号"
    month, day = rng.randint(1, 9), rng.randint(1, 28)
    body_title = f"{city}贯彻落实新型城镇化五年行动计划分工方案"
    title = f"{city}人民政府办公室关于印发{body_title}的通知"
    lines = [
        number,
        f"{city}人民政府办公室",
        f"关于印发{body_title}的通知",
        "各区人民政府，市政府各部门：",
        f"《{body_title}》已经市政府常务会议审议通过，现印发给你们，请认真贯彻落实。{MARK}",
        f"{city}人民政府办公室",
        f"2025年{month}月{day}日",
        body_title,
        f"为全面贯彻《{PARENT_TITLE}》（{PARENT}），推进以人为本的新型城镇化，结合{city}实际，制定本方案。",
        "一、总体要求",
        f"坚持以人为本、因地制宜，到2029年{city}常住人口城镇化率稳步提升，城市品质和安全韧性全面提高。",
    ]
    clauses: list[SyntheticClause] = []
    section_no, current = 1, -1
    numerals = "一二三四五六七八九十"
    for i in topics:
        topic, clause_title, first, figure, section = TOPICS[i]
        if section != current:
            section_no += 1
            current = section
            lines.append(f"{numerals[section_no - 1]}、{SECTIONS[section]}")
        n = len(clauses) + 1
        label = _clause_numeral(n)
        figure_text = figure.format(n=rng.randint(3, 60) * (10 if "人" in figure else 1))
        assigned = tuple(rng.sample(units, rng.randint(2, 4)))
        lines.append(f"（{label}）{clause_title}。{first}{figure_text}（责任单位：{'、'.join(assigned)}）")
        clauses.append(SyntheticClause(topic, f"{numerals[section_no - 1]}（{label}）", clause_title, assigned, figure_text))
    issuer = f"{city}人民政府办公室"
    return SyntheticPlan(city, number, title, issuer, f"2025-{month:02d}-{day:02d}", "\n".join(lines) + "\n", tuple(clauses))


def _clause_numeral(n: int) -> str:
    digits = "一二三四五六七八九"
    if n < 10:
        return digits[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens - 1]) + "十" + (digits[ones - 1] if ones else "")


def generate_plans(count: int = 50, seed: int = 12) -> list[SyntheticPlan]:
    """``count`` plans for distinct made-up cities."""
    return [generate_plan(city, i, seed) for i, city in enumerate(city_names(count, seed))]


PROVINCIAL_NUMBER = "青政〔2025〕7号"


def provincial_measures(number: str = PROVINCIAL_NUMBER) -> str:
    """A provincial-style document under a new 文号 (not the listed 青政〔2024〕48号): its notice, a preamble
    citing two parents as 《…》（文号）, and 一、/（一） clauses with inline （A牵头，B配合） notes."""
    return "\n".join(
        [
            "青海省人民政府关于印发青海省推进以人为本的新型城镇化若干措施的通知",
            number,
            "各市、自治州人民政府，省政府各委、办、厅、局：",
            f"现将《青海省推进以人为本的新型城镇化若干措施》印发给你们，请认真贯彻执行。{MARK}",
            "青海省人民政府",
            "2025年3月6日",
            "青海省推进以人为本的新型城镇化若干措施",
            f"为深入贯彻《{PARENT_TITLE}》（{PARENT}），落实《青海省深入实施以人为本的新型城镇化战略五年行动计划的实施方案》（青政〔2024〕",
            "48号），结合我省实际，制定以下措施。",
            "一、推进农业转移人口市民化",
            "（一）保障随迁子女平等接受义务教育。以公办学校为主将随迁子女纳入流入地义务教育保障范围，"
            "随迁子女在公办学校就读（含政府购买学位）的比例保持在90%以上。（省教育厅牵头，省财政厅、省委编办配合）",
            "（二）放宽城镇落户条件。全面取消城区常住人口300万以下城市落户限制，推行以经常居住地登记户口制度。（省公安厅牵头，省发展改革委配合）",
            "二、提升城市安全韧性",
            "（三）推进地下管网改造。加快城市燃气、供水、排水老旧管网更新改造，到2027年基本完成改造任务。（省住房城乡建设厅牵头，省财政厅配合）",
            "",
        ]
    )


def write_corpus(folder: Path, plans: list[SyntheticPlan], with_plan: bool = True) -> Path:
    """A corpus folder: the Golmud plan and its manifest (its parents listed) plus the generated plans."""
    folder.mkdir(parents=True, exist_ok=True)
    docs: list[DocumentMeta] = []
    if with_plan:
        shutil.copy(CORPUS / "000_d778971aa3a766e0.txt", folder)
        docs = list(load_manifest(CORPUS))
    for i, plan in enumerate(plans):
        name = f"synthetic_{i:03d}.txt"
        (folder / name).write_text(plan.text, "utf-8")
        docs.append(plan.meta(name))
    write_manifest(folder, docs)
    return folder


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m tests.synthetic_plans", description="Write the plan plus generated SYNTHETIC plans into a corpus folder."
    )
    p.add_argument("folder", type=Path)
    p.add_argument("--count", type=int, default=50)
    p.add_argument("--seed", type=int, default=12)
    args = p.parse_args(argv)
    write_corpus(args.folder, generate_plans(args.count, args.seed))
    print(f"wrote the plan and {args.count} synthetic plans to {args.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
