"""The HTML review report and index: structure, links, counts, escaping, no outside references.

The documents here are invented for the tests (``sample_document``); the other render
tests import it from this module.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import jixiao.rules.scoring as scoring
from jixiao.model import (
    Amounts,
    DepartmentForm,
    DepartmentFunds,
    Document,
    Finding,
    Form,
    Goals,
    Indicator,
    Loc,
    ProjectForm,
    ProjectFunds,
    ReportBudget,
    ReportForm,
    ReportProject,
    Subtotal,
)
from jixiao.pipeline import iter_inputs, read_and_extract, review_source
from jixiao.render.html import IndexEntry, canonical_field, index_html, review_html
from jixiao.render.outputs import output_stem, write_review_outputs

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
D = Decimal

MARKUP_NAME = "<p>职工书屋</p> & <b>更新</b>"
SCRIPT_NOTE = "<script>alert('注入')</script>"
QUOTED_MESSAGE = '得分与"分值"不符" onmouseover="alert(1)'


def sample_lines() -> list[str]:
    lines = [f"第{n}行　示例文本 {n}" for n in range(1, 61)]
    lines[2] = "<p>项目支出绩效自评表</p>"
    lines[4] = "<script>alert('源文件')</script>"
    lines[8] = "年度资金总额\t80\t80\t72\t10\t90%\t10"
    return lines


def sample_document() -> Document:
    """An invented review: a project form, a department form and a report, with findings of every kind."""
    project = ProjectForm(
        line=3,
        end_line=24,
        year=2023,
        title="项目支出绩效自评表",
        project=MARKUP_NAME,
        department="青禾县总工会",
        implementer="宣传教育部",
        funds=ProjectFunds(
            total=Amounts(D("80"), D("80"), D("72")),
            fiscal=Amounts(D("80"), D("80"), D("72")),
            weight=D("10"),
            rate=D("0.9"),
            score=D("10"),
        ),
        goals=Goals("新建职工书屋5个", "新建职工书屋5个，更新图书2000册"),
        level1_weights={"产出指标": D("50"), "效益指标": D("30"), "满意度指标": D("10")},
        indicators=[
            Indicator("产出指标", "数量指标", "新建职工书屋", 16, "5个", "5个", D("25"), D("25")),
            Indicator("产出指标", "数量指标", "更新图书册数", 17, "≥2000册", "2100册", D("25"), D("23"),
                      note=SCRIPT_NOTE),
            Indicator("效益指标", "社会效益指标", "职工阅读参与度", 18, "明显提高", "明显提高", D("30"), D("30")),
            Indicator("满意度指标", "服务对象满意度指标", "职工满意度", 19, "≥90%", "95%", D("10"), D("10")),
        ],
        total_weight=D("100"),
        total_score=D("98"),
        grade="优",
        provenance={"funds.score": Loc(9, 1, 7), "total_score": Loc(20, 9, 6)},
    )
    department = DepartmentForm(
        line=26,
        end_line=40,
        year=2023,
        title="青禾县总工会部门整体支出绩效自评表",
        department="青禾县总工会",
        overall_funds=DepartmentFunds(D("12.5"), D("860"), D("45.3"), D("0"), D("893.1"), D("24.7")),
        indicators=[
            Indicator("投入", "目标设定", "绩效目标合理性", 28, weight=D("20"), score=D("19"),
                      reference_weight=D("20"), basis="目标合理"),
            Indicator("过程", "预算执行", "预算完成率", 30, weight=D("40"), score=D("36"),
                      reference_weight=D("40"), basis="893.1/917.8=97.31%"),
            Indicator("产出", "职责履行", "重点任务完成率", 32, weight=D("20"), score=D("18"),
                      reference_weight=D("20"), basis="11/12"),
            Indicator("效果", "履职效益", "社会效益", 34, weight=D("20"), score=D("19"),
                      reference_weight=D("20"), basis="服务职工12.6万人次"),
        ],
        subtotals={
            "投入": Subtotal(D("20"), D("19"), D("20"), 27),
            "过程": Subtotal(D("40"), D("37"), D("40"), 29),
            "产出": Subtotal(D("20"), D("18"), D("20"), 31),
            "效果": Subtotal(D("20"), D("19"), D("20"), 33),
        },
        total_weight=D("100"),
        total_score=D("93"),
        grade="优",
    )
    report = ReportForm(
        line=42,
        end_line=60,
        year=2023,
        department="青禾县总工会",
        title="2023年度青禾县总工会部门整体支出绩效自评报告",
        budget=ReportBudget(D("860"), D("917.8"), D("893.1"), D("0.9731")),
        projects=[
            ReportProject("职工书屋建设", "project", 50, initial=D("80"), executed=D("72"), rate=D("0.9")),
            ReportProject("困难职工帮扶", "project", 52, initial=D("180"), executed=D("176.4"), rate=D("0.98")),
        ],
        total_score=D("93"),
        grade="优",
    )
    findings = [
        Finding("funds.score_mismatch", "error", 0, "funds.score", 9,
                "“<p>职工书屋</p>”资金得分应为 9 分 & 表中填 10 分", D("9"), D("10")),
        Finding("indicator.score_mismatch", "error", 0, "indicators[1].score", 17, QUOTED_MESSAGE, D("25"), D("23")),
        Finding("indicator.reason_missing", "warning", 0, "indicators[1].note", 17,
                "得分低于分值但未写偏差原因", "偏差原因", None),
        Finding("weights.nonstandard", "info", 0, "level1_weights.产出指标", 14, "一级指标权重与默认不同", None, None),
        Finding("dept.subtotal_mismatch", "error", 1, "subtotals.过程.score", 29,
                "过程小计 37 分，明细合计 36 分", D("36"), D("37")),
        Finding("year.mismatch", "warning", 2, None, 45, "报告写“2021年度”，评价年度为 2023", 2023, 2021),
        Finding("report.section_missing", "info", None, None, None, "缺少“存在的问题”一节", None, None),
    ]
    return Document(
        source="示例<审核>&报告.txt", forms=[project, department, report], findings=findings, profile="national"
    )


@dataclass
class Parsed:
    """What the tests need from a page: ids, links, elements by class, scripts, resource attributes."""

    ids: set[str] = field(default_factory=set)
    finding_links: dict[str, list[str]] = field(default_factory=dict)
    finding_ids: list[str] = field(default_factory=list)
    attributes: list[tuple[str, str, str]] = field(default_factory=list)
    tags: Counter[str] = field(default_factory=Counter)
    counts: dict[str, int] = field(default_factory=dict)
    by_check: dict[str, dict[str, int]] = field(default_factory=dict)
    text: str = ""
    title: str = ""
    source_rows: dict[str, str] = field(default_factory=dict)
    red_cells: set[str] = field(default_factory=set)
    styles: str = ""


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = Parsed()
        self.finding: str | None = None
        self.count: str | None = None
        self.check_row: str | None = None
        self.check_cell: str | None = None
        self.in_title = False
        self.in_style = False
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.out.tags[tag] += 1
        for name, value in values.items():
            self.out.attributes.append((tag, name, value))
        classes = values.get("class", "").split()
        if "id" in values:
            self.out.ids.add(values["id"])
            if tag == "tr" and re.fullmatch(r"L\d+", values["id"]):
                self.out.source_rows[values["id"]] = values.get("class", "")
        if tag == "li" and "finding" in classes:
            self.finding = values["id"]
            self.out.finding_ids.append(values["id"])
            self.out.finding_links[values["id"]] = []
        if tag == "a" and self.finding is not None:
            self.out.finding_links[self.finding].append(values.get("href", ""))
        if tag == "b" and "data-count" in values:
            self.count = values["data-count"]
        if tag == "tr" and "data-check" in values:
            self.check_row = values["data-check"]
            self.out.by_check[self.check_row] = {}
        if tag == "td" and self.check_row is not None and "data-severity" in values:
            self.check_cell = values["data-severity"]
        if tag == "td" and "bad" in classes and "data-field" in values:
            self.out.red_cells.add(values["data-field"])
        if tag == "td" and "bad" in classes and "data-recomputed" in values:
            self.out.red_cells.add("recomputed:" + values["data-recomputed"])
        self.in_title = tag == "title"
        self.in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self.finding = None
        if tag == "tr":
            self.check_row = None
        if tag in ("title", "style"):
            self.in_title = self.in_style = False

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)
        if self.in_title:
            self.out.title += data
        if self.in_style:
            self.out.styles += data
        if self.count is not None:
            self.out.counts[self.count] = int(data)
            self.count = None
        if self.check_cell is not None and self.check_row is not None:
            self.out.by_check[self.check_row][self.check_cell] = int(data)
            self.check_cell = None

    def close(self) -> None:
        super().close()
        self.out.text = "".join(self.chunks)


def parse(page: str) -> Parsed:
    parser = _Parser()
    parser.feed(page)
    parser.close()
    return parser.out


def assert_self_contained(parsed: Parsed, page: str) -> None:
    """No resource from outside the page: no http(s) or protocol-relative URL, no <link>, no script src."""
    for tag, name, value in parsed.attributes:
        if name in ("href", "src", "action", "srcset", "poster", "data"):
            lowered = value.strip().lower()
            assert not lowered.startswith(("http://", "https://", "//")), (tag, name, value)
        assert not (tag == "script" and name == "src"), (tag, name, value)
    assert parsed.tags["link"] == 0
    assert parsed.tags["iframe"] == 0 and parsed.tags["img"] == 0
    assert "url(" not in parsed.styles and "@import" not in parsed.styles
    assert "http://" not in page and "https://" not in page


@pytest.fixture
def no_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend the scoring engine is not installed: the report shows stated values only."""
    monkeypatch.setitem(sys.modules, "jixiao.rules.scoring", None)


