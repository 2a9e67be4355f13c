"""Review workbooks: the findings as a worksheet a reviewer fills in, and every form reproduced.

``review_xlsx`` writes one sheet 审核发现 (one row per finding, with an empty 复核意见
column for the reviewer; header frozen, autofilter on) and one sheet per form: its
header fields, figures and indicator table, each finding written beside the row it
concerns, and the cells of wrong values filled red (yellow for warnings).

xlsxwriter never turns a document's text into a formula, a number or a link here:
text is always written with ``write_string``.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from decimal import Decimal
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]

from jixiao.model import (
    FUND_ROWS,
    DepartmentForm,
    Document,
    Finding,
    Form,
    Indicator,
    ProjectForm,
    ReportForm,
    Severity,
)
from jixiao.render.html import (
    DEPARTMENT_FUNDS,
    DEPARTMENT_FUNDS_ROWS,
    FUND_ROW_LABELS,
    GROUP_LABELS,
    KIND_SHORT,
    REPORT_BUDGET,
    SEVERITY_LABELS,
    Placed,
    Recomputation,
    canonical_field,
    fmt_number,
    form_kind_label,
    form_name,
    form_rows,
    is_rate_field,
    place_findings,
    recompute,
    worst,
)

FINDINGS_SHEET = "审核发现"
FINDINGS_COLUMNS: tuple[tuple[str, float], ...] = (
    ("文件", 26),
    ("表单序号", 9),
    ("表单", 30),
    ("检查项", 26),
    ("严重程度", 9),
    ("字段", 26),
    ("行号", 7),
    ("说明", 60),
    ("应为", 14),
    ("实为", 14),
    ("复核意见", 36),
)

RED_FILL = "#FFC7CE"
RED_FONT = "#9C0006"
YELLOW_FILL = "#FFEB9C"
YELLOW_FONT = "#9C5700"
_MAX_TEXT = 32767
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _width(text: str) -> float:
    """Display width in Excel character units: wide (CJK) characters count two."""
    return sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.0 for ch in text)


def _height(text: str, width: float) -> float:
    """Row height (points) a wrapped text needs in a column (or merged range) of the given width."""
    lines = 0
    for part in text.split("\n") or [""]:
        lines += max(1, math.ceil(_width(part) / max(width - 1.0, 1.0)))
    return 15.0 * lines + 2.0


def _number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, (int, float)):
        return float(value)
    return None


def sheet_names(document: Document) -> list[str]:
    """One worksheet name per form: ≤ 31 characters, legal in Excel, unique (case-insensitively)."""
    taken = {FINDINGS_SHEET.casefold(), "history"}
    names: list[str] = []
    for index, form in enumerate(document.forms):
        base = f"{index + 1} {KIND_SHORT[form.kind]} {form_name(form)}".strip()
        base = _INVALID_SHEET_CHARS.sub(" ", " ".join(base.split())).strip("' ")[:31].rstrip("' ")
        name, n = base, 1
        while name.casefold() in taken:
            n += 1
            suffix = f"~{n}"
            name = base[: 31 - len(suffix)].rstrip("' ") + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


class _Formats:
    """xlsxwriter formats made once per workbook, by role and mark."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.cache: dict[tuple[str, str | None, bool], Any] = {}
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.head = workbook.add_format(
            {
                "bold": True,
                "bg_color": "#DCE3EC",
                "border": 1,
                "text_wrap": True,
                "valign": "vcenter",
                "align": "center",
            }
        )
        self.label = workbook.add_format(
            {"bold": True, "bg_color": "#F3F5F8", "border": 1, "valign": "top", "text_wrap": True}
        )
        self.section = workbook.add_format({"bold": True, "font_size": 12})
        self.link = workbook.add_format(
            {"font_color": "#1F4F8F", "underline": 1, "border": 1, "valign": "top", "text_wrap": True}
        )
        self.severity = {
            "error": workbook.add_format({"bold": True, "font_color": RED_FONT, "border": 1, "valign": "top"}),
            "warning": workbook.add_format({"bold": True, "font_color": YELLOW_FONT, "border": 1, "valign": "top"}),
            "info": workbook.add_format({"font_color": "#0D47A1", "border": 1, "valign": "top"}),
        }

    def get(self, role: str, mark: Severity | None = None, bold: bool = False) -> Any:
        """role: text | num | pct | note; mark: red (error) / yellow (warning) fill."""
        key = (role, mark if mark in ("error", "warning") else None, bold)
        found = self.cache.get(key)
        if found is None:
            props: dict[str, Any] = {"border": 1, "valign": "top"}
            if role in ("text", "note"):
                props["text_wrap"] = True
            if role == "num":
                props["num_format"] = "General"
            if role == "pct":
                props["num_format"] = "0.00%"
            if role == "note":
                props["font_color"] = "#7A1F1F"
            if bold:
                props["bold"] = True
                props["bg_color"] = "#F0F3F7"
            if key[1] == "error":
                props.update(bg_color=RED_FILL, font_color=RED_FONT, bold=True)
            elif key[1] == "warning":
                props.update(bg_color=YELLOW_FILL, font_color=YELLOW_FONT)
            found = self.workbook.add_format(props)
            self.cache[key] = found
        return found


