"""weights.* and total.*: level-1 headers, the 100-point total, the stated 总分 and grade.

Every fixture is invented: forms built from the model dataclasses, or a made-up
自评表 read through the real reader and parser.
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.checks import Context, run_checks
from jixiao.model import DepartmentForm, Finding, Form, Indicator, Loc, ProjectForm, ProjectFunds, ReportForm
from jixiao.parse import parse_source
from jixiao.read.text import read_text
from jixiao.rules.profile import load_profile

D = Decimal


def _review(form: Form, check_id: str, profile: str = "national", year: int = 2022) -> list[Finding]:
    ctx = Context(forms=[form], lines=[""] * 200, profile=load_profile(profile, year))
    return run_checks(ctx, only=[check_id])


def _row(line: int, level1: str, weight: str | None, score: str | None, name: str = "指标", **kw: str) -> Indicator:
    return Indicator(
        level1=level1,
        level2=None,
        name=name,
        line=line,
        weight=None if weight is None else D(weight),
        score=None if score is None else D(score),
        target=kw.get("target", "≥1"),
        actual=kw.get("actual", "1"),
    )


def _project(
    rows: list[Indicator],
    *,
    funds_weight: str | None = "10",
    funds_score: str | None = "10",
    total: str | None = None,
    grade: str | None = None,
    level1: dict[str, str] | None = None,
) -> ProjectForm:
    return ProjectForm(
        line=10,
        project="职工书屋建设专项",
        funds=ProjectFunds(
            weight=None if funds_weight is None else D(funds_weight),
            score=None if funds_score is None else D(funds_score),
        ),
        level1_weights=None if level1 is None else {key: D(value) for key, value in level1.items()},
        indicators=rows,
        total_score=None if total is None else D(total),
        grade=grade,
        provenance={"total_score": Loc(40), "grade": Loc(41)},
    )


def _standard_rows() -> list[Indicator]:
    return [
        _row(20, "产出指标", "20", "20"),
        _row(21, "产出指标", "30", "28"),
        _row(22, "效益指标", "30", "30"),
        _row(23, "满意度指标", "10", "9"),
    ]


_DEFAULT_SPLIT = {"产出指标": "50", "效益指标": "30", "满意度指标": "10"}

# ---- weights.level1_stated -----------------------------------------------------------------------


def test_level1_header_differs_from_its_rows() -> None:
    rows = [
        _row(20, "产出指标", "10", "10"),
        _row(21, "产出指标", "10", "10"),
        _row(22, "产出指标", "10", "10"),
        _row(23, "产出指标", "10", "10"),
        _row(24, "效益指标", "40", "40"),
        _row(25, "满意度指标", "10", "10"),
    ]
    findings = _review(_project(rows, level1=_DEFAULT_SPLIT), "weights.level1_stated")
    assert [(f.field, f.line, f.expected, f.found) for f in findings] == [
        ("level1_weights.产出指标", 20, D(50), D(40)),
        ("level1_weights.效益指标", 24, D(30), D(40)),
    ]
    assert findings[0].severity == "error"
    assert findings[0].message == "产出指标表头为 50 分，但其下各指标分值合计 40 分"


def test_level1_header_matching_its_rows_is_clean() -> None:
    assert _review(_project(_standard_rows(), level1=_DEFAULT_SPLIT), "weights.level1_stated") == []


def test_level1_header_read_from_an_invented_form() -> None:
    text = "\n".join(
        [
            "项目支出绩效自评表",
            "",
            "(2023 年度)",
            "",
            "项目名称\t\t职工书屋建设专项\t\t\t\t\t\t\t",
            "主管部门\t\t某县总工会\t\t\t实施单位\t宣传教育部\t\t\t",
            "项目资金 (万元)\t\t\t年初预算数\t全年预算数 (A)\t全年执行数 (B)\t分值\t执行率 (B/A)\t得分\t",
            "\t\t年度资金总额:\t80\t80\t80\t10\t100%\t10\t",
            "\t\t其中: 本年财政拨款\t80\t80\t80\t-\t\t-\t",
            "年度绩效指标完成情况\t一级指标\t二级指标\t三级指标\t\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
            "\t产出指标 (50分)\t数量指标\t新建职工书屋\t\t20 家\t20 家\t15\t15\t",
            "\t\t质量指标\t验收合格率\t\t100%\t100%\t15\t15\t",
            "\t效益指标 (30分)\t社会效益指标\t职工阅读量提升\t\t≥10%\t12%\t30\t30\t",
            "\t满意度指标 (10分)\t服务对象满意度指标\t职工满意度\t\t≥90%\t95%\t10\t10\t",
            "\t总分\t\t\t\t\t\t80\t80\t",
        ]
    )
    source = read_text(text, "invented.txt")
    forms = parse_source(source)
    ctx = Context(forms=forms, lines=source.lines, profile=load_profile("national", 2023))
    findings = run_checks(ctx, only=["weights.level1_stated", "weights.total", "total.sum_mismatch"])
    got = {(f.check, f.field, f.line, f.expected, f.found) for f in findings}
    assert ("weights.level1_stated", "level1_weights.产出指标", 11, D(50), D(30)) in got
    assert ("weights.total", None, 15, D(100), D(80)) in got  # 10 + 15 + 15 + 30 + 10
    assert not any(f.check == "total.sum_mismatch" for f in findings)  # 10 + 70 = 80 as stated


# ---- weights.total -------------------------------------------------------------------------------


def test_weights_not_adding_to_100() -> None:
    rows = _standard_rows()
    rows[1].weight = D(25)
    findings = _review(_project(rows), "weights.total")
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.field, finding.line, finding.expected, finding.found) == (None, 40, D(100), D(95))
    assert "资金分值 10 分" in finding.message and "= 95 分" in finding.message


def test_weights_adding_to_100_are_clean() -> None:
    assert _review(_project(_standard_rows()), "weights.total") == []


def test_inapplicable_row_with_rescaled_total_is_clean() -> None:
    rows = _standard_rows()
    rows.append(_row(24, "效益指标", None, None, name="生态效益", target="不适用", actual="不适用"))
    rows[2].weight = D(20)
    rows[2].score = D(20)
    # weights 10 + 20 + 30 + 20 + 10 = 90; scores 10 + 20 + 28 + 20 + 9 = 87 → rescaled 96.67
    form = _project(rows, total="96.67")
    assert _review(form, "weights.total") == []
    assert _review(form, "total.sum_mismatch") == []
    form.total_score = D(80)  # neither the raw 87 nor the rescaled 96.67
    assert len(_review(form, "weights.total")) == 1
    assert len(_review(form, "total.sum_mismatch")) == 1


# ---- weights.nonstandard -------------------------------------------------------------------------


def test_nonstandard_split_is_info() -> None:
    rows = [_row(20, "产出指标", "60", "60"), _row(21, "效益指标", "30", "30")]
    findings = _review(_project(rows), "weights.nonstandard")
    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity == "info"
    assert (finding.field, finding.line) == ("level1_weights", 20)
    assert finding.found == {"预算执行率": 10, "产出指标": 60, "效益指标": 30}
    assert finding.expected == {"预算执行率": 10, "产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert "与默认权重" in finding.message


def test_standard_split_is_clean() -> None:
    assert _review(_project(_standard_rows(), level1=_DEFAULT_SPLIT), "weights.nonstandard") == []


def test_nonstandard_silent_where_the_profile_sets_no_default() -> None:
    rows = [_row(20, "产出指标", "60", "60"), _row(21, "效益指标", "30", "30")]
    assert _review(_project(rows), "weights.nonstandard", profile="guizhou", year=2019) == []


def test_unscored_form_is_skipped() -> None:
    form = _project([_row(20, "产出指标", None, None)], funds_weight=None, funds_score=None)
    form.scored = False
    for check_id in ("weights.total", "weights.nonstandard", "weights.level1_stated", "total.sum_mismatch"):
        assert _review(form, check_id) == []


# ---- total.sum_mismatch --------------------------------------------------------------------------


def test_total_differs_from_the_scores() -> None:
    form = _project(_standard_rows(), total="99")  # 10 + 20 + 28 + 30 + 9 = 97
    findings = _review(form, "total.sum_mismatch")
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.field, finding.line, finding.expected, finding.found) == ("total_score", 40, D(97), D(99))
    assert finding.message == "总分写为 99 分，但资金得分 10 + 各指标得分 87 = 97 分"


def test_total_within_tolerance_is_clean() -> None:
    rows = _standard_rows()
    rows[1].score = D("27.74")  # exact total 96.74
    assert _review(_project(rows, total="96.74"), "total.sum_mismatch") == []
    assert _review(_project(rows, total="96.7"), "total.sum_mismatch") == []  # written to one decimal
    assert len(_review(_project(rows, total="96.8"), "total.sum_mismatch")) == 1


def test_report_score_table_must_add_up() -> None:
    report = ReportForm(
        line=1,
        title="某专项绩效评价报告",
        score_breakdown={"产出指标": D(48), "效益指标": D(30), "满意度指标": D(9), "预算执行率": D(10)},
        total_score=D(95),
        provenance={"total_score": Loc(30)},
    )
    findings = _review(report, "total.sum_mismatch")
    assert [(f.line, f.expected, f.found) for f in findings] == [(30, D(97), D(95))]
    report.total_score = D(97)
    assert _review(report, "total.sum_mismatch") == []
    # a table of the indicator groups only (no 预算执行 part) is not the whole total
    report.score_breakdown = {"产出指标": D(48), "效益指标": D(30), "满意度指标": D(9)}
    assert _review(report, "total.sum_mismatch") == []


def test_framework_department_total_is_the_sum_of_its_rows() -> None:
    rows = [
        Indicator(level1="投入", level2="目标设定", name="绩效目标合理性", line=20, weight=D(40), score=D(38)),
        Indicator(level1="过程", level2="预算执行", name="预算完成率", line=21, weight=D(60), score=D(50)),
    ]
    form = DepartmentForm(line=1, indicators=rows, total_score=D(90), provenance={"total_score": Loc(30)})
    findings = _review(form, "total.sum_mismatch")
    assert [(f.line, f.expected, f.found) for f in findings] == [(30, D(88), D(90))]
    assert findings[0].message == "总分写为 90 分，但各指标评价得分合计为 88 分"
    form.total_score = D(88)
    assert _review(form, "total.sum_mismatch") == []


# ---- total.grade_mismatch ------------------------------------------------------------------------


def test_grade_outside_the_band_of_the_total() -> None:
    findings = _review(_project(_standard_rows(), total="88.74", grade="优"), "total.grade_mismatch")
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.field, finding.line, finding.expected, finding.found) == ("grade", 41, "良", "优")
    assert finding.message.startswith("总分 88.74 分对应等级“良”")


def test_grade_in_band_is_clean() -> None:
    assert _review(_project(_standard_rows(), total="90", grade="优秀"), "total.grade_mismatch") == []
    assert _review(_project(_standard_rows(), total="89.5", grade="良"), "total.grade_mismatch") == []
    assert _review(_project(_standard_rows(), total="59", grade="差"), "total.grade_mismatch") == []
