"""accounts.*: the "三公" breakdown and the income/expenditure structure of a 部门决算 (invented text)."""

from __future__ import annotations

from decimal import Decimal

from jixiao.checks import Context, run_checks
from jixiao.model import Finding, ReportForm
from jixiao.parse import parse_source
from jixiao.read.text import read_text
from jixiao.rules.profile import load_profile

D = Decimal

HEAD = [
    "第一部分 部门概况",
    "一、基本职能及主要工作",
    "承担本县职工服务阵地的建设与管理。",
    "第二部分 2022年度部门决算情况说明",
]


def _review(body: list[str], check_id: str, title: str = "") -> list[Finding]:
    lines = [*HEAD, *body] if not title else [title, *body]
    form = ReportForm(line=1, end_line=len(lines), title=title or None)
    ctx = Context(forms=[form], lines=lines, profile=load_profile("national", 2022))
    return run_checks(ctx, only=[check_id])


# ---- accounts.three_public_breakdown -------------------------------------------------------------

THREE_PUBLIC = [
    "七、“三公”经费支出情况",
    "本年度“三公”经费支出决算5.6万元，比预算节约1.4万元。",
    "分项看，因公出国（境）费支出0万元；公务用车购置及运行维护费支出3.2万元；公务接待费支出1.9万元。",
]


def test_three_public_total_differs_from_its_parts() -> None:
    findings = _review(THREE_PUBLIC, "accounts.three_public_breakdown")
    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity == "error"
    assert (finding.field, finding.line, finding.expected, finding.found) == (None, 6, D("5.6"), D("5.1"))
    assert finding.message == (
        "“三公”经费支出写为 5.6 万元，但因公出国（境）费 0 + 公务用车购置及运行维护费 3.2 + 公务接待费 1.9 = 5.1 万元"
    )


def test_three_public_with_car_purchase_and_running_listed_apart() -> None:
    body = [
        "“三公”经费支出合计4.5万元，比上年减少0.5万元。",
        "因公出国（境）费0万元；公务用车购置费2万元；公务用车运行维护费1.5万元；公务接待费1万元。",
    ]
    assert _review(body, "accounts.three_public_breakdown") == []
    body[1] = body[1].replace("公务接待费1万元", "公务接待费1.2万元")
    findings = _review(body, "accounts.three_public_breakdown")
    assert [(f.line, f.expected, f.found) for f in findings] == [(5, D("4.5"), D("4.7"))]


def test_three_public_adding_up_is_clean() -> None:
    body = [line.replace("5.6万元", "5.1万元") for line in THREE_PUBLIC]
    assert _review(body, "accounts.three_public_breakdown") == []


def test_three_public_budget_figures_are_not_the_total() -> None:
    body = [
        "“三公”经费预算数为8万元。",
        "其中：因公出国（境）费支出决算0万元；公务用车购置及运行维护费支出决算3.2万元；公务接待费支出决算1.9万元。",
    ]
    assert _review(body, "accounts.three_public_breakdown") == []


def test_three_public_outside_final_accounts_is_skipped() -> None:
    findings = _review(THREE_PUBLIC, "accounts.three_public_breakdown", title="2022年度某局部门整体支出绩效自评报告")
    assert findings == []


# ---- accounts.structure_sum ----------------------------------------------------------------------


def test_expenditure_structure_that_does_not_add_up() -> None:
    body = [
        "三、支出决算情况说明",
        "2022年本年支出合计300.5万元，其中：基本支出200.25万元，占66.6%；项目支出100.2万元，占33.4%；"
        "上缴上级支出0万元，占0%。",
    ]
    findings = _review(body, "accounts.structure_sum")
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.field, finding.line, finding.expected, finding.found) == (None, 6, D("300.5"), D("300.45"))
    assert finding.message == (
        "支出写为 300.5 万元，但其中所列 基本支出 200.25 + 项目支出 100.2 + 上缴上级支出 0 = 300.45 万元"
    )