def _write_value(sheet: Any, row: int, col: int, value: object, fmt: Any, pct_fmt: Any = None) -> None:
    """A number as a number (a rate in % format when ``pct_fmt`` is given), anything else as text."""
    number = _number(value)
    if number is not None:
        sheet.write_number(row, col, number, pct_fmt if pct_fmt is not None else fmt)
    elif value is None or value == "":
        sheet.write_blank(row, col, None, fmt)
    else:
        sheet.write_string(row, col, fmt_number(value)[:_MAX_TEXT], fmt)


def _finding_text(finding: Finding) -> str:
    parts = [f"【{SEVERITY_LABELS[finding.severity]}】{finding.check}：{finding.message}"]
    key = canonical_field(finding.field)
    rate = is_rate_field(key)
    if finding.expected is not None:
        parts.append(f"应为 {_plain(finding.expected, rate)}")
    if finding.found is not None:
        parts.append(f"实为 {_plain(finding.found, rate)}")
    if finding.line is not None:
        parts.append(f"第 {finding.line} 行")
    return "；".join(parts)


def _plain(value: object, rate: bool) -> str:
    number = _number(value)
    if rate and number is not None:
        return fmt_number((Decimal(str(number)) * 100).normalize()) + "%"
    return fmt_number(value)


class _FormSheet:
    """Writes one form onto its worksheet, row by row."""

    def __init__(
        self,
        sheet: Any,
        formats: _Formats,
        placed: Placed,
        recomputed: Recomputation,
        index: int,
        widths: tuple[float, ...],
    ) -> None:
        self.sheet = sheet
        self.f = formats
        self.placed = placed
        self.recomputed = recomputed
        self.index = index
        self.widths = widths
        self.row = 0
        self.review_col = len(widths) - 1
        for col, width in enumerate(widths):
            sheet.set_column(col, col, width)

    # -- cells ---------------------------------------------------------------
    def mark(self, key: str | None) -> Severity | None:
        """The fill of a cell: red when an error names it or the recomputed value disagrees."""
        if key is None:
            return None
        severity = self.placed.cell_severity(self.index, key)
        recomputed = self.recomputed.get(self.index, key)
        if recomputed is not None and recomputed.differs:
            return "error"
        return severity if severity in ("error", "warning") else None

    def value(
        self,
        col: int,
        value: object,
        key: str | None = None,
        *,
        rate: bool = False,
        text: bool = False,
        bold: bool = False,
    ) -> None:
        mark = self.mark(key)
        role = "text" if text else "num"
        _write_value(
            self.sheet,
            self.row,
            col,
            value,
            self.f.get(role, mark, bold),
            self.f.get("pct", mark, bold) if rate else None,
        )

    def recomputed_value(self, col: int, key: str, *, rate: bool = False, bold: bool = False) -> None:
        found = self.recomputed.get(self.index, key)
        if found is None:
            self.sheet.write_blank(self.row, col, None, self.f.get("num", None, bold))
            return
        _write_value(
            self.sheet,
            self.row,
            col,
            found.result,
            self.f.get("num", None, bold),
            self.f.get("pct", None, bold) if rate else None,
        )

    def text(self, col: int, text: str, fmt: Any = None) -> None:
        self.sheet.write_string(self.row, col, text[:_MAX_TEXT], fmt if fmt is not None else self.f.get("text"))

    def heads(self, labels: list[str]) -> None:
        for col, label in enumerate(labels):
            self.text(col, label, self.f.head)
        self.sheet.set_row(self.row, max(_height(label, self.widths[col]) for col, label in enumerate(labels)))
        self.row += 1

    def review(self, rows: list[str], *, bold: bool = False) -> str:
        """The 复核意见 cell of the current row: every finding about the row(s), one per line."""
        numbers = sorted({n for row in rows for n in self.placed.row_numbers(self.index, row)})
        text = "\n".join(_finding_text(self.placed.findings[n]) for n in numbers)
        fmt = self.f.get("note", None, bold)
        if text:
            self.text(self.review_col, text, fmt)
        else:
            self.sheet.write_blank(self.row, self.review_col, None, fmt)
        return text

    def fit(self, texts: dict[int, str]) -> None:
        """Set the current row's height for its wrapped texts (column → text)."""
        height = max((_height(text, self.widths[col]) for col, text in texts.items() if text), default=15.0)
        if height > 17:
            self.sheet.set_row(self.row, min(height, 409.0))

    def next(self, n: int = 1) -> None:
        self.row += n

    # -- blocks --------------------------------------------------------------
    def title(self, form: Form, source: str) -> None:
        year = f"（{form.year}年度）" if form.year else ""
        last = len(self.widths) - 1
        self.sheet.merge_range(self.row, 0, self.row, last, f"{form_kind_label(form)}{year}", self.f.title)
        self.sheet.set_row(self.row, 22)
        self.next()
        end = f"–{form.end_line}" if form.end_line else ""
        self.sheet.merge_range(
            self.row,
            0,
            self.row,
            last,
            f"源文件：{source}　表单 {self.index + 1}　第 {form.line}{end} 行",
            self.f.get("text"),
        )
        self.next(2)

    def fields(self, pairs: list[tuple[str, object]]) -> None:
        """Header fields, two label/value pairs per row."""
        last = len(self.widths) - 1
        middle = max(2, last // 2)
        for start in range(0, len(pairs), 2):
            chunk = pairs[start : start + 2]
            for position, (label, value) in enumerate(chunk):
                first = 0 if position == 0 else middle
                end = middle - 1 if position == 0 else last
                self.text(first, label, self.f.label)
                shown = fmt_number(value)
                if end > first + 1:
                    self.sheet.merge_range(self.row, first + 1, self.row, end, shown[:_MAX_TEXT], self.f.get("text"))
                else:
                    self.text(first + 1, shown)
            self.next()
        self.next()

    def section(self, text: str) -> None:
        self.text(0, text, self.f.section)
        self.next()

    def long_text(self, label: str, text: str | None) -> None:
        last = len(self.widths) - 1
        self.text(0, label, self.f.label)
        self.sheet.merge_range(self.row, 1, self.row, last, (text or "")[:_MAX_TEXT], self.f.get("text"))
        width = sum(self.widths[1:])
        self.sheet.set_row(self.row, min(_height(text or "", width), 409.0))
        self.next()

    def unplaced(self, form: Form) -> None:
        numbers = self.placed.unplaced(self.index, form_rows(form))
        if not numbers:
            return
        self.next()
        self.section("其他审核发现")
        last = len(self.widths) - 1
        for n in numbers:
            finding = self.placed.findings[n]
            self.text(0, SEVERITY_LABELS[finding.severity], self.f.severity[finding.severity])
            self.sheet.merge_range(self.row, 1, self.row, last, _finding_text(finding), self.f.get("note"))
            self.sheet.set_row(self.row, min(_height(_finding_text(finding), sum(self.widths[1:])), 409.0))
            self.next()


_PROJECT_WIDTHS = (14.0, 16.0, 24.0, 16.0, 16.0, 8.0, 8.0, 10.0, 28.0, 7.0, 44.0)
_DEPARTMENT_WIDTHS = (10.0, 12.0, 22.0, 9.0, 9.0, 36.0, 9.0, 9.0, 7.0, 44.0)
_REPORT_WIDTHS = (30.0, 12.0, 13.0, 13.0, 13.0, 10.0, 11.0, 8.0, 8.0, 7.0, 44.0)


def _project(w: _FormSheet, form: ProjectForm | DepartmentForm) -> None:
    funds = form.funds
    w.section("项目资金（万元）")
    w.heads(
        [
            "项目资金（万元）",
            "年初预算数",
            "全年预算数（A）",
            "全年执行数（B）",
            "执行率（B/A）",
            "分值",
            "得分",
            "复算得分",
            "复算执行率",
            "行号",
            "复核意见",
        ]
    )
    for name in FUND_ROWS:
        amounts = funds.row(name)
        if amounts is None:
            continue
        fund_row = f"funds.{name}"
        w.text(0, FUND_ROW_LABELS[name], w.f.label)
        w.value(1, amounts.initial, f"{fund_row}.initial")
        w.value(2, amounts.budget, f"{fund_row}.budget")
        w.value(3, amounts.executed, f"{fund_row}.executed")
        if name == "total":
            w.value(4, funds.rate, "funds.rate", rate=True)
            w.value(5, funds.weight, "funds.weight")
            w.value(6, funds.score, "funds.score")
            w.recomputed_value(7, "funds.score")
            w.recomputed_value(8, "funds.rate", rate=True)
        else:
            for col in range(4, 9):
                w.text(col, "—")
        loc = form.provenance.get(f"{fund_row}.budget") or form.provenance.get(f"{fund_row}.initial")
        w.value(9, loc.line if loc else None)
        review = w.review([fund_row])
        w.fit({10: review})
        w.next()
    w.next()
    if form.goals.expected or form.goals.actual:
        w.section("年度总体目标")
        w.long_text("预期目标", form.goals.expected)
        w.long_text("实际完成情况", form.goals.actual)
        w.next()
    w.section("绩效指标")
    w.heads(
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "复算得分",
            "偏差原因分析及改进措施",
            "行号",
            "复核意见",
        ]
    )
    weights = form.level1_weights or {}
    current: str | None = None
    for i, row in enumerate(form.indicators):
        if row.level1 != current:
            current = row.level1
            if current in weights:
                key = f"level1_weights.{current}"
                w.text(0, f"{current}（表头分值）", w.f.get("text", None, True))
                for col in (1, 2, 3, 4, 6, 7, 8):
                    w.sheet.write_blank(w.row, col, None, w.f.get("text", None, True))
                w.value(5, weights[current], key, bold=True)
                loc = form.provenance.get(key)
                w.value(9, loc.line if loc else None, bold=True)
                review = w.review([key], bold=True)
                w.fit({10: review})
                w.next()
        _indicator(w, i, row)
    _totals(w, form, weight_col=5, score_col=6, recomputed_col=7)