def fake_explain(form: Form, profile: object) -> list[tuple[str, Any, object]]:
    """A scoring engine stand-in: the funds score recomputed as 9 (stated 10), the total as stated."""
    if not isinstance(form, ProjectForm):
        return []
    return [
        ("funds.score", SimpleNamespace(rule="min(执行率, 1) × 分值", parameters={"分值": 10},
                                        inputs={"执行率": D("0.9")}, result=D("9.00"), reference="财预〔2020〕10号"),
         form.funds.score),
        ("indicators.0.score", SimpleNamespace(rule="正向", parameters={}, inputs={}, result=D("25"),
                                               reference=None), form.indicators[0].score),
        ("total_score", SimpleNamespace(rule="合计", parameters={}, inputs={}, result=D("98"), reference=None),
         form.total_score),
    ]


def test_every_finding_links_to_an_existing_line_anchor(no_engine: None) -> None:
    document = sample_document()
    lines = sample_lines()
    parsed = parse(review_html(document, lines))
    assert len(parsed.finding_ids) == len(document.findings or [])
    for finding_id, finding in zip(parsed.finding_ids, document.findings or [], strict=True):
        anchors = [href for href in parsed.finding_links[finding_id] if re.fullmatch(r"#L\d+", href)]
        if finding.line is None:
            assert anchors == []
            continue
        assert anchors == [f"#L{finding.line}"], finding
        assert anchors[0][1:] in parsed.ids
    # every line of the source is an anchor, and every in-page link lands on an element
    assert {f"L{n}" for n in range(1, len(lines) + 1)} <= parsed.ids
    for _, name, value in parsed.attributes:
        if name == "href" and value.startswith("#"):
            assert value[1:] in parsed.ids, value


