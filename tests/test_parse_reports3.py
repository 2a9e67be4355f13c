"""Report and form parsing rules the third set of realistic documents (``fixtures/realistic3``) called
for, each on the smallest input that needs it, with a near miss where the rule must not apply."""

from __future__ import annotations

from typing import Any

from jixiao.pipeline import extract_source
from jixiao.read import read_bytes
from jixiao.render.jsonout import document_to_dict


def _forms(text: str, name: str = "t.txt") -> list[dict[str, Any]]:
    forms: list[dict[str, Any]] = document_to_dict(extract_source(read_bytes(text.encode("utf-8"), name)))["forms"]
    return forms


def _report(text: str, name: str = "t.txt") -> dict[str, Any]:
    (form,) = [form for form in _forms(text, name) if form["kind"] == "report"]
    return form


_DEPT = "某市妇联2023年度部门整体支出绩效自评报告\n一、部门基本情况\n市妇联内设4个部门。\n二、部门预算执行情况\n"


def test_budget_and_adjusted_budget_stated_paragraphs_before_the_rate() -> None:
    text = _DEPT + (
        "（一）预算安排\n部门预算总额1,586.32万元。年中追加专项资金112.00万元，调整后预算1,698.32万元。\n"
        "（二）预算执行\n全年实际支出1,652.10万元，预算执行率97.28%。\n"
    )
    budget = _report(text)["budget"]
    assert budget == {"budget": 1586.32, "adjusted": 1698.32, "executed": 1652.1, "rate": 0.9728}


def test_a_change_is_not_the_adjusted_budget_and_the_initial_budget_is_the_budget() -> None:
    text = _DEPT + (
        "2023年年初预算数为462.80万元，年中调整增加35.20万元，调整后预算数为498.00万元。"
        "全年实际支出481.56万元，预算执行率为96.70%。\n"
    )
    budget = _report(text)["budget"]
    assert (budget["budget"], budget["adjusted"]) == (462.8, 498)


def test_a_sentence_about_one_kind_of_spending_is_not_the_unit_budget_line() -> None:
    text = (
        "某市残联2023年度部门决算说明\n一、收入支出决算总体情况说明\n2023年度收入、支出总计均为3,128.46万元。\n"
        "二、“三公”经费支出决算情况说明\n“三公”经费支出预算为10.00万元，支出决算为8.62万元，完成预算的86.2%。\n"
    )
    assert _report(text)["budget"] == {"budget": None, "adjusted": None, "executed": 3128.46, "rate": None}
    # near miss: the unit's own sentence with a rate is still its budget line
    text = text.replace("总计均为3,128.46万元。", "预算3,200.00万元，支出3,128.46万元，执行率97.76%。")
    assert _report(text)["budget"]["rate"] == 0.9776


def test_a_multi_year_cumulative_amount_is_not_the_years_budget() -> None:
    text = (
        "某市总工会2023年度职工疗休养补助资金绩效评价报告\n一、基本情况\n"
        "2021—2023年累计安排补助资金2,416万元，2023年度安排860万元，较2022年的796万元增加64万元。"
        "项目实际支出842.56万元，预算执行率97.97%。\n"
    )
    (project,) = _report(text)["projects"]
    assert (project["budget"], project["executed"]) == (860, 842.56)


_MULTI = (
    "某县总工会2023年度项目支出绩效自评报告\n一、项目资金总体情况\n"
    "纳入自评的项目共2个，全年预算安排150.00万元，实际支出146.00万元，预算执行率97.33%。"
    "其中：困难职工帮扶项目100.00万元、职工文体活动项目50.00万元。\n"
    "二、项目绩效目标完成情况\n（一）困难职工帮扶项目\n1.资金使用情况。项目全年支出98.00万元。\n"
    "2.自评得分。该项目自评得分96分，等级为优。\n"
    "（二）职工文体活动项目\n1.资金使用情况。项目全年预算50.00万元，实际支出48.00万元，执行率96%。\n"
    "三、自评结论\n2个项目均完成年度绩效目标，其中职工文体活动项目自评等级为良。\n"
)


def test_a_list_names_projects_the_headings_list_again_once_with_the_total_its_parts_add_to() -> None:
    report = _report(_MULTI)
    names = [project["name"] for project in report["projects"]]
    assert names == ["困难职工帮扶", "职工文体活动"]
    first = report["projects"][0]
    assert (first["budget"], first["executed"]) == (100, 98)  # the 其中 list itemises the budget, not the spending