def _indicator(w: _FormSheet, i: int, row: Indicator) -> None:
    key = f"indicators[{i}]"
    w.value(0, row.level1, text=True)
    w.value(1, row.level2, text=True)
    w.value(2, row.name, f"{key}.name", text=True)
    w.value(3, row.target, f"{key}.target", text=True)
    w.value(4, row.actual, f"{key}.actual", text=True)
    w.value(5, row.weight, f"{key}.weight")
    w.value(6, row.score, f"{key}.score")
    w.recomputed_value(7, f"{key}.score")
    w.value(8, row.note, f"{key}.note", text=True)
    w.value(9, row.line)
    review = w.review([key])
    w.fit({2: row.name or "", 3: row.target or "", 4: row.actual or "", 8: row.note or "", 10: review})
    w.next()


def _totals(w: _FormSheet, form: Form, *, weight_col: int, score_col: int, recomputed_col: int) -> None:
    label_fmt = w.f.get("text", None, True)
    w.text(0, "总分", label_fmt)
    w.value(weight_col, getattr(form, "total_weight", None), "total_weight", bold=True)
    w.value(score_col, form.total_score, "total_score", bold=True)
    w.recomputed_value(recomputed_col, "total_score", bold=True)
    loc = form.provenance.get("total_score")
    w.value(w.review_col - 1, loc.line if loc else None, bold=True)
    review = w.review(["total"], bold=True)
    w.fit({w.review_col: review})
    w.next()
    w.text(0, "评价等级", label_fmt)
    w.value(score_col, form.grade, "grade", text=True, bold=True)
    w.recomputed_value(recomputed_col, "grade", bold=True)
    loc = form.provenance.get("grade")
    w.value(w.review_col - 1, loc.line if loc else None, bold=True)
    review = w.review(["grade"], bold=True)
    w.fit({w.review_col: review})
    w.next()