def test_cited_lines_are_highlighted_by_their_worst_severity(no_engine: None) -> None:
    parsed = parse(review_html(sample_document(), sample_lines()))
    assert "sev-error" in parsed.source_rows["L9"].split()
    assert "sev-error" in parsed.source_rows["L17"].split()  # an error and a warning: the error wins
    assert "sev-warning" in parsed.source_rows["L45"].split()
    assert "sev-info" in parsed.source_rows["L14"].split()
    assert not any(c.startswith("sev-") for c in parsed.source_rows["L10"].split())


def test_summary_counts_match_the_findings(no_engine: None) -> None:
    document = sample_document()
    parsed = parse(review_html(document, sample_lines()))
    expected = Counter(finding.severity for finding in document.findings or [])
    assert parsed.counts == {"error": expected["error"], "warning": expected["warning"], "info": expected["info"]}
    by_check: dict[str, Counter[str]] = {}
    for finding in document.findings or []:
        by_check.setdefault(finding.check, Counter())[finding.severity] += 1
    assert set(parsed.by_check) == set(by_check)
    for check_id, row in parsed.by_check.items():
        assert row == {s: by_check[check_id][s] for s in ("error", "warning", "info")}


def test_no_outside_resources_and_title_is_the_source(no_engine: None) -> None:
    document = sample_document()
    page = review_html(document, sample_lines())
    parsed = parse(page)
    assert_self_contained(parsed, page)
    assert parsed.title == document.source
    assert parsed.tags["script"] == 1  # the page's own inline script, nothing from the document
    assert parsed.tags["style"] == 1