def test_a_score_or_grade_in_a_project_section_or_naming_a_project_is_that_projects() -> None:
    report = _report(_MULTI)
    first, second = report["projects"]
    assert (first["score"], first["grade"]) == (96, "优")
    assert second["grade"] == "良"
    assert (report["total_score"], report["grade"]) == (None, None)
    # near miss: the report's own score outside any project's section stays the report's
    report = _report(_MULTI + "四、综合评价\n经综合评价，部门项目支出自评得分95分，等级为优。\n")
    assert (report["total_score"], report["grade"]) == (95, "优")


def test_a_tabled_projects_own_section_fills_what_the_table_left_blank() -> None:
    text = (
        "# 某区总工会2023年度项目支出绩效自评报告\n\n## 一、项目基本情况\n\n共实施项目2个。\n\n"
        "| 项目名称 | 全年预算数（万元） | 全年执行数（万元） | 执行率 |\n|---|---|---|---|\n"
        "| 职工书屋建设 | 32.00 | 31.60 | 98.75% |\n| 疗休养基地改造 | 25.00 | 0 | 0 |\n\n"
        "## 二、绩效目标完成情况\n\n### （一）疗休养基地改造项目\n\n"
        "该项目年初安排25.00万元，因故未能开工。自评等级为差。\n"
    )
    projects = _report(text, "t.md")["projects"]
    assert projects[1]["name"] == "疗休养基地改造"
    assert (projects[1]["initial"], projects[1]["grade"]) == (25, "差")
    assert projects[0]["initial"] is None


def test_a_score_table_of_the_evaluation_frameworks_level1_names() -> None:
    text = (
        "某市总工会2023年度帮扶资金绩效评价报告\n一、基本情况\n项目全年预算100万元。\n二、评价结论\n"
        "指标\t决策\t过程\t产出\t效益\t合计\n分值\t15\t20\t35\t30\t100\n得分\t13.5\t17\t33\t28.5\t92\n"
    )
    assert _report(text)["score_breakdown"] == {"决策": 13.5, "过程": 17, "产出": 33, "效益": 28.5}


def test_a_department_final_accounts_title_without_shuoming_is_a_title() -> None:
    text = "雅江县总工会2023年度部门决算\n\n第一部分 部门概况\n一、基本职能\n负责维护职工合法权益。\n"
    report = _report(text)
    assert (report["title"], report["department"]) == ("雅江县总工会2023年度部门决算", "雅江县总工会")
    # near miss: a part heading naming the 决算 is no title
    text = "某县总工会2023年度部门决算\n\n第二部分 2023年度部门决算\n一、收入支出决算总体情况说明\n收入总计100万元。\n"
    assert len(_forms(text)) == 1


def test_goal_lines_that_carry_their_label() -> None:
    text = (
        "项目支出绩效自评表\n（2023年度）\n项目名称：法律援助\n"
        "项目资金（万元）\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
        "年度资金总额\t10\t10\t10\t10\t100%\t10\n年度总体目标\n"
        "预期目标：设立工作站40个。\n实际完成情况：设立工作站42个。\n"
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
        "产出指标\t数量指标\t工作站数\t≥40个\t42个\t90\t90\n"
    )
    (form,) = _forms(text)
    assert form["goals"] == {"expected": "设立工作站40个。", "actual": "设立工作站42个。"}


def test_scores_listed_for_the_projects_in_order_and_one_grade_for_all() -> None:
    text = (
        "某区总工会2023年度项目支出绩效自评报告\n一、基本情况\n实施项目2个。\n二、项目实施及资金使用情况\n"
        "1.“法律援助”项目：预算资金356,800.00元，实际支出352,460.00元，执行率98.78%。\n"
        "2.“金秋助学”项目：预算资金120,000.00元，实际支出120,000.00元，执行率100%。\n"
        "三、自评结论\n两个项目自评得分分别为97分和100分，等级均为优。\n"
    )
    report = _report(text)
    assert [(p["budget"], p["score"], p["grade"]) for p in report["projects"]] == [(35.68, 97, "优"), (12, 100, "优")]
    assert (report["total_score"], report["grade"]) == (None, None)
    # near miss: a list of scores that does not match the number of projects is left alone
    three = _report(text.replace("分别为97分和100分", "分别为97分、100分和96分"))
    assert [p["score"] for p in three["projects"]] == [None, None]