def _department(w: _FormSheet, form: DepartmentForm) -> None:
    funds = form.overall_funds
    w.section("部门资金（万元）")
    w.heads(["项目", "", "", "金额", "", "", "", "", "行号", "复核意见"])
    for position, (name, label) in enumerate(DEPARTMENT_FUNDS):
        key = f"funds.{name}"
        w.sheet.merge_range(w.row, 0, w.row, 2, f"{label}（万元）", w.f.label)
        w.value(3, getattr(funds, name), key)
        loc = form.provenance.get(key)
        w.value(8, loc.line if loc else None)
        if position == 0:
            review = w.review(list(DEPARTMENT_FUNDS_ROWS))
            w.fit({9: review})
        else:
            w.sheet.write_blank(w.row, 9, None, w.f.get("note"))
        w.next()
    w.next()
    w.section("绩效指标")
    w.heads(
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "参考分值",
            "设定分值",
            "计算分析情况",
            "评价得分",
            "复算得分",
            "行号",
            "复核意见",
        ]
    )
    shown: set[str] = set()
    current: str | None = None
    for i, row in enumerate(form.indicators):
        if row.level1 != current:
            current = row.level1
            if current is not None and current in form.subtotals:
                _subtotal(w, form, current)
                shown.add(current)
        key = f"indicators[{i}]"
        w.value(0, row.level1, text=True)
        w.value(1, row.level2, text=True)
        w.value(2, row.name, f"{key}.name", text=True)
        w.value(3, row.reference_weight, f"{key}.reference_weight")
        w.value(4, row.weight, f"{key}.weight")
        w.value(5, row.basis, f"{key}.basis", text=True)
        w.value(6, row.score, f"{key}.score")
        w.recomputed_value(7, f"{key}.score")
        w.value(8, row.line)
        review = w.review([key])
        w.fit({2: row.name or "", 5: row.basis or "", 9: review})
        w.next()
    for name in form.subtotals:
        if name not in shown:
            _subtotal(w, form, name)
    _totals(w, form, weight_col=4, score_col=6, recomputed_col=7)