def test_document_text_is_escaped(no_engine: None) -> None:
    page = review_html(sample_document(), sample_lines())
    parsed = parse(page)
    # the markup in names, notes, messages and source lines is shown as text, never parsed
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(&#x27;注入&#x27;)&lt;/script&gt;" in page
    # the only elements are the page's own: every <p> has its class, <b> only for counts and 应为/实为
    assert parsed.tags["p"] == sum(1 for tag, name, _ in parsed.attributes if tag == "p" and name == "class")
    assert parsed.tags["b"] == len(parsed.counts) + page.count("应为 <b>") + page.count("实为 <b>")
    assert MARKUP_NAME in parsed.text
    assert SCRIPT_NOTE in parsed.text
    assert "<p>项目支出绩效自评表</p>" in parsed.text
    assert "示例<审核>&报告.txt" in parsed.text
    # a quote in a message cannot open an attribute
    assert not any(name == "onmouseover" for _, name, _ in parsed.attributes)
    assert QUOTED_MESSAGE in parsed.text


def test_forms_show_their_figures_and_missing_engine_is_said(no_engine: None) -> None:
    parsed = parse(review_html(sample_document(), sample_lines()))
    text = parsed.text
    for expected in ("项目资金（万元）", "年度资金总额", "90%", "绩效指标", "更新图书册数", "≥2000册",
                     "过程（小计）", "预算完成率", "893.1/917.8=97.31%", "预算执行（万元）", "97.31%",
                     "困难职工帮扶", "176.4", "文档级发现", "复算引擎不可用"):
        assert expected in text, expected
    assert {"form-1", "form-2", "form-3"} <= parsed.ids
    assert parsed.red_cells == set()


def test_recomputed_values_stand_beside_stated_ones_and_differences_are_red(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(scoring, "explain_form", fake_explain)
    parsed = parse(review_html(sample_document(), sample_lines()))
    assert "funds.score" in parsed.red_cells
    assert "recomputed:funds.score" in parsed.red_cells
    assert "indicators[0].score" not in parsed.red_cells  # recomputed 25, stated 25
    assert "total_score" not in parsed.red_cells
    assert "复算明细" in parsed.text and "财预〔2020〕10号" in parsed.text
    assert "复算引擎不可用" not in parsed.text


def test_a_failing_engine_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(form: Form, profile: object) -> list[tuple[str, Any, object]]:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(scoring, "explain_form", broken)
    parsed = parse(review_html(sample_document(), sample_lines()))
    assert "复算失败" in parsed.text and "ZeroDivisionError" in parsed.text


def test_field_paths_in_one_spelling() -> None:
    assert canonical_field("indicators.3.score") == "indicators[3].score"
    assert canonical_field("indicators[3].score") == "indicators[3].score"
    assert canonical_field('subtotals["过程"].score') == "subtotals.过程.score"
    assert canonical_field("overall_funds.balance") == "funds.balance"
    assert canonical_field("indicators[*].weight") == "indicators[*].weight"
    assert canonical_field(None) is None


def index_entries() -> list[IndexEntry]:
    first = IndexEntry.from_document(sample_document(), "a.html", "a.xlsx")
    second = IndexEntry(
        source="<b>乙</b>.txt", report="b%23.html", department="云岭市<总工会>", year=2022,
        forms=("project",), findings=(("funds.rate_mismatch", "error"), ("indicator.placeholder", "warning")),
    )
    third = IndexEntry(source="坏文件.pdf", report=None, problems=("无法读取：<加密>",))
    return [first, second, third]


def test_index_lists_every_file_with_counts_and_links() -> None:
    entries = index_entries()
    page = index_html(entries)
    parsed = parse(page)
    assert_self_contained(parsed, page)
    rows = [value for tag, name, value in parsed.attributes if tag == "tr" and name == "data-findings"]
    assert len(rows) == len(entries)
    hrefs = [value for tag, name, value in parsed.attributes if tag == "a" and name == "href"]
    assert hrefs == ["a.html", "a.xlsx", "b%23.html"]
    cells = [value for tag, name, value in parsed.attributes if tag == "td" and name == "data-sort"]
    # file, year, forms, errors, warnings, infos per row
    assert cells[:6] == ["示例<审核>&报告.txt", "2023", "3", "3", "2", "2"]
    assert cells[6:12] == ["<b>乙</b>.txt", "2022", "1", "1", "1", "0"]
    assert "<b>乙</b>.txt" in parsed.text and "云岭市<总工会>" in parsed.text and "无法读取：<加密>" in parsed.text
    assert "<b>乙</b>" not in page
    # the filters offer every check, department and year found
    options = [value for tag, name, value in parsed.attributes if tag == "option" and name == "value"]
    assert {"funds.score_mismatch", "report.section_missing", "funds.rate_mismatch"} <= set(options)
    assert {"error", "warning", "info", "青禾县总工会", "云岭市<总工会>", "2022", "2023"} <= set(options)
    pairs = dict(zip(["first", "second", "third"], rows, strict=True))
    assert "dept.subtotal_mismatch|error" in pairs["first"].split()
    assert pairs["third"] == ""


def test_write_review_outputs_writes_reports_workbooks_and_index(tmp_path: Path) -> None:
    first = sample_document()
    second = sample_document()
    second.source = "index.txt"
    unreadable = Document(source="坏.pdf", problems=[])
    written = write_review_outputs([(first, sample_lines()), (second, sample_lines()), (unreadable, None)], tmp_path)
    names = [path.name for path in written]
    assert names == ["示例<审核>&报告.html", "示例<审核>&报告.xlsx", "index-2.html", "index-2.xlsx", "index.html"]
    assert all(path.stat().st_size > 0 for path in written)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    hrefs = [value for tag, name, value in parse(index).attributes if tag == "a" and name == "href"]
    assert hrefs[2:] == ["index-2.html", "index-2.xlsx"]
    assert "坏.pdf" in parse(index).text


def test_output_stems_are_unique_and_keep_the_index_free() -> None:
    taken = {"index"}
    assert [output_stem(name, taken) for name in ("a.txt", "dir/a.md", "A.html", "index.html", "b")] == [
        "a", "a-2", "A-3", "index-2", "b"]


def test_examples_render_with_the_real_pipeline(tmp_path: Path) -> None:
    pairs = []
    for path in iter_inputs([EXAMPLES]):
        document, source = read_and_extract(path)
        assert source is not None
        review_source(document, source)
        pairs.append((document, source.lines))
    written = write_review_outputs(pairs, tmp_path)
    assert len(written) == 2 * len(pairs) + 1
    for document, lines in pairs:
        page = (tmp_path / f"{Path(document.source).stem}.html").read_text(encoding="utf-8")
        parsed = parse(page)
        assert_self_contained(parsed, page)
        assert len(parsed.finding_ids) == len(document.findings or [])
        for finding_id, finding in zip(parsed.finding_ids, document.findings or [], strict=True):
            if finding.line is not None and 1 <= finding.line <= len(lines):
                assert f"#L{finding.line}" in parsed.finding_links[finding_id]