def test_a_unit_line_with_initial_and_full_year_budgets() -> None:
    """年初预算 X，全年预算 Y, then the spending and its rate: the budget and the adjusted budget."""
    text = _DEPT + "年初预算218.60万元，全年预算226.60万元，全年实际支出221.35万元，预算执行率97.68%。\n"
    assert _report(text)["budget"] == {"budget": 218.6, "adjusted": 226.6, "executed": 221.35, "rate": 0.9768}
    # near miss: a full-year budget alone stays the budget
    text = _DEPT + "全年预算226.60万元，全年实际支出221.35万元，预算执行率97.68%。\n"
    assert _report(text)["budget"]["budget"] == 226.6


def test_a_title_opening_with_guanyu_names_the_unit_after_it() -> None:
    text = "关于定川市文化和旅游局2022年度部门整体支出绩效评价报告\n一、基本情况\n内设7个科室。\n"
    assert _report(text)["department"] == "定川市文化和旅游局"
    # near miss: a unit whose own name is all the title has before the year
    text = "定川市文化和旅游局2022年度部门整体支出绩效评价报告\n一、基本情况\n内设7个科室。\n"
    assert _report(text)["department"] == "定川市文化和旅游局"


def test_a_score_table_set_the_other_way_round() -> None:
    text = (
        "某区残联2023年度辅助器具适配项目绩效评价报告\n一、基本情况\n项目全年预算45万元。\n二、评价结论\n"
        "一级指标\t分值\t得分\t得分率\n决策\t20\t18\t90%\n过程\t20\t18.5\t92.5%\n产出\t30\t28\t93.33%\n"
        "效益\t30\t27.5\t91.67%\n合计\t100\t92\t92%\n"
    )
    assert _report(text)["score_breakdown"] == {"决策": 18, "过程": 18.5, "产出": 28, "效益": 27.5}
    # near miss: an indicator table (二级 / 三级 columns) is no score table
    text = text.replace("一级指标\t分值\t得分\t得分率", "一级指标\t二级指标\t分值\t得分")
    assert _report(text)["score_breakdown"] is None


def test_a_project_title_with_de_before_the_report_word() -> None:
    text = "某区总工会关于2023年度职工互助保障项目的绩效自评报告\n一、项目基本情况\n全年预算92.00万元。\n"
    (project,) = _report(text)["projects"]
    assert project["name"] == "职工互助保障"
    # near miss: a project name that ends in 的 only through its own words keeps them
    text = "某区总工会2023年度职工互助保障项目绩效自评报告\n一、项目基本情况\n全年预算92.00万元。\n"
    assert _report(text)["projects"][0]["name"] == "职工互助保障"


def test_a_qualified_total_score_is_the_reports() -> None:
    text = _DEPT + "全年预算数386.50万元，全年执行数379.42万元，预算执行率98.17%。部门整体自评总分99.82分，等级为优。\n"
    assert _report(text)["total_score"] == 99.82
    # near miss: a bare 总分 is the scale, not the score
    text = _DEPT + "指标体系总分100分，分产出、效益、满意度三类。\n"
    assert _report(text)["total_score"] is None


_TRANSFERS = (
    "某县总工会2023年度中央对地方转移支付资金绩效自评报告\n一、绩效目标分解下达情况\n"
    "省总工会安排我县转移支付资金2项，合计165.00万元。\n二、绩效目标完成情况分析\n（一）资金投入情况\n"
    "1.困难职工帮扶补助资金。全年预算120.00万元，实际支出118.60万元，执行率98.83%。\n"
    "2.基层工会建设补助资金。全年预算45.00万元，实际支出45.00万元，执行率100%。\n"
    "（二）总体绩效目标完成情况\n合计支出163.60万元，综合执行率99.15%。\n"
)


def test_a_report_on_the_transfers_received_lists_each_and_their_total() -> None:
    report = _report(_TRANSFERS)
    assert [(p["name"], p["group"], p["budget"]) for p in report["projects"]] == [
        ("困难职工帮扶补助资金", "transfer", 120),
        ("基层工会建设补助资金", "transfer", 45),
    ]
    assert report["budget"] == {"budget": 165, "adjusted": None, "executed": 163.6, "rate": 0.9915}
    # near miss: a report on one transfer payment is that one project
    single = _report("某县总工会2023年度困难职工帮扶中央补助资金绩效自评报告\n一、基本情况\n全年预算120.00万元。\n")
    assert [(p["name"], p["budget"]) for p in single["projects"]] == [("困难职工帮扶中央补助资金", 120)]