def _subtotal(w: _FormSheet, form: DepartmentForm, name: str) -> None:
    sub = form.subtotals[name]
    key = f"subtotals.{name}"
    bold = w.f.get("text", None, True)
    w.text(0, f"{name}（小计）", bold)
    w.sheet.write_blank(w.row, 1, None, bold)
    w.sheet.write_blank(w.row, 2, None, bold)
    w.value(3, sub.reference_weight, f"{key}.reference_weight", bold=True)
    w.value(4, sub.weight, f"{key}.weight", bold=True)
    w.sheet.write_blank(w.row, 5, None, bold)
    w.value(6, sub.score, f"{key}.score", bold=True)
    w.recomputed_value(7, f"{key}.score", bold=True)
    w.value(8, sub.line, bold=True)
    review = w.review([key], bold=True)
    w.fit({9: review})
    w.next()


def _report(w: _FormSheet, form: ReportForm) -> None:
    budget = form.budget
    w.section("预算执行（万元）")
    w.heads([label for _, label in REPORT_BUDGET] + ["复算执行率", "", "", "", "", "", "复核意见"])
    for col, (name, _) in enumerate(REPORT_BUDGET):
        w.value(col, getattr(budget, name), f"budget.{name}", rate=name == "rate")
    w.recomputed_value(len(REPORT_BUDGET), "budget.rate", rate=True)
    review = w.review(["budget"])
    w.fit({10: review})
    w.next(2)
    if form.projects:
        w.section("项目")
        w.heads(
            [
                "项目名称",
                "类别",
                "年初预算数",
                "全年预算数",
                "执行数",
                "执行率",
                "复算执行率",
                "得分",
                "等级",
                "行号",
                "复核意见",
            ]
        )
        for i, project in enumerate(form.projects):
            key = f"projects[{i}]"
            w.value(0, project.name, f"{key}.name", text=True)
            w.value(1, GROUP_LABELS.get(project.group, project.group), text=True)
            w.value(2, project.initial, f"{key}.initial")
            w.value(3, project.budget, f"{key}.budget")
            w.value(4, project.executed, f"{key}.executed")
            w.value(5, project.rate, f"{key}.rate", rate=True)
            w.recomputed_value(6, f"{key}.rate", rate=True)
            w.value(7, project.score, f"{key}.score")
            w.value(8, project.grade, f"{key}.grade", text=True)
            w.value(9, project.line)
            review = w.review([key])
            w.fit({0: project.name, 10: review})
            w.next()
        w.next()
    if form.score_breakdown:
        w.section("得分构成")
        w.heads(["项目", "得分"])
        for name, value in form.score_breakdown.items():
            key = f"score_breakdown.{name}"
            w.value(0, name, text=True)
            w.value(1, value, key)
            w.review([key])
            w.next()
        w.next()
    _totals(w, form, weight_col=1, score_col=2, recomputed_col=3)


