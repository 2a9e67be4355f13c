"""Table recovery from flattened text, one invented fixture per layout (tests/fixtures/text/).

Each test reads its fixture with ``read_text`` and parses it with
``parse_source``, then checks the recovered cells (text, line, column) and the
extracted values exactly as FORMAT.md defines them: money in 万元, rates as
fractions, text as written, blank or dashed cells null, merged labels
inherited downwards.

Most fixtures hold the same invented form (青禾帮扶专项 of 青禾县总工会) in a
different layout, so they share the expected values below.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jixiao.parse import parse_source
from jixiao.read.source import Row, Source
from jixiao.read.text import read_text
from jixiao.render.jsonout import form_to_dict

FIXTURES = Path(__file__).parent / "fixtures" / "text"

NO_FUNDS = {"initial": None, "budget": None, "executed": None}
STANDARD_TOTAL = {"initial": 50, "budget": 50, "executed": 48}
STANDARD_WEIGHTS = {"产出指标": 60, "效益指标": 20, "满意度指标": 10}
STANDARD_ROWS = [
    ("产出指标", "数量指标", "帮扶困难职工人数", "≥100人", "104人", 30, 30),
    ("产出指标", "质量指标", "帮扶对象识别准确率", "100%", "100%", 30, 30),
    ("效益指标", "社会效益指标", "困难职工生活改善", "有改善", "有改善", 20, 18),
    ("满意度指标", "服务对象满意度指标", "受助职工满意度", "≥90%", "95%", 10, 10),
]
NOTE = "部分职工仍有困难，下年继续跟踪帮扶"


def load(name: str) -> Source:
    path = FIXTURES / name
    return read_text(path.read_text(encoding="utf-8"), str(path))


def forms_of(name: str) -> list[dict[str, Any]]:
    return [form_to_dict(form) for form in parse_source(load(name))]


def only_form(name: str) -> dict[str, Any]:
    forms = forms_of(name)
    assert len(forms) == 1, [form["kind"] for form in forms]
    return forms[0]


def row_at(source: Source, line: int) -> Row:
    found = [row for row in source.rows if row.line == line]
    assert len(found) == 1, f"no single row starts at line {line}"
    return found[0]


def texts(source: Source, line: int) -> list[str]:
    return row_at(source, line).texts


def indicator_rows(form: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (row["level1"], row["level2"], row["name"], row["target"], row["actual"], row["weight"], row["score"])
        for row in form["indicators"]
    ]


def funds_summary(form: dict[str, Any]) -> tuple[Any, ...]:
    funds = form["funds"]
    return (funds["total"], funds["weight"], funds["rate"], funds["score"])


# ---- the same form in every layout -------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "tab_separated.txt",
        "pipe_padding.txt",
        "space_runs.txt",
        "broken_labels.txt",
        "shifted_total_row.txt",
        "one_line_table.txt",
        "values_before_labels.txt",
    ],
)
def test_standard_form_indicators_in_every_layout(name: str) -> None:
    form = only_form(name)
    assert (form["kind"], form["line"], form["year"], form["title"]) == ("project", 1, 2023, "项目支出绩效自评表")
    assert form["project"] == "青禾帮扶专项"
    assert form["level1_weights"] == STANDARD_WEIGHTS
    assert indicator_rows(form) == STANDARD_ROWS
    assert form["total_score"] == 97.6


@pytest.mark.parametrize(
    "name",
    [
        "tab_separated.txt",
        "pipe_padding.txt",
        "space_runs.txt",
        "broken_labels.txt",
        "shifted_total_row.txt",
        "one_line_table.txt",
        "values_before_labels.txt",
    ],
)
def test_standard_form_funds_in_every_layout(name: str) -> None:
    form = only_form(name)
    assert funds_summary(form) == (STANDARD_TOTAL, 10, 0.96, 9.6)


# ---- tab_separated.txt ---------------------------------------------------------------------------


def test_tab_separated_cells() -> None:
    source = load("tab_separated.txt")
    title = row_at(source, 1)
    assert not title.table and title.texts == ["项目支出绩效自评表"]
    total = row_at(source, 6)
    assert total.table
    assert total.texts == ["", "年度资金总额", "50", "50", "48", "10", "96%", "9.6"]
    assert [(cell.line, cell.col) for cell in total.cells] == [(6, col) for col in range(8)]
    assert texts(source, 12)[0] == "绩效指标"
    assert texts(source, 17) == ["总分", "", "", "", "", "", "100", "97.6"]  # trailing blank cells dropped
    assert [row.line for row in source.rows] == list(range(1, 18))


def test_tab_separated_form() -> None:
    form = only_form("tab_separated.txt")
    assert (form["department"], form["implementer"]) == ("青禾县总工会", "权益保障部")
    assert (form["department_code"], form["implementer_code"], form["project_code"]) == (None, None, None)
    funds = form["funds"]
    assert funds["total"] == STANDARD_TOTAL
    assert funds["fiscal"] == STANDARD_TOTAL
    assert funds["carryover"] == {"initial": 0, "budget": 0, "executed": 0}
    assert funds["other"] == {"initial": 0, "budget": 0, "executed": 0}
    assert form["goals"] == {"expected": "全年帮扶困难职工100人以上。", "actual": "帮扶困难职工104人。"}
    assert [row["note"] for row in form["indicators"]] == [None, None, NOTE, None]
    assert [row["line"] for row in form["indicators"]] == [13, 14, 15, 16]
    provenance = form["provenance"]
    assert provenance["funds.total.executed"] == {"line": 6, "row": 5, "col": 4}
    assert provenance["project"]["line"] == 3
    assert form["indicators"][2]["provenance"]["note"]["line"] == 15
    assert form["indicators"][2]["provenance"]["note"]["col"] == 8
    assert (form["total_weight"], form["total_score"], form["grade"]) == (100, 97.6, None)


# ---- pipe_padding.txt ----------------------------------------------------------------------------


def test_pipe_padding_cells() -> None:
    source = load("pipe_padding.txt")
    assert texts(source, 3) == ["项目名称", "青禾帮扶专项"]  # "| ||||" padding is not cells
    assert texts(source, 4) == ["主管部门", "青禾县总工会", "", "实施单位", "权益保障部"]
    assert texts(source, 10) == ["", "质量指标", "帮扶对象识别准确率", "100%", "100%", "30", "30"]
    assert texts(source, 13) == ["总分", "", "", "", "", "100", "97.6"]
    assert [cell.col for cell in row_at(source, 10).cells] == list(range(7))
    assert all(row.table for row in source.rows[2:])


def test_pipe_padding_form() -> None:
    form = only_form("pipe_padding.txt")
    assert (form["department"], form["implementer"]) == ("青禾县总工会", "权益保障部")
    assert form["funds"]["fiscal"] == STANDARD_TOTAL
    assert form["funds"]["carryover"] == NO_FUNDS
    assert [row["line"] for row in form["indicators"]] == [9, 10, 11, 12]
    assert form["provenance"]["funds.total.budget"]["line"] == 6


# ---- space_runs.txt ------------------------------------------------------------------------------


def test_space_runs_cells() -> None:
    source = load("space_runs.txt")
    assert texts(source, 3) == ["项目名称", "青禾帮扶专项"]
    assert texts(source, 4) == ["主管部门", "青禾县总工会", "实施单位", "权益保障部"]  # ideographic spaces
    assert texts(source, 6) == ["年度资金总额", "50", "50", "48", "10", "96%", "9.6"]
    # the blank level-1 cell of an indented row leaves no trace: alignment is the parser's job
    assert texts(source, 10) == ["质量指标", "帮扶对象识别准确率", "100%", "100%", "30", "30"]
    assert texts(source, 13) == ["总分", "100", "97.6"]
    note = row_at(source, 14)  # a sentence with a double space is prose, not two cells
    assert not note.table
    assert note.texts == ["说明：本表金额单位为万元，  数据截至2023年12月31日。"]


def test_space_runs_form() -> None:
    form = only_form("space_runs.txt")
    assert (form["department"], form["implementer"]) == ("青禾县总工会", "权益保障部")
    assert form["funds"]["fiscal"] == STANDARD_TOTAL
    assert form["funds"]["other"] == NO_FUNDS
    assert [row["line"] for row in form["indicators"]] == [9, 10, 11, 12]
    assert form["indicators"][1]["provenance"]["level1"]["inherited"] is True


# ---- one_cell_per_line.txt -----------------------------------------------------------------------


def test_one_cell_per_line_cells() -> None:
    source = load("one_cell_per_line.txt")
    header = row_at(source, 4)
    assert header.table and (header.line, header.end_line) == (4, 7)
    assert header.texts == ["项目名称", "青禾帮扶专项", "预算单位", "青禾县总工会"]
    benefit = row_at(source, 43)
    assert benefit.texts == ["", "效益指标", "社会效益指标", "困难职工生活改善", "有改善", "有改善"]
    assert [cell.line for cell in benefit.cells] == [43, 44, 45, 47, 48, 49]  # "社会效益" / "指标" joined
    assert benefit.end_line == 49
    assert texts(source, 51)[2] == "服务对象满意度指标"
    assert [row.line for row in source.rows] == [1, 2, 4, 9, 15, 21, 25, 29, 36, 43, 51]


def test_one_cell_per_line_form() -> None:
    form = only_form("one_cell_per_line.txt")
    assert (form["kind"], form["line"], form["year"]) == ("project", 1, 2023)
    assert form["title"] == "项目支出绩效目标完成情况表"
    assert form["scored"] is False
    assert (form["project"], form["department"], form["implementer"]) == ("青禾帮扶专项", "青禾县总工会", None)
    funds = form["funds"]
    assert funds["total"] == {"initial": None, "budget": 50, "executed": 48}
    assert funds["fiscal"] == {"initial": None, "budget": 50, "executed": 48}
    assert funds["carryover"] == NO_FUNDS and funds["other"] == NO_FUNDS
    assert (funds["weight"], funds["rate"], funds["score"]) == (None, None, None)
    assert form["goals"] == {"expected": "全年帮扶困难职工100人以上。", "actual": "帮扶困难职工104人。"}
    assert form["level1_weights"] is None
    assert indicator_rows(form) == [
        ("产出指标", "数量指标", "帮扶困难职工人数", "≥100人", "104人", None, None),
        ("效益指标", "社会效益指标", "困难职工生活改善", "有改善", "有改善", None, None),
        ("满意度指标", "服务对象满意度指标", "受助职工满意度", "≧95%", "96%", None, None),
    ]
    assert [row["line"] for row in form["indicators"]] == [36, 43, 51]
    assert form["indicators"][1]["provenance"]["name"]["line"] == 47
    assert form["provenance"]["funds.total.executed"]["line"] == 13
    assert form["provenance"]["funds.fiscal.executed"]["line"] == 19
    assert form["total_score"] is None


# ---- shifted_cost_row.txt ------------------------------------------------------------------------


def test_shifted_cost_row() -> None:
    source = load("shifted_cost_row.txt")
    header = texts(source, 4)
    assert header.index("一级指标") == 1
    shifted = row_at(source, 7)
    assert (shifted.cells[1].text, shifted.cells[1].col) == ("成本指标", 1)  # in the level-1 column
    form = only_form("shifted_cost_row.txt")
    assert form["level1_weights"] == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert indicator_rows(form) == [
        ("产出指标", "数量指标", "帮扶困难职工人数", "≥100人", "104人", 20, 20),
        ("产出指标", "质量指标", "帮扶对象识别准确率", "100%", "100%", 10, 10),
        ("产出指标", "成本指标", "人均帮扶标准", "≤5000元", "4800元", 10, 10),
        ("产出指标", "成本指标", "帮扶资金支出总额", "≤50万元", "48万元", 10, 10),
        ("效益指标", "社会效益指标", "困难职工生活改善", "有改善", "有改善", 30, 30),
        ("满意度指标", "服务对象满意度指标", "受助职工满意度", "≥90%", "95%", 10, 10),
    ]
    cost = form["indicators"][2]
    assert cost["line"] == 7
    assert cost["provenance"]["name"] == {"line": 7, "row": 6, "col": 2}
    assert cost["provenance"]["score"]["col"] == 6
    assert all(row["note"] is None for row in form["indicators"])
    assert form["total_score"] == 90


# ---- split_level1_header.txt ---------------------------------------------------------------------


def test_split_level1_header() -> None:
    source = load("split_level1_header.txt")
    assert texts(source, 8)[0] == "（30分）"
    assert texts(source, 10) == ["(10分)"]
    form = only_form("split_level1_header.txt")
    assert form["level1_weights"] == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert form["provenance"]["level1_weights.效益指标"]["line"] == 8
    assert form["provenance"]["level1_weights.满意度指标"]["line"] == 10
    assert indicator_rows(form) == [
        ("产出指标", "数量指标", "帮扶困难职工人数", "≥100人", "104人", 30, 30),
        ("产出指标", "质量指标", "帮扶对象识别准确率", "100%", "100%", 20, 20),
        ("效益指标", "社会效益指标", "困难职工生活改善", "有改善", "有改善", 20, 20),
        ("效益指标", "社会效益指标", "困难职工家庭收入增长", "有增长", "有增长", 10, 10),
        ("满意度指标", "服务对象满意度指标", "受助职工满意度", "≥90%", "95%", 10, 10),
    ]
    assert [row["line"] for row in form["indicators"]] == [5, 6, 7, 8, 9]  # the (10分) row is no indicator
    assert form["total_score"] == 90


# ---- shifted_total_row.txt -----------------------------------------------------------------------


def test_shifted_total_row() -> None:
    source = load("shifted_total_row.txt")
    assert texts(source, 11)[5:7] == ["100", "97.6"]  # under 实际完成值 and 分值
    assert texts(source, 6).index("分值") == 6
    form = only_form("shifted_total_row.txt")
    assert (form["total_weight"], form["total_score"]) == (100, 97.6)
    assert form["provenance"]["total_score"] == {"line": 11, "row": 10, "col": 6}
    assert form["grade"] == "优"
    assert form["provenance"]["grade"]["line"] == 12
    assert [row["note"] for row in form["indicators"]] == [None, None, NOTE, None]
    assert form["funds"]["fiscal"] == NO_FUNDS


# ---- broken_labels.txt ---------------------------------------------------------------------------


def test_broken_labels() -> None:
    source = load("broken_labels.txt")
    assert texts(source, 5)[2:6] == ["年初 预算数", "全年预 算数", "全年执行数", "分 值"]  # cells as written
    form = only_form("broken_labels.txt")
    assert (form["project"], form["department"], form["implementer"]) == (
        "青禾帮扶专项",
        "青禾县总工会",
        "权益保障部",
    )
    funds = form["funds"]
    assert funds["total"] == STANDARD_TOTAL
    assert funds["fiscal"] == STANDARD_TOTAL
    assert funds["carryover"] == {"initial": 0, "budget": 0, "executed": 0}
    assert funds["other"] == {"initial": 0, "budget": 0, "executed": 0}
    assert (funds["weight"], funds["rate"], funds["score"]) == (10, 0.96, 9.6)  # 96.00%
    assert form["provenance"]["funds.total.initial"] == {"line": 6, "row": 5, "col": 2}
    assert form["provenance"]["funds.weight"]["col"] == 5
    assert [row["note"] for row in form["indicators"]] == [None, None, NOTE, None]
    assert (form["total_weight"], form["total_score"]) == (100, 97.6)  # "总 分"


# ---- merged_blank_cells.txt ----------------------------------------------------------------------


def test_merged_blank_cells_inherit_downwards() -> None:
    source = load("merged_blank_cells.txt")
    assert texts(source, 6)[:2] == ["", ""]
    form = only_form("merged_blank_cells.txt")
    levels = [(row["line"], row["level1"], row["level2"], row["name"]) for row in form["indicators"]]
    assert levels == [
        (5, "产出指标", "数量指标", "帮扶困难职工人数"),
        (6, "产出指标", "数量指标", "走访慰问困难职工户数"),
        (7, "产出指标", "数量指标", "帮扶资金发放笔数"),
        (8, "产出指标", "质量指标", "帮扶对象识别准确率"),
        (9, "产出指标", "质量指标", "帮扶资金发放准确率"),
        (10, "效益指标", None, "困难职工家庭收入增长"),  # no level-2 inherited into another level-1 group
        (11, "效益指标", "社会效益指标", "困难职工生活改善"),
        (12, "效益指标", "社会效益指标", "职工队伍和谐稳定"),
        (13, "满意度指标", "服务对象满意度指标", "受助职工满意度"),
    ]
    second = form["indicators"][1]["provenance"]["level1"]
    assert second == {"line": 5, "inherited": True}
    assert "inherited" not in form["indicators"][0]["provenance"]["level1"]
    assert form["level1_weights"] == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert [row["weight"] for row in form["indicators"]] == [10] * 9
    assert form["total_score"] == 90


# ---- one_line_table.txt --------------------------------------------------------------------------


def test_one_line_table_header_fields() -> None:
    source = load("one_line_table.txt")
    assert texts(source, 3) == ["项目名称", "青禾帮扶专项", "主管部门", "青禾县总工会", "实施单位", "权益保障部"]
    assert [(cell.line, cell.col) for cell in row_at(source, 3).cells] == [(3, col) for col in range(6)]
    assert texts(source, 7) == ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    form = only_form("one_line_table.txt")
    assert (form["project"], form["department"], form["implementer"]) == (
        "青禾帮扶专项",
        "青禾县总工会",
        "权益保障部",
    )
    assert form["provenance"]["department"] == {"line": 3, "row": 2, "col": 3}


def test_one_line_table_keeps_label_notes_with_their_label() -> None:
    # "全年预算数（A）" is one column: its (A) note is not a cell of its own
    source = load("one_line_table.txt")
    assert texts(source, 4) == [
        "项目资金（万元）",
        "年初预算数",
        "全年预算数（A）",
        "全年执行数（B）",
        "分值",
        "执行率（B/A）",
        "得分",
    ]


def test_one_line_table_funds() -> None:
    form = only_form("one_line_table.txt")
    funds = form["funds"]
    assert funds["total"] == STANDARD_TOTAL
    assert funds["fiscal"] == STANDARD_TOTAL
    assert (funds["weight"], funds["rate"], funds["score"]) == (10, 0.96, 9.6)
    assert form["provenance"]["funds.total.executed"] == {"line": 5, "row": 4, "col": 3}


# ---- units_and_numbers.txt -----------------------------------------------------------------------


def test_units_and_numbers_forms() -> None:
    forms = forms_of("units_and_numbers.txt")
    assert [(form["kind"], form["line"], form["project"]) for form in forms] == [
        ("project", 1, "青禾数字工会平台运维"),
        ("project", 18, "青禾职工书屋图书更新"),
    ]


def test_units_and_numbers_funds() -> None:
    form = forms_of("units_and_numbers.txt")[0]
    assert form["project"] == "青禾数字工会平台运维"
    funds = form["funds"]
    # 12,345,000元 → 1234.5 万元; 1,234.5万元; 0.12亿元 → 1200 万元
    assert funds["total"] == {"initial": 1234.5, "budget": 1234.5, "executed": 1200}
    assert funds["fiscal"] == {"initial": 1000, "budget": 1000, "executed": 980}
    assert funds["carryover"] == NO_FUNDS  # —, - and 无 state no amount
    assert funds["other"] == {"initial": 234.5, "budget": 234.5, "executed": 220}
    # full-width １０, 97.21％
    assert (funds["weight"], funds["rate"], funds["score"]) == (10, 0.9721, 9.72)
    assert form["provenance"]["funds.total.executed"] == {"line": 6, "row": 5, "col": 3}


def test_units_and_numbers_indicators() -> None:
    form = forms_of("units_and_numbers.txt")[0]
    assert form["level1_weights"] == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}  # （５０分）
    assert indicator_rows(form) == [
        # targets and actuals are strings as written; weights and scores are numbers
        ("产出指标", "数量指标", "平台服务职工人次", "≥1,200人次", "１３５６人次", 20, 20),
        ("产出指标", "质量指标", "系统可用率", "≧95%", "９６．５％", 15, 15),
        ("产出指标", "时效指标", "故障响应时间", "≤2小时", "1.5小时", 15, 14.5),
        ("效益指标", "社会效益指标", "线上办理业务占比", "≥60％", None, 30, 30),  # — is null
        ("满意度指标", "服务对象满意度指标", "用户满意度", "无", "无", 10, 10),  # 无 is content
    ]
    assert (form["total_weight"], form["total_score"]) == (100, 99.22)  # ９９.２２


def test_units_and_numbers_unit_in_the_funds_header() -> None:
    # 项目资金（元）: the bare amounts under it are 元, so 86,000.00 is 8.6 万元
    form = forms_of("units_and_numbers.txt")[1]
    funds = form["funds"]
    assert funds["total"] == {"initial": 8.6, "budget": 8.6, "executed": 8.17}
    assert funds["fiscal"] == {"initial": 8.6, "budget": 8.6, "executed": 8.17}
    assert (funds["weight"], funds["rate"], funds["score"]) == (10, 0.95, 9.5)
    assert indicator_rows(form)[0] == ("产出指标", "数量指标", "更新图书册数", "≥2,000册", "2,150册", 30, 30)
    assert form["total_score"] == 99.5


# ---- values_before_labels.txt --------------------------------------------------------------------


def test_values_before_labels_cells() -> None:
    source = load("values_before_labels.txt")
    assert texts(source, 5) == ["50", "50", "48", "10", "96%", "9.6", "年度资金总额"]
    assert texts(source, 7)[0] == "上年结转资金"


def test_values_before_labels_funds() -> None:
    form = only_form("values_before_labels.txt")
    funds = form["funds"]
    # the values before a trailing label fill the header's columns in order
    assert funds["total"] == STANDARD_TOTAL
    assert funds["fiscal"] == STANDARD_TOTAL
    assert funds["carryover"] == {"initial": 0, "budget": 0, "executed": 0}
    assert funds["other"] == {"initial": 0, "budget": 0, "executed": 0}
    assert (funds["weight"], funds["rate"], funds["score"]) == (10, 0.96, 9.6)
    assert form["provenance"]["funds.total.initial"] == {"line": 5, "row": 4, "col": 0}
    assert form["provenance"]["funds.score"] == {"line": 5, "row": 4, "col": 5}


# ---- rows that run over several lines by their own syntax -------------------------------------------

GRID = """\
+------+----------------+------+
| 指标 | 年度指标值     | 分值 |
+======+================+======+
| 帮扶 | 不少于100人，  | 30   |
| 人数 | 全年跟踪回访   |      |
+------+----------------+------+
| 合计 | 长期 up to 2   | 100  |
|      | years          |      |
+------+----------------+------+
| 说明：首尾两格合并           |
+------+----------------+------+
"""


def test_a_grid_tables_wrapped_lines_are_one_row_each_column_joined() -> None:
    rows = read_text(GRID, "grid.txt").rows
    assert [row.texts for row in rows] == [
        ["指标", "年度指标值", "分值"],
        ["帮扶人数", "不少于100人，全年跟踪回访", "30"],
        ["合计", "长期 up to 2 years", "100"],
        ["说明：首尾两格合并"],
    ]
    assert [(row.line, row.end_line) for row in rows] == [(2, 2), (4, 5), (7, 8), (10, 10)]
    assert rows[1].table and not rows[3].table


def test_a_rule_of_plus_signs_with_no_grid_rows_is_left_as_it_was() -> None:
    rows = read_text("+----+----+\n\n正文一行，没有表格。\n", "rule.txt").rows
    assert [row.texts for row in rows] == [["+----+----+"], ["正文一行，没有表格。"]]


def test_a_quoted_tab_cell_holding_line_feeds_is_one_cell() -> None:
    text = (
        '年度总体目标\t预期目标\t实际完成\n\t"1.帮扶100人。\n2.回访""两次""。"\t"1.帮扶104人。\n2.回访两次。"\n'
        "总分\t100\n"
    )
    rows = read_text(text, "quoted.txt").rows
    assert [row.texts for row in rows] == [
        ["年度总体目标", "预期目标", "实际完成"],
        ["", '1.帮扶100人。2.回访"两次"。', "1.帮扶104人。2.回访两次。"],
        ["总分", "100"],
    ]
    assert (rows[1].line, rows[1].end_line, rows[2].line) == (2, 4, 5)


def test_quotes_that_close_on_their_line_or_never_close_leave_lines_as_they_were() -> None:
    closed = read_text('名称\t"职工书屋"\t备注\n', "closed.txt").rows
    assert [row.texts for row in closed] == [["名称", '"职工书屋"', "备注"]]
    stray = read_text('说明\t"未闭合的引号\n下一行\t2\n', "stray.txt").rows
    assert [row.texts for row in stray] == [["说明", '"未闭合的引号'], ["下一行", "2"]]
