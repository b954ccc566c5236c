"""index/units.py: the department table and the rules for reading 责任单位 notes."""

from __future__ import annotations

from index.units import default_unit_table, has_city_prefix, parse_unit_note, split_note


def names(note: str) -> list[str]:
    refs, _ = parse_unit_note(note)
    return [r.name for r in refs]


def test_unit_list_distributes_city_prefix():
    assert names("市发展和改革委员会、教育局、民政局") == ["市发展和改革委员会", "市教育局", "市民政局"]


def test_market_regulator_is_not_city_plus_name():
    assert not has_city_prefix("市场监督管理局")
    assert names("市发展和改革委员会、市场监督管理局") == ["市发展和改革委员会", "市市场监督管理局"]


def test_group_continuing_without_prefix_keeps_city():
    assert names("昆仑经济技术开发区管委会，市发展和改革委员会，工业信息化和科技局、市场监督管理局、数据局") == [
        "昆仑经济技术开发区管委会",
        "市发展和改革委员会",
        "市工业信息化和科技局",
        "市市场监督管理局",
        "市数据局",
    ]


def test_party_committee_units_are_not_city_plus_name():
    assert not has_city_prefix("市委机构编制委员会办公室")
    assert names("市委机构编制委员会办公室，市教育局") == ["市委机构编制委员会办公室", "市教育局"]


def test_peoples_bank_gets_its_full_name():
    assert names("市发展和改革委员会、农牧局，人民银行格尔木营业管理部") == ["市发展和改革委员会", "市农牧局", "中国人民银行格尔木营业管理部"]


def test_township_governments_after_a_city_group_keep_their_name():
    assert names("市农牧局、气象局，各乡镇人民政府") == ["市农牧局", "市气象局", "各乡镇人民政府"]


def test_unknown_unit_is_kept_and_reported():
    refs, warnings = parse_unit_note("市教育局、统计局")
    assert [r.name for r in refs] == ["市教育局", "市统计局"]
    assert len(warnings) == 1 and "统计局" in warnings[0] and "市统计局" in warnings[0]


def test_lead_and_support_roles():
    refs, _ = parse_unit_note("省公安厅牵头，省教育厅、省财政厅配合")
    assert [(r.name, r.role) for r in refs] == [("省公安厅", "lead"), ("省教育厅", "support"), ("省财政厅", "support")]


def test_split_note_finds_trailing_responsibility_note():
    body, note = split_note("（四）深化改革。简化手续。（责任单位：市公安局、数据局）")
    assert body == "（四）深化改革。简化手续。" and note == "市公安局、数据局"
    assert split_note("（二十七）加强组织领导。确保落实到位。") == ("（二十七）加强组织领导。确保落实到位。", "")


def test_alias_table_resolves_common_abbreviations():
    table = default_unit_table()
    aliases = table.alias_map()
    expected = {
        "发改委": "市发展和改革委员会",
        "人社局": "市人力资源和社会保障局",
        "住建局": "市住房和城乡建设局",
        "卫健委": "市卫生健康委员会",
        "工信局": "市工业信息化和科技局",
        "文旅局": "市文体旅游广电局",
        "文体旅游广电局": "市文体旅游广电局",
        "市场监管局": "市市场监督管理局",
        "林草局": "市林业和草原局",
        "应急局": "市应急管理局",
        "城管局": "市城市管理局",
        "公积金中心": "市公积金管理中心格尔木分中心",
        "人民银行": "中国人民银行格尔木营业管理部",
        "人行": "中国人民银行格尔木营业管理部",
        "编办": "市委机构编制委员会办公室",
    }
    for alias, name in expected.items():
        assert aliases[alias] == name, alias


def test_no_alias_names_two_units():
    table = default_unit_table()
    seen: dict[str, str] = {}
    for unit in table.units:
        for form in (unit.name, *unit.aliases):
            assert seen.setdefault(form, unit.name) == unit.name, f"{form} names {seen[form]} and {unit.name}"


def test_find_in_prefers_longest_form():
    table = default_unit_table()
    assert table.find_in("市场监督管理局负责什么") == ["市市场监督管理局"]
    assert table.find_in("发改委和人社局") == ["市发展和改革委员会", "市人力资源和社会保障局"]