def _findings_sheet(workbook: Any, formats: _Formats, document: Document, placed: Placed, names: list[str]) -> None:
    sheet = workbook.add_worksheet(FINDINGS_SHEET)
    for col, (label, width) in enumerate(FINDINGS_COLUMNS):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, label, formats.head)
    sheet.freeze_panes(1, 0)
    text = formats.get("text")
    num = formats.get("num")
    pct = formats.get("pct")
    for number, finding in enumerate(placed.findings, start=1):
        form_index = finding.form if finding.form is not None and 0 <= finding.form < len(document.forms) else None
        sheet.write_string(number, 0, document.source, text)
        if form_index is None:
            sheet.write_blank(number, 1, None, num)
            sheet.write_blank(number, 2, None, text)
        else:
            form = document.forms[form_index]
            sheet.write_number(number, 1, form_index + 1, num)
            label = f"{form_kind_label(form)}：{form_name(form)}" if form_name(form) else form_kind_label(form)
            target = names[form_index].replace("'", "''")
            sheet.write_url(number, 2, f"internal:'{target}'!A1", formats.link, label[:_MAX_TEXT])
        sheet.write_string(number, 3, finding.check, text)
        sheet.write_string(number, 4, SEVERITY_LABELS[finding.severity], formats.severity[finding.severity])
        _write_value(sheet, number, 5, finding.field, text)
        _write_value(sheet, number, 6, finding.line, num)
        sheet.write_string(number, 7, finding.message[:_MAX_TEXT], text)
        rate = is_rate_field(canonical_field(finding.field))
        _write_value(
            sheet,
            number,
            8,
            finding.expected,
            text if _number(finding.expected) is None else num,
            pct if rate else None,
        )
        _write_value(
            sheet, number, 9, finding.found, text if _number(finding.found) is None else num, pct if rate else None
        )
        sheet.write_blank(number, 10, None, text)
        sheet.set_row(
            number,
            min(
                max(
                    _height(finding.message, FINDINGS_COLUMNS[7][1]),
                    _height(finding.field or "", FINDINGS_COLUMNS[5][1]),
                ),
                409.0,
            ),
        )
    sheet.autofilter(0, 0, max(len(placed.findings), 1), len(FINDINGS_COLUMNS) - 1)
    sheet.activate()


def review_xlsx(document: Document, path: str | os.PathLike[str]) -> None:
    """Write the review workbook of one reviewed document to ``path``."""
    placed = place_findings(document)
    recomputed = recompute(document)
    workbook = xlsxwriter.Workbook(
        os.fspath(path),
        {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    try:
        formats = _Formats(workbook)
        names = sheet_names(document)
        _findings_sheet(workbook, formats, document, placed, names)
        for index, (form, name) in enumerate(zip(document.forms, names, strict=True)):
            sheet = workbook.add_worksheet(name)
            widths: tuple[float, ...]
            if isinstance(form, ReportForm):
                widths = _REPORT_WIDTHS
            elif isinstance(form, DepartmentForm) and form.layout == "framework":
                widths = _DEPARTMENT_WIDTHS
            else:
                widths = _PROJECT_WIDTHS
            w = _FormSheet(sheet, formats, placed, recomputed, index, tuple(widths))
            w.title(form, document.source)
            if isinstance(form, ProjectForm):
                w.fields(
                    [
                        ("项目名称", form.project),
                        ("项目编码", form.project_code),
                        ("主管部门", form.department),
                        ("实施单位", form.implementer),
                        ("年度", form.year),
                        ("标题", form.title),
                    ]
                )
                _project(w, form)
            elif isinstance(form, DepartmentForm):
                w.fields([("部门（单位）", form.department), ("年度", form.year), ("标题", form.title)])
                if form.layout == "framework":
                    _department(w, form)
                else:
                    _project(w, form)
            else:
                w.fields([("部门（单位）", form.department), ("年度", form.year), ("标题", form.title)])
                _report(w, form)
            w.unplaced(form)
            severity = worst(finding.severity for finding in placed.findings if finding.form == index)
            if severity == "error":
                sheet.set_tab_color(RED_FONT)
            elif severity == "warning":
                sheet.set_tab_color("#E0A100")
            sheet.set_landscape()
            sheet.fit_to_pages(1, 0)
    finally:
        workbook.close()
