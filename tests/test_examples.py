"""The invented example documents under examples/: every key value extracted exactly.

These are the documents ``make demo`` runs on. Each assertion states what a
careful reader of the example takes from it (FORMAT.md conventions), so a
parser change that loses a value, a line or a cell shows up here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jixiao.pipeline import extract_file, iter_inputs
from jixiao.read import read_path
from jixiao.render.jsonout import document_to_dict

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def extract(name: str) -> dict[str, Any]:
    document = extract_file(EXAMPLES / name)
    assert not document.problems, document.problems
    return document_to_dict(document)


def indicator_rows(form: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (row["level1"], row["level2"], row["name"], row["target"], row["actual"], row["weight"], row["score"])
        for row in form["indicators"]
    ]


def framework_rows(form: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (row["level1"], row["level2"], row["name"], row["reference_weight"], row["weight"], row["score"])
        for row in form["indicators"]
    ]


NO_FUNDS = {"initial": None, "budget": None, "executed": None}


def test_every_example_is_extracted() -> None:
    documents = sorted(path.name for path in iter_inputs([EXAMPLES]) if path.name != "README.md")
    assert documents == [
        "01_project_forms_tab.txt",
        "02_department_form.md",
        "03_self_evaluation_report.txt",
        "04_project_form_gb18030.html",
    ]
    kinds = {name: [form["kind"] for form in extract(name)["forms"]] for name in documents}
    assert kinds == {
        "01_project_forms_tab.txt": ["project", "project"],
        "02_department_form.md": ["department"],
        "03_self_evaluation_report.txt": ["report"],
        "04_project_form_gb18030.html": ["project"],
    }


# ---- 01: tab-separated dump, two project forms ----------------------------------------------------


@pytest.fixture(scope="module")
def tab_forms() -> list[dict[str, Any]]:
    data = extract("01_project_forms_tab.txt")
    assert data["format"] == "jixiao/1"
    assert data["source"] == "01_project_forms_tab.txt"
    forms: list[dict[str, Any]] = data["forms"]
    return forms


def test_tab_forms_headers(tab_forms: list[dict[str, Any]]) -> None:
    first, second = tab_forms
    assert (first["line"], first["year"]) == (3, 2023)  # the 附件1 label above the title
    assert (second["line"], second["year"]) == (26, 2023)
    assert (first["project"], first["department"], first["implementer"]) == (
        "职工技能提升培训专项",
        "青禾县总工会",
        "经济技术部",
    )
    assert (second["project"], second["department"], second["implementer"]) == (
        "职工医疗互助补助专项",
        "青禾县总工会",
        "权益保障部",
    )
    for form in tab_forms:
        assert form["department_code"] is None and form["implementer_code"] is None
        assert form["scored"] is True


def test_tab_first_form_funds_keep_the_wrong_score(tab_forms: list[dict[str, Any]]) -> None:
    funds = tab_forms[0]["funds"]
    assert funds["total"] == {"initial": 80, "budget": 80, "executed": 72}
    assert funds["fiscal"] == {"initial": 80, "budget": 80, "executed": 72}
    assert funds["carryover"] == NO_FUNDS
    assert funds["other"] == NO_FUNDS
    # as stated: 90% execution, yet 10 of 10 (the deliberate defect)
    assert (funds["weight"], funds["rate"], funds["score"]) == (10, 0.9, 10)
    assert tab_forms[0]["provenance"]["funds.score"]["line"] == 9


def test_tab_first_form_goals(tab_forms: list[dict[str, Any]]) -> None:
    assert tab_forms[0]["goals"] == {
        "expected": "举办职工技能培训班12期，培训一线职工600人次以上，组织岗位技能比武3场。",
        "actual": "举办培训班12期，培训一线职工648人次，组织岗位技能比武3场；项目结余资金8万元。",
    }


def test_tab_first_form_indicators_with_shifted_cost_row(tab_forms: list[dict[str, Any]]) -> None:
    form = tab_forms[0]
    assert form["level1_weights"] == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert indicator_rows(form) == [
        ("产出指标", "数量指标", "举办职工技能培训班", "12期", "12期", 10, 10),
        ("产出指标", "数量指标", "培训一线职工人次", "≥600人次", "648人次", 10, 9),
        ("产出指标", "质量指标", "培训考核合格率", "≥90%", "95%", 10, 10),
        ("产出指标", "时效指标", "培训任务完成时间", "2023年11月底前", "2023年11月完成", 10, 10),
        ("产出指标", "成本指标", "人均培训成本", "≤1200元", "1111元", 10, 10),
        ("效益指标", "社会效益指标", "参训职工岗位技能水平", "明显提升", "明显提升", 15, 15),
        ("效益指标", "可持续影响指标", "培训成果在岗位持续应用", "长期", "长期", 15, 15),
        ("满意度指标", "服务对象满意度指标", "参训职工满意度", "≥90%", "93%", 10, 10),
    ]
    assert [row["line"] for row in form["indicators"]] == [16, 17, 18, 19, 20, 21, 22, 23]
    assert all(row["note"] is None for row in form["indicators"])
    assert (form["total_score"], form["grade"]) == (99, None)


def test_tab_second_form_funds(tab_forms: list[dict[str, Any]]) -> None:
    funds = tab_forms[1]["funds"]
    assert funds["total"] == {"initial": 150, "budget": 135, "executed": 135}
    assert funds["fiscal"] == {"initial": 120, "budget": 105, "executed": 105}
    assert funds["carryover"] == {"initial": 30, "budget": 30, "executed": 30}
    assert funds["other"] == {"initial": 0, "budget": 0, "executed": 0}
    assert (funds["weight"], funds["rate"], funds["score"]) == (10, 1, 10)


def test_tab_second_form_split_level1_header(tab_forms: list[dict[str, Any]]) -> None:
    form = tab_forms[1]
    # the headers as printed, although the rows under them weigh 45 and 35 (the deliberate defect)
    assert form["level1_weights"] == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert form["provenance"]["level1_weights.效益指标"]["line"] == 44
    rows = indicator_rows(form)
    assert len(rows) == 8
    assert rows[4:7] == [
        ("效益指标", "社会效益指标", "困难职工医疗负担减轻程度", "有效减轻", "有效减轻", 15, 15),
        ("效益指标", "社会效益指标", "职工因病致困返困户数", "较上年减少", "较上年减少12户", 10, 10),
        ("效益指标", "可持续影响指标", "医疗互助长效保障机制", "持续运行", "持续运行", 10, 10),
    ]
    assert rows[3] == ("产出指标", "成本指标", "补助资金支出总额", "≤135万元", "135万元", 10, 10)
    assert rows[7] == ("满意度指标", "服务对象满意度指标", "受助职工满意度", "≥90%", "96%", 10, 10)
    weights: dict[str, float] = {}
    for row in form["indicators"]:
        weights[row["level1"]] = weights.get(row["level1"], 0) + row["weight"]
    assert weights == {"产出指标": 45, "效益指标": 35, "满意度指标": 10}
    assert form["total_score"] == 100


# ---- 02: Markdown department form, framework layout -------------------------------------------------


@pytest.fixture(scope="module")
def department() -> dict[str, Any]:
    forms = extract("02_department_form.md")["forms"]
    assert len(forms) == 1
    form: dict[str, Any] = forms[0]
    return form


def test_department_header_and_funds(department: dict[str, Any]) -> None:
    assert department["kind"] == "department"
    assert department["layout"] == "framework"
    assert (department["line"], department["year"]) == (1, 2023)
    assert department["title"] == "云岭市总工会部门整体支出绩效自评表"  # heading mark dropped
    assert department["department"] == "云岭市总工会"
    assert department["funds"] == {
        "carryover": 12.5,
        "initial": 860,
        "adjustment": 45.3,
        "other_adjustment": 0,
        "executed": 893.1,
        "balance": 24.7,
    }
    assert department["provenance"]["funds.executed"]["line"] == 11


def test_department_subtotals_total_and_grade(department: dict[str, Any]) -> None:
    assert department["subtotals"] == {
        "投入": {"reference_weight": 20, "weight": 20, "score": 19},
        "过程": {"reference_weight": 40, "weight": 40, "score": 37},  # as stated; its rows give 36
        "产出": {"reference_weight": 20, "weight": 20, "score": 18},
        "效果": {"reference_weight": 20, "weight": 20, "score": 19},
    }
    assert department["provenance"]["subtotals.过程"]["line"] == 21
    assert (department["total_score"], department["grade"]) == (93, "优")


def test_department_indicators(department: dict[str, Any]) -> None:
    assert framework_rows(department) == [
        ("投入", "目标设定", "绩效目标合理性", 5, 5, 5),
        ("投入", "目标设定", "绩效指标明确性", 5, 5, 4),
        ("投入", "预算配置", "在职人员控制率", 4, 5, 5),
        ("投入", "预算配置", "“三公经费”变动率", 6, 5, 5),
        ("过程", "预算执行", "预算完成率", 5, 5, 5),
        ("过程", "预算执行", "预算调整率", 5, 5, 4),
        ("过程", "预算执行", "支付进度率", 5, 5, 4),
        ("过程", "预算执行", "结转结余率", 5, 5, 5),
        ("过程", "预算执行", "政府采购执行率", 5, 5, 5),
        ("过程", "预算管理", "管理制度健全性", 5, 5, 5),
        ("过程", "预算管理", "资金使用合规性", 5, 5, 5),
        ("过程", "资产管理", "资产管理安全性", 5, 5, 3),
        ("产出", "职责履行", "年度重点任务完成率", 10, 10, 9),
        ("产出", "职责履行", "职工服务项目完成质量", 10, 10, 9),
        ("效果", "履职效益", "社会效益", 10, 10, 10),
        ("效果", "履职效益", "可持续影响", 5, 5, 4),
        ("效果", "社会公众或服务对象满意度", "社会公众或服务对象满意度", 5, 5, 5),
    ]
    rows = department["indicators"]
    assert rows[4]["basis"] == "预算执行893.10万元/预算数917.80万元=97.31%"
    assert rows[2]["basis"] == "在职38人/编制40人=95%"
    assert (rows[0]["line"], rows[11]["line"], rows[16]["line"]) == (17, 29, 36)
    process = [row for row in rows if row["level1"] == "过程"]
    assert sum(row["score"] for row in process) == 36


# ---- 03: narrative report --------------------------------------------------------------------------


def test_report() -> None:
    forms = extract("03_self_evaluation_report.txt")["forms"]
    assert len(forms) == 1
    report = forms[0]
    assert report["kind"] == "report"
    assert (report["line"], report["year"]) == (1, 2023)
    assert report["title"] == "2023年度云岭市总工会部门整体支出绩效自评报告"
    assert report["department"] == "云岭市总工会"
    assert report["budget"] == {"budget": 860, "adjusted": 917.8, "executed": 893.1, "rate": 0.9731}
    assert report["provenance"]["budget.rate"]["line"] == 15
    projects = [
        (p["name"], p["group"], p["initial"], p["budget"], p["executed"], p["rate"], p["score"], p["grade"])
        for p in report["projects"]
    ]
    assert projects == [
        ("困难职工帮扶专项", "project", 180, None, 176.4, 0.98, None, None),
        ("职工疗休养补助", "project", 65, None, 65, 1, None, None),
        ("工会阵地建设维护", "project", 48, None, 36, 0.75, None, None),
    ]
    assert [p["line"] for p in report["projects"]] == [25, 35, 45]
    assert report["projects"][0]["provenance"]["executed"]["line"] == 29
    assert report["score_breakdown"] is None
    assert (report["total_score"], report["grade"]) == (93, "优")


# ---- 04: HTML saved as GB18030 ---------------------------------------------------------------------


def test_html_example_is_gb18030() -> None:
    raw = (EXAMPLES / "04_project_form_gb18030.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    source = read_path(EXAMPLES / "04_project_form_gb18030.html")
    assert (source.encoding, source.format) == ("gb18030", "html")
    assert source.lines[1] == "项目支出绩效自评表"


def test_html_example_form() -> None:
    forms = extract("04_project_form_gb18030.html")["forms"]
    assert len(forms) == 1
    form = forms[0]
    assert (form["kind"], form["line"], form["year"]) == ("project", 1, 2023)
    assert (form["project"], form["department"], form["implementer"]) == (
        "户外劳动者暖心驿站建设",
        "云岭市总工会",
        "基层工作部",
    )
    funds = form["funds"]
    assert funds["total"] == {"initial": 60, "budget": 60, "executed": 57}
    assert funds["fiscal"] == {"initial": 60, "budget": 60, "executed": 57}
    assert funds["carryover"] == NO_FUNDS and funds["other"] == NO_FUNDS
    # as stated: 98% and 9.8, although 57 / 60 is 95% (the deliberate defects)
    assert (funds["weight"], funds["rate"], funds["score"]) == (10, 0.98, 9.8)
    assert form["level1_weights"] == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert indicator_rows(form) == [
        ("产出指标", "数量指标", "新建暖心驿站数量", "≥10个", "12个", 10, 10),
        ("产出指标", "数量指标", "驿站年服务人次", "≥20000人次", "23560人次", 10, 10),
        ("产出指标", "质量指标", "驿站建设验收合格率", "100%", "100%", 15, 15),
        ("产出指标", "时效指标", "驿站建成投用时间", "2023年9月底前", "2023年9月", 15, 15),
        ("效益指标", "社会效益指标", "户外劳动者“歇脚难”问题缓解程度", "明显缓解", "明显缓解", 15, 15),
        ("效益指标", "可持续影响指标", "驿站常态化运营", "长期", "长期", 15, 15),
        ("满意度指标", "服务对象满意度指标", "户外劳动者满意度", "≥90%", "94%", 10, 10),
    ]
    assert form["indicators"][1]["line"] == 15
    assert form["total_score"] == 99.8


def test_html_example_goals_are_read_once_per_merged_cell() -> None:
    # 预期目标 and 实际完成情况 each span four columns: the copies a colspan leaves are not new text
    form = extract("04_project_form_gb18030.html")["forms"][0]
    assert form["goals"] == {
        "expected": "在全市新建10个以上户外劳动者暖心驿站，"
        "为快递员、外卖送餐员、环卫工人等户外劳动者提供歇脚、饮水、充电等服务。",
        "actual": "新建暖心驿站12个并全部投入使用，全年服务户外劳动者23560人次。",
    }
