"""Layouts beyond the common project form: transfer payments, department forms in the
project layout, years in Chinese digits, and reports that itemise their projects."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.model import DepartmentForm, ProjectForm, ReportForm
from jixiao.parse import parse_source
from jixiao.read.source import Cell, Row, Source
from jixiao.read.text import read_text

TRANSFER = "\n".join(
    [
        "中央对地方转移支付区域绩效自评表",
        "（二〇二三年度）",
        "",
        "转移支付名称\t\t青禾职工帮扶补助资金",
        "中央主管部门\t\t全国总工会\t\t地方主管部门\t青禾省总工会",
        "资金情况（万元）\t\t全年预算数（A）\t全年执行数（B）\t执行率（B/A）",
        "\t年度资金总额：\t500\t450\t90%",
        "\t其中：中央财政资金\t300\t300\t100%",
        "\t地方财政资金\t200\t150\t75%",
        "年度总体目标\t预期目标\t\t实际完成情况",
        "\t帮扶困难职工1000户\t\t帮扶困难职工980户",
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t全年实际完成值\t未完成原因和改进措施",
        "\t产出指标\t数量指标\t帮扶户数\t≥1000户\t980户\t部分职工已脱困",
        "\t\t质量指标\t资金发放准确率\t100%\t100%\t",
        "\t满意度指标\t服务对象满意度指标\t受助职工满意度\t≥90%\t95%\t",
    ]
)

DEPARTMENT_PROJECT_LAYOUT = "\n".join(
    [
        "2023年度青禾县总工会部门整体支出绩效自评表",
        "",
        "部门名称  青禾县总工会",
        "年初预算数  全年预算数  全年执行数  分值  执行率  得分",
        "年度资金总额  300  280  266  10  95%  9.5",
        "一级指标  二级指标  三级指标  年度指标值  实际完成值  分值  得分  偏差原因分析及改进措施",
        "产出指标(50分)  数量指标  培训职工人次  ≥500人次  520人次  25  25  无",
        "  质量指标  培训合格率  ≥95%  97%  25  25  无",
        "效益指标(30分)  社会效益指标  职工技能提升  明显提升  明显提升  30  28  部分培训效果待巩固",
        "满意度指标(10分)  服务对象满意度指标  学员满意度  ≥90%  93%  10  10  无",
        "总分  100  92.5",
    ]
)


def test_transfer_payment_form_keeps_central_and_local_rows() -> None:
    forms = parse_source(read_text(TRANSFER, "transfer.txt"))
    assert len(forms) == 1
    form = forms[0]
    assert isinstance(form, ProjectForm)
    assert form.year == 2023
    assert form.project == "青禾职工帮扶补助资金"
    assert form.department == "青禾省总工会"
    assert (form.funds.total.budget, form.funds.total.executed) == (Decimal(500), Decimal(450))
    assert form.funds.central is not None and form.funds.central.executed == Decimal(300)
    assert form.funds.local is not None and form.funds.local.executed == Decimal(150)
    assert form.funds.rate == Decimal("0.9")
    assert not form.scored
    assert [row.name for row in form.indicators] == ["帮扶户数", "资金发放准确率", "受助职工满意度"]
    assert form.indicators[0].note == "部分职工已脱困"
    assert form.indicators[1].level1 == "产出指标"
    assert form.goals.actual == "帮扶困难职工980户"


def test_department_form_in_project_layout() -> None:
    forms = parse_source(read_text(DEPARTMENT_PROJECT_LAYOUT, "dept.txt"))
    assert len(forms) == 1
    form = forms[0]
    assert isinstance(form, DepartmentForm)
    assert form.layout == "project"
    assert form.department == "青禾县总工会"
    assert form.funds.total.initial == Decimal(300)
    assert form.funds.score == Decimal("9.5")
    assert form.level1_weights == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert [(row.level2, row.weight, row.score) for row in form.indicators] == [
        ("数量指标", 25, 25),
        ("质量指标", 25, 25),
        ("社会效益指标", 30, 28),
        ("服务对象满意度指标", 10, 10),
    ]
    assert form.indicators[1].level1 == "产出指标"
    assert form.total_score == Decimal("92.5")


def test_report_itemising_project_funds() -> None:
    text = "\n".join(
        [
            "关于2023年度项目支出绩效自评工作情况的报告",
            "",
            "一、项目资金情况",
            "",
            "2023年，本会财政项目有2个，财政拨入经费300万元。其中：职工互助金200万元、"
            "工会阵地建设经费（含设备、维修）100万元，当年已全部使用完毕。",
        ]
    )
    forms = parse_source(read_text(text, "report.txt"))
    assert len(forms) == 1
    report = forms[0]
    assert isinstance(report, ReportForm)
    assert report.year == 2023
    assert report.budget.budget == Decimal(300)
    assert [(p.name, p.budget, p.group) for p in report.projects] == [
        ("职工互助金", Decimal(200), "project"),
        ("工会阵地建设经费（含设备、维修）", Decimal(100), "project"),
    ]


def test_report_figures_in_full_width_digits() -> None:
    """Typed with a Chinese input method: ６４．３６万元 is 64.36 万元 (the point too is full width)."""
    text = "\n".join(
        [
            "关于２０２３年度项目支出绩效自评工作情况的报告",
            "",
            "一、项目资金情况",
            "",
            "本年度部门预算数１１１４．３６万元，执行数１０９８．２０万元，执行率９８．５５％。",
            "（一）职工书屋建设经费。全年预算数６４．３６万元。",
        ]
    )
    report = parse_source(read_text(text, "report.txt"))[0]
    assert isinstance(report, ReportForm)
    assert (report.budget.budget, report.budget.executed) == (Decimal("1114.36"), Decimal("1098.20"))
    assert report.budget.rate == Decimal("0.9855")
    assert [(p.name, p.budget) for p in report.projects] == [("职工书屋建设经费", Decimal("64.36"))]


def _blank_cells_form(total_row: str, goal_row: str) -> ProjectForm:
    """A tab-separated project form (every grid column kept) with the given total and goal rows."""
    text = "\n".join(
        [
            "项目支出绩效自评表",
            "（2023年度）",
            "项目名称\t青禾职工书屋建设\t\t\t\t\t",
            "主管部门\t青禾县总工会\t\t实施单位\t青禾县总工会\t\t",
            "项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分",
            "\t年度资金总额\t20\t20\t18\t10\t90%\t9",
            "年度总体目标\t预期目标\t\t\t实际完成情况\t\t",
            goal_row,
            "绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分",
            "\t产出指标\t数量指标\t新建书屋数量\t≥10个\t10个\t50\t50",
            "\t满意度指标\t服务对象满意度指标\t职工满意度\t≥90%\t95%\t40\t40",
            total_row,
        ]
    )
    forms = parse_source(read_text(text, "blank.txt"))
    assert len(forms) == 1 and isinstance(forms[0], ProjectForm)
    return forms[0]


def test_total_row_with_blank_score_is_a_weight_total() -> None:
    form = _blank_cells_form("总分\t\t\t\t\t\t100\t", "\t新建书屋10个\t\t\t建成书屋10个\t\t")
    assert form.total_weight == Decimal(100)
    assert form.total_score is None


def test_total_row_with_both_values_keeps_both() -> None:
    form = _blank_cells_form("总分\t\t\t\t\t\t100\t99", "\t新建书屋10个\t\t\t建成书屋10个\t\t")
    assert (form.total_weight, form.total_score) == (Decimal(100), Decimal(99))


def test_blank_expected_goal_leaves_the_actual_in_its_place() -> None:
    form = _blank_cells_form("总分\t\t\t\t\t\t100\t99", "\t\t\t\t建成书屋10个\t\t")
    assert form.goals.expected is None
    assert form.goals.actual == "建成书屋10个"


def test_goal_texts_in_both_columns_are_expected_then_actual() -> None:
    form = _blank_cells_form("总分\t\t\t\t\t\t100\t99", "\t新建书屋10个\t\t\t建成书屋10个\t\t")
    assert (form.goals.expected, form.goals.actual) == ("新建书屋10个", "建成书屋10个")


def _framework_form(indicator_rows: list[str]) -> DepartmentForm:
    text = "\n".join(
        [
            "2023年度部门整体支出绩效自评表",
            "部门名称\t青禾县总工会",
            "一级指标\t二级指标\t三级指标\t参考分值\t设定分值\t得分\t评分依据",
            *indicator_rows,
        ]
    )
    forms = parse_source(read_text(text, "framework.txt"))
    assert len(forms) == 1 and isinstance(forms[0], DepartmentForm)
    return forms[0]


def test_framework_row_with_blank_reference_weight_keeps_its_columns() -> None:
    form = _framework_form(
        [
            "投入\t目标设定\t绩效目标合理性\t10\t10\t9\t目标基本合理",
            "\t预算配置\t在职人员控制率\t\t5\t5\t在职人数未超编",
        ]
    )
    row = form.indicators[1]
    assert (row.reference_weight, row.weight, row.score) == (None, Decimal(5), Decimal(5))
    first = form.indicators[0]
    assert (first.reference_weight, first.weight, first.score) == (Decimal(10), Decimal(10), Decimal(9))


def test_a_name_printed_under_two_groups_stays_under_the_group_beside_it() -> None:
    form = _framework_form(
        [
            "过程\t预算管理\t管理制度健全性\t\t2\t2\t制度齐全",
            "\t资产管理\t管理制度健全性\t\t2\t2\t制度齐全",
            "\t\t固定资产利用率\t\t2\t2\t98%",
        ]
    )
    assert [row.level2 for row in form.indicators] == ["预算管理", "资产管理", "资产管理"]


def test_a_name_of_one_group_under_another_label_goes_to_its_own_group() -> None:
    form = _framework_form(["过程\t资产管理\t资金使用合规性\t\t2\t2\t合规"])
    assert form.indicators[0].level2 == "预算管理"


def test_framework_row_from_a_dump_that_lost_its_grid_reads_in_order() -> None:
    form = _framework_form(["投入", "目标设定", "绩效目标合理性  10  10  9  目标基本合理"])
    row = form.indicators[0]
    assert (row.reference_weight, row.weight, row.score) == (Decimal(10), Decimal(10), Decimal(9))


CONTINUED_TABLE = "\n".join(
    [
        "项目支出绩效自评表",
        "（2023年度）",
        "项目名称\t职工书屋建设",
        "绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
        "\t产出指标（50分）\t数量指标\t新建书屋数\t≥10个\t10个\t20\t20\t",
        "\t\t质量指标\t图书入库率\t100%\t100%\t20\t20\t",
        "第 1 页，共 2 页",
        "绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
        "\t\t时效指标\t年底前完成\t12月\t12月\t10\t10\t",
        "\t满意度指标（10分）\t服务对象满意度指标\t职工满意度\t≥90%\t95%\t10\t10\t",
        "总分\t\t\t\t\t\t60\t60\t",
    ]
)


def test_indicator_header_repeated_on_a_new_page_is_no_indicator() -> None:
    """A table continued on the next page repeats its header row: it is not read as an indicator, and the
    rows after it keep the group of the merged 一级指标 cell that runs on from the page before."""
    forms = parse_source(read_text(CONTINUED_TABLE, "continued.txt"))
    form = forms[0]
    assert isinstance(form, ProjectForm)
    assert [row.name for row in form.indicators] == ["新建书屋数", "图书入库率", "年底前完成", "职工满意度"]
    assert form.indicators[2].level1 is not None and form.indicators[2].level1.startswith("产出指标")
    assert form.indicators[2].level2 == "时效指标"
    assert form.total_score == Decimal(60)


SPACED_DUMP = "\n".join(
    [
        "项目支出绩效自评表",
        "（2023年度）",
        "项目名称  职工书屋建设",
        "绩效指标  一级指标  二级指标  三级指标  年度指标值  实际完成值  分值  得分  偏差原因分析及改进措施",
        "  产出指标（50分）  数量指标  新建书屋数  ≥10个  10个  20  20  ",
        "        配送图书册数  ≥2000册  2100册  10  10  ",
        "      质量指标  图书入库率  100%  100%  20  20  ",
        "  满意度指标（10分）  服务对象满意度指标  职工满意度  ≥90%  95%  10  10  ",
        "总分  60  60",
    ]
)


def test_a_dump_that_spaced_its_cells_and_lost_the_blank_ones_reads_in_place() -> None:
    """Cells set apart by spaces, not tabs: a row under merged cells loses its leading blanks (up to three
    here), so its cells are placed by what they hold."""
    forms = parse_source(read_text(SPACED_DUMP, "spaced.txt"))
    form = forms[0]
    assert isinstance(form, ProjectForm)
    rows = [(row.level2, row.name, row.target, row.actual, row.weight, row.score) for row in form.indicators]
    assert rows == [
        ("数量指标", "新建书屋数", "≥10个", "10个", Decimal(20), Decimal(20)),
        ("数量指标", "配送图书册数", "≥2000册", "2100册", Decimal(10), Decimal(10)),
        ("质量指标", "图书入库率", "100%", "100%", Decimal(20), Decimal(20)),
        ("服务对象满意度指标", "职工满意度", "≥90%", "95%", Decimal(10), Decimal(10)),
    ]


def _grid_source(grid: list[list[tuple[str, bool]]], name: str) -> Source:
    """A source as the docx/PDF readers give a table: every grid slot a cell, a merged cell's
    copies marked inherited."""
    lines, rows = [], []
    for number, slots in enumerate(grid, start=1):
        cells = [Cell(text, number, col, inherited) for col, (text, inherited) in enumerate(slots)]
        lines.append("\t".join("" if inherited else text for text, inherited in slots))
        table = sum(1 for text, inherited in slots if text and not inherited) > 1
        rows.append(Row(cells if table else cells[:1], number, number, table, index=number - 1))
    return Source(path=name, lines=lines, rows=rows, format="pdf")


def _spanned(*cells: tuple[str, int]) -> list[tuple[str, bool]]:
    return [(text, copy > 0) for text, span in cells for copy in range(span)]


def test_framework_table_with_merged_header_and_cells_reads_each_value_once() -> None:
    """A table whose rows have their own cell borders: the reader's grid has more columns than the
    header names, and a merged cell repeats in every slot it covers (inherited)."""
    grid = [
        _spanned(("2023年度部门整体支出绩效自评表", 9)),
        _spanned(("部门名称", 2), ("青禾县总工会", 7)),
        _spanned(("二级指标", 1), ("三级指标", 2), ("指标分值", 3), ("计算分析情况", 2), ("评价得分", 1)),
        _spanned(("", 1), ("", 2), ("参考分值", 2), ("设定分值", 1), ("", 2), ("", 1)),
        _spanned(("目标设定", 1), ("绩效目标合理性", 2), ("3", 2), ("6", 1), ("目标基本合理", 2), ("5", 1)),
        _spanned(("", 1), ("在职人员控制率", 2), ("4", 2), ("2", 1), ("在职人数未超编", 2), ("2", 1)),
    ]
    forms = parse_source(_grid_source(grid, "framework.pdf"))
    assert len(forms) == 1 and isinstance(forms[0], DepartmentForm)
    values = [(row.reference_weight, row.weight, row.score) for row in forms[0].indicators]
    assert values == [(Decimal(3), Decimal(6), Decimal(5)), (Decimal(4), Decimal(2), Decimal(2))]


def _report(*lines: str) -> ReportForm:
    forms = parse_source(read_text("\n".join(lines), "report.txt"))
    return next(form for form in forms if isinstance(form, ReportForm))


def test_report_projects_listed_in_a_table_of_their_own() -> None:
    report = _report(
        "2023年度青禾县总工会项目支出绩效自评报告",
        "一、项目自评情况",
        "各项目执行和自评结果如下。",
        "项目名称\t年初预算（元）\t全年预算（元）\t执行数（元）\t预算执行率\t自评得分\t等级",
        "职工书屋建设\t200000\t250000\t240000\t96%\t92\t优",
        "合计\t200000\t250000\t240000\t96%\t\t",
        "二、存在的问题",
    )
    assert [(p.name, p.initial, p.budget, p.executed, p.rate, p.score, p.grade) for p in report.projects] == [
        ("职工书屋建设", Decimal(20), Decimal(25), Decimal(24), Decimal("0.96"), Decimal(92), "优")
    ]
    assert report.projects[0].provenance["budget"].col == 2


def test_report_table_headers_with_a_qualifier_before_the_column_word() -> None:
    report = _report(
        "2023年度青禾县总工会部门整体支出绩效自评报告",
        "各项目自评结果如下。",
        "项目名称\t全年预算数（万元）\t全年执行数（万元）\t执行率\t自评得分\t自评等级",
        "职工书屋建设\t25\t24\t96%\t92\t优",
    )
    assert [(p.budget, p.executed, p.score, p.grade) for p in report.projects] == [
        (Decimal(25), Decimal(24), Decimal(92), "优")
    ]


@pytest.mark.parametrize(
    "table",
    [
        ("项目名称\t负责科室\t联系人", "职工书屋建设\t宣传部\t张三"),  # no figures
        ("项目\t产出指标\t效益指标\t满意度指标\t预算执行率\t得分合计", "评价得分\t48\t28\t10\t9.5\t95.5"),  # scores
    ],
)
def test_a_table_without_project_amounts_gives_no_report_project(table: tuple[str, str]) -> None:
    report = _report("2023年度青禾县总工会部门整体支出绩效自评报告", "各部分情况见下表。", *table)
    assert report.projects == []