def test_basic_expenditure_listed_line_by_line() -> None:
    body = [
        "六、一般公共预算财政拨款基本支出决算情况说明",
        "2022年一般公共预算财政拨款基本支出120.5万元，其中：",
        "人员经费100.5万元，主要包括：基本工资、津贴补贴、奖金等。",
        "公用经费21万元，主要包括：办公费、印刷费、水费、电费等。",
        "七、其他",
    ]
    findings = _review(body, "accounts.structure_sum")
    assert [(f.line, f.expected, f.found) for f in findings] == [(6, D("120.5"), D("121.5"))]
    body[3] = "公用经费20万元，主要包括：办公费、印刷费、水费、电费等。"
    assert _review(body, "accounts.structure_sum") == []


def test_functional_classes_must_add_up() -> None:
    body = [
        "（二）一般公共预算财政拨款支出决算结构情况",
        "2022年一般公共预算财政拨款支出200万元，主要用于以下方面：一般公共服务（类）支出150万元，占75%；"
        "社会保障和就业（类）支出30万元，占15%；住房保障（类）支出10万元，占5%。",
    ]
    findings = _review(body, "accounts.structure_sum")
    assert len(findings) == 1
    assert (findings[0].expected, findings[0].found) == (D(200), D(190))
    assert "一般公共服务（类） 150" in findings[0].message
    body[1] = body[1].replace("住房保障（类）支出10万元", "住房保障（类）支出20万元")
    assert _review(body, "accounts.structure_sum") == []


def test_structure_within_half_a_unit_is_clean_and_beyond_it_fires() -> None:
    body = ["2022年本年支出合计412.37万元，其中：基本支出286.15万元；项目支出126.22万元。"]
    assert _review(body, "accounts.structure_sum") == []
    body = ["2022年本年支出合计1000万元，其中：基本支出600万元；项目支出400.05万元。"]
    assert [(f.expected, f.found) for f in _review(body, "accounts.structure_sum")] == [(D(1000), D("1000.05"))]


def test_list_with_an_item_we_cannot_name_is_left_alone() -> None:
    body = ["2022年本年支出合计300万元，其中：基本支出200万元；项目支出90万元；结余分配5万元。"]
    assert _review(body, "accounts.structure_sum") == []


def test_total_not_itemised_is_left_alone() -> None:
    body = [
        "2022年本年支出合计300万元，比上年增加20万元，主要是基本支出增加；项目支出100万元。",
        "基本支出186.4万元，用途为在职和离退休人员的工资福利及机关日常运转。",
    ]
    assert _review(body, "accounts.structure_sum") == []


def test_structure_in_a_parsed_invented_final_accounts() -> None:
    text = "\n".join(
        [
            "某县总工会2022年度部门决算说明",
            "第一部分 部门概况",
            "一、基本职能及主要工作",
            "承担本县职工服务阵地的建设与管理，组织职工技能培训。",
            "第二部分 2022年度部门决算情况说明",
            "一、收入决算情况说明",
            "2022年本年收入合计88.8万元，其中：一般公共预算财政拨款收入80万元，占90%；事业收入0万元；其他收入8万元。",
            "二、支出决算情况说明",
            "2022年本年支出合计88.8万元，其中：基本支出60.8万元；项目支出28万元。",
            "第三部分 名词解释",
            "1.专项经费：本说明中指用于职工服务阵地建设的资金。",
        ]
    )
    source = read_text(text, "invented.txt")
    forms = parse_source(source)
    assert [form.kind for form in forms] == ["report"]
    ctx = Context(forms=forms, lines=source.lines, profile=load_profile("national", 2022))
    findings = run_checks(ctx, only=["accounts.structure_sum"])
    assert [(f.line, f.expected, f.found) for f in findings] == [(7, D("88.8"), D(88))]
    assert findings[0].message.startswith("收入写为 88.8 万元，但其中所列 一般公共预算财政拨款收入 80")


def test_next_sentence_itemising_a_part_ends_the_list() -> None:
    body = [
        "2023年本年支出合计150万元，其中基本支出90万元、项目支出50万元。",
        "基本支出90万元，其中人员经费70万元、公用经费20万元。",
    ]
    assert [(f.expected, f.found) for f in _review(body, "accounts.structure_sum")] == [(D(150), D(140))]
    body[0] = body[0].replace("项目支出50万元", "项目支出60万元")
    assert _review(body, "accounts.structure_sum") == []
