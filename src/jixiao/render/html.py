"""Review reports as self-contained HTML pages, in Simplified Chinese.

``review_html`` renders one reviewed document: a summary of its findings, every
form with its figures (stated beside recomputed, when the scoring engine is
there), every finding linked to its line in a numbered source listing.
``index_html`` renders the page over all reviewed files. Both pages carry
their CSS and their little JavaScript inline and reference nothing outside
themselves, so they open from a folder, offline. Every text from a document is
escaped: documents hold markup (``<p>``, ``&nbsp;``) as text.

The helpers above the renderers (labels, field paths, number formatting,
finding placement, recomputed values) are shared with :mod:`jixiao.render.xlsx`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html import escape
from typing import Any

from jixiao.model import (
    FUND_ROWS,
    Amounts,
    DepartmentForm,
    Document,
    Finding,
    Form,
    FormKind,
    Indicator,
    ProjectForm,
    ProjectFunds,
    ReportForm,
    Severity,
    project_layout,
)

# ---------------------------------------------------------------------------
# Shared vocabulary and helpers (also used by the XLSX renderer)
# ---------------------------------------------------------------------------

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_LABELS: dict[Severity, str] = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_RANK: dict[Severity, int] = {"info": 0, "warning": 1, "error": 2}

KIND_LABELS: dict[FormKind, str] = {
    "project": "项目支出绩效自评表",
    "department": "部门整体支出绩效自评表",
    "report": "绩效自评报告",
}
KIND_SHORT: dict[FormKind, str] = {"project": "项目表", "department": "部门表", "report": "报告"}

FUND_ROW_LABELS: dict[str, str] = {
    "total": "年度资金总额",
    "fiscal": "其中：本年财政拨款",
    "carryover": "上年结转资金",
    "other": "其他资金",
    "central": "中央财政资金",
    "local": "地方财政资金",
}
DEPARTMENT_FUNDS: tuple[tuple[str, str], ...] = (
    ("carryover", "上年结转金额"),
    ("initial", "年初预算金额"),
    ("adjustment", "预算调整金额"),
    ("other_adjustment", "其他调整资金"),
    ("executed", "预算执行金额"),
    ("balance", "年末结余金额"),
)
REPORT_BUDGET: tuple[tuple[str, str], ...] = (
    ("budget", "年初预算数"),
    ("adjusted", "调整后预算数"),
    ("executed", "执行数（决算数）"),
    ("rate", "执行率"),
)
# the row keys a framework department form's funds header answers to (``funds.carryover`` names a row elsewhere)
DEPARTMENT_FUNDS_ROWS: tuple[str, ...] = ("funds.total", "funds.carryover")
GROUP_LABELS: dict[str, str] = {"project": "项目", "transfer": "转移支付", "unit": "单位"}

_TOKEN = re.compile(r"[^.\[\]'\"]+")


def canonical_field(path: str | None) -> str | None:
    """A field path in one spelling: ``indicators[3].score``, ``subtotals.投入.score``, ``funds.total.budget``.

    Accepts ``indicators.3.score``, ``subtotals["投入"].score`` and ``overall_funds.x`` (→ ``funds.x``).
    """
    if not path:
        return None
    parts: list[str] = []
    for token in _TOKEN.findall(path):
        token = token.strip()
        if not token:
            continue
        if (token.isdigit() or token == "*") and parts:
            parts[-1] += f"[{token}]"
        else:
            parts.append(token)
    if parts and parts[0] == "overall_funds":
        parts[0] = "funds"
    return ".".join(parts) or None


def row_of(field_path: str | None) -> str | None:
    """The table row a canonical field path belongs to (``indicators[3]``, ``funds.total``, ``subtotals.投入``)."""
    if not field_path:
        return None
    parts = field_path.split(".")
    head = parts[0]
    if head.startswith(("indicators[", "projects[")):
        return head
    if head == "funds":
        if len(parts) > 1 and parts[1] in FUND_ROWS:
            return f"funds.{parts[1]}"
        return "funds.total"
    if head in ("subtotals", "level1_weights", "score_breakdown") and len(parts) > 1:
        return f"{head}.{parts[1]}"
    if head in ("budget", "goals"):
        return head
    if head in ("total_score", "total_weight"):
        return "total"
    return head


def form_name(form: Form) -> str:
    """What a reader calls the form: its project, else its title, else its department."""
    if isinstance(form, ProjectForm):
        return form.project or form.title or form.department or ""
    return form.title or form.department or ""


def form_kind_label(form: Form) -> str:
    if isinstance(form, ProjectForm) and not form.scored:
        return "绩效目标完成情况表"
    return KIND_LABELS[form.kind]


def fmt_number(value: object) -> str:
    """A stated or computed number as a reader writes it; text as is; None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, (list, tuple)):
        return "、".join(fmt_number(item) for item in value)
    if isinstance(value, dict):
        return "，".join(f"{key}={fmt_number(item)}" for key, item in value.items())
    return str(value)


def fmt_rate(value: object) -> str:
    """A rate stated as a fraction, as a percentage (0.9731 → 97.31%)."""
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return format((number * 100).normalize(), "f") + "%"
    return fmt_number(value)


def is_rate_field(field_path: str | None) -> bool:
    return bool(field_path) and "rate" in (field_path or "").rsplit(".", 1)[-1]


def fmt_value(value: object, field_path: str | None) -> str:
    return fmt_rate(value) if is_rate_field(field_path) else fmt_number(value)


def as_decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, float)):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip().rstrip("%")) / (100 if value.strip().endswith("%") else 1)
        except InvalidOperation:
            return None
    return None


def values_differ(result: object, stated: object, field_path: str | None = None) -> bool:
    """Whether a recomputed value disagrees with the stated one (rates within 0.005 agree)."""
    if result is None or stated is None:
        return False
    left, right = as_decimal(result), as_decimal(stated)
    if left is not None and right is not None:
        tolerance = Decimal("0.005") if is_rate_field(field_path) else Decimal(0)
        return abs(left - right) > tolerance
    return str(result).strip() != str(stated).strip()


@dataclass(slots=True)
class Recomputed:
    """One value the scoring engine recomputed, beside the value the form states."""

    field: str
    rule: str
    parameters: object
    inputs: object
    result: object
    stated: object
    reference: str | None

    @property
    def differs(self) -> bool:
        return values_differ(self.result, self.stated, self.field)


@dataclass(slots=True)
class Recomputation:
    """Recomputed values per form, in the engine's order, or why there are none."""

    forms: list[list[Recomputed]]
    note: str | None = None
    _first: list[dict[str, Recomputed]] = field(default_factory=list, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._first = []
        for values in self.forms:
            first: dict[str, Recomputed] = {}
            for value in values:
                first.setdefault(value.field, value)
            self._first.append(first)

    def get(self, form: int, field_path: str) -> Recomputed | None:
        """The value recomputed for a field (the engine's first explanation of it)."""
        if form >= len(self._first):
            return None
        return self._first[form].get(field_path)

    def of(self, form: int) -> list[Recomputed]:
        return self.forms[form] if form < len(self.forms) else []


def recompute(document: Document) -> Recomputation:
    """Every form's recomputed values from ``jixiao.rules.scoring.explain_form``, if that engine exists.

    Without it (or if it fails on a form) the reports show the stated values only, and say so.
    """
    try:
        from jixiao.rules.scoring import explain_form
    except ImportError:
        return Recomputation([[] for _ in document.forms], "复算引擎不可用：仅显示表中填报的数值。")
    from jixiao.rules.profile import load_profile, profile_for

    department = document_department(document)
    year = document_year(document)
    try:
        profile = load_profile(document.profile, year) if document.profile else profile_for(department, year)
    except ValueError as error:
        return Recomputation([[] for _ in document.forms], f"无法载入规则配置：{error}")
    out: list[list[Recomputed]] = []
    failed: list[str] = []
    for index, form in enumerate(document.forms):
        values: list[Recomputed] = []
        try:
            explained: Iterable[tuple[str, Any, object]] = explain_form(form, profile)
            for path, explanation, stated in explained:
                key = canonical_field(path) or path
                values.append(
                    Recomputed(
                        field=key,
                        rule=str(getattr(explanation, "rule", "") or ""),
                        parameters=getattr(explanation, "parameters", None),
                        inputs=getattr(explanation, "inputs", None),
                        result=getattr(explanation, "result", None),
                        stated=stated,
                        reference=getattr(explanation, "reference", None),
                    )
                )
        except Exception as error:  # the report must still render; the failure is shown, not hidden
            failed.append(f"表单 {index + 1}：{type(error).__name__}: {error}")
            values = []
        out.append(values)
    note = ("复算失败（仅显示表中数值）：" + "；".join(failed)) if failed else None
    return Recomputation(out, note)


@dataclass(slots=True)
class Placed:
    """A document's findings, numbered, and where they sit: per form, per row, per cell."""

    findings: list[Finding]
    by_form: dict[int | None, list[int]] = field(default_factory=dict)
    by_row: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    by_cell: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    by_line: dict[int, list[int]] = field(default_factory=dict)

    def row_numbers(self, form: int, row: str) -> list[int]:
        return self.by_row.get((form, row), [])

    def cell_severity(self, form: int, cell: str) -> Severity | None:
        return worst(self.findings[i].severity for i in self.by_cell.get((form, cell), []))

    def row_severity(self, form: int, row: str) -> Severity | None:
        return worst(self.findings[i].severity for i in self.by_row.get((form, row), []))

    def line_severity(self, line: int) -> Severity | None:
        return worst(self.findings[i].severity for i in self.by_line.get(line, []))

    def unplaced(self, form: int | None, rows: set[str]) -> list[int]:
        """The findings of a form that no rendered row took."""
        return [
            i
            for i in self.by_form.get(form, [])
            if form is None or not any(i in self.by_row.get((form, row), []) for row in rows)
        ]


def worst(severities: Iterable[Severity]) -> Severity | None:
    found: Severity | None = None
    for severity in severities:
        if found is None or SEVERITY_RANK[severity] > SEVERITY_RANK[found]:
            found = severity
    return found


def place_findings(document: Document) -> Placed:
    """Number the findings and attach each to its form, its table row and its cell.

    A finding is attached to the row its field path names; without a usable path, to the
    indicator or project row printed on its source line.
    """
    findings = list(document.findings or [])
    placed = Placed(findings)
    for number, finding in enumerate(findings):
        form_index = finding.form if finding.form is not None and 0 <= finding.form < len(document.forms) else None
        placed.by_form.setdefault(form_index, []).append(number)
        if finding.line is not None:
            placed.by_line.setdefault(finding.line, []).append(number)
        if form_index is None:
            continue
        key = canonical_field(finding.field)
        row = row_of(key)
        if row is None and finding.line is not None:
            row = _row_on_line(document.forms[form_index], finding.line)
        if key is not None:
            placed.by_cell.setdefault((form_index, key), []).append(number)
        if row is not None:
            placed.by_row.setdefault((form_index, row), []).append(number)
    return placed


def _row_on_line(form: Form, line: int) -> str | None:
    if isinstance(form, ReportForm):
        for i, project in enumerate(form.projects):
            if project.line == line:
                return f"projects[{i}]"
        return None
    for i, indicator in enumerate(form.indicators):
        if indicator.line == line:
            return f"indicators[{i}]"
    return None


def form_rows(form: Form) -> set[str]:
    """The row keys the renderers print for a form (findings on other rows are listed apart)."""
    rows: set[str] = {"total", "grade"}
    if isinstance(form, ReportForm):
        rows.add("budget")
        rows.update(f"projects[{i}]" for i in range(len(form.projects)))
        rows.update(f"score_breakdown.{name}" for name in form.score_breakdown or {})
        return rows
    rows.update(f"indicators[{i}]" for i in range(len(form.indicators)))
    if isinstance(form, DepartmentForm) and form.layout == "framework":
        rows.update(f"subtotals.{name}" for name in form.subtotals)
        rows.update(DEPARTMENT_FUNDS_ROWS)
        return rows
    funds = form.funds
    rows.update(f"funds.{name}" for name in FUND_ROWS if funds.row(name) is not None)
    rows.update(f"level1_weights.{name}" for name in form.level1_weights or {})
    return rows


def document_department(document: Document) -> str | None:
    return next((form.department for form in document.forms if form.department), None)


def document_year(document: Document) -> int | None:
    return next((form.year for form in document.forms if form.year), None)


def check_summaries() -> dict[str, str]:
    """Check id → its Chinese name, as reviewers read it."""
    from jixiao.checks.titles import TITLES

    return dict(TITLES)


# ---------------------------------------------------------------------------
# The review page
# ---------------------------------------------------------------------------

_FONTS = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
_MONO = '"Noto Sans Mono CJK SC", "Sarasa Mono SC", "DejaVu Sans Mono", monospace'

_CSS = """
:root { --err:#b71c1c; --err-bg:#fdecea; --warn:#8a5300; --warn-bg:#fff4db; --info:#0d47a1; --info-bg:#e8f0fe;
  --line:#d9dde3; --muted:#5f6b7a; --head:#f3f5f8; }
* { box-sizing: border-box; }
body { margin: 0; font-family: FONTS; font-size: 14px; color: #1c2430; background: #f7f8fa; line-height: 1.5; }
header.top { background: #1f3a5f; color: #fff; padding: 14px 24px; }
header.top h1 { margin: 0; font-size: 20px; font-weight: 600; word-break: break-all; }
header.top .meta { color: #cfd8e3; font-size: 13px; margin-top: 4px; }
header.top a { color: #fff; }
main { padding: 16px 24px 48px; max-width: 1400px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; margin: 14px 0; }
h2 { font-size: 17px; margin: 4px 0 10px; }
h3 { font-size: 15px; margin: 14px 0 6px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; }
th, td { border: 1px solid var(--line); padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: var(--head); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.text { max-width: 26em; overflow-wrap: anywhere; }
dl.fields { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 2px 12px; margin: 4px 0 8px; }
dl.fields dt { color: var(--muted); }
dl.fields dd { margin: 0; overflow-wrap: anywhere; }
.badge { display: inline-block; border-radius: 3px; padding: 0 6px; font-size: 12px; font-weight: 600;
  white-space: nowrap; }
.badge.error { background: var(--err); color: #fff; }
.badge.warning { background: #e0a100; color: #2b1d00; }
.badge.info { background: var(--info); color: #fff; }
.counts { display: flex; gap: 12px; flex-wrap: wrap; margin-bottom: 10px; }
.count { border: 1px solid var(--line); border-radius: 6px; padding: 6px 14px; min-width: 92px; cursor: pointer;
  background: #fff; font: inherit; text-align: left; }
.count b { display: block; font-size: 22px; }
.count.error b { color: var(--err); } .count.warning b { color: var(--warn); } .count.info b { color: var(--info); }
.count[aria-pressed="false"] { opacity: .45; }
tr.sev-error > td { background: var(--err-bg); }
tr.sev-warning > td { background: var(--warn-bg); }
tr.sev-info > td { background: var(--info-bg); }
td.bad, span.bad { color: var(--err); font-weight: 700; }
td.cell-error { outline: 2px solid var(--err); outline-offset: -2px; color: var(--err); font-weight: 700; }
td.cell-warning { outline: 2px solid #e0a100; outline-offset: -2px; }
td.cell-info { outline: 1px dashed var(--info); outline-offset: -2px; }
tr.group > td { background: #eef2f7; font-weight: 600; }
tr.subtotal > td { background: #f0f3f7; font-weight: 600; }
.recomputed { color: var(--muted); font-size: 12px; }
ol.findings { list-style: none; padding: 0; margin: 6px 0; }
li.finding { border-left: 4px solid var(--line); padding: 6px 10px; margin: 6px 0; background: #fafbfc; }
li.finding.error { border-color: var(--err); } li.finding.warning { border-color: #e0a100; }
li.finding.info { border-color: var(--info); }
li.finding:target { box-shadow: 0 0 0 2px #1f3a5f; }
li.finding .msg { margin: 2px 0; }
li.finding .ef { color: var(--muted); font-size: 13px; }
li.finding code, code { font-family: MONO; font-size: 12px; background: #eef1f5; padding: 0 4px; border-radius: 3px; }
.hidden { display: none !important; }
.note { color: var(--muted); font-size: 13px; }
.problem { color: var(--err); }
button.link { border: none; background: none; color: #1f4f8f; cursor: pointer; padding: 0; font: inherit;
  text-decoration: underline; }
table.src { font-family: MONO; font-size: 12.5px; table-layout: fixed; }
table.src td { border: none; border-bottom: 1px solid #f0f1f3; padding: 1px 6px; }
table.src td.ln { width: 4.5em; text-align: right; color: #8a94a3; user-select: none; }
table.src td.ln a { color: inherit; text-decoration: none; }
table.src td.code { white-space: pre-wrap; overflow-wrap: anywhere; tab-size: 4; }
table.src td.marks { width: 18em; font-family: FONTS; }
table.src td.marks a { display: inline-block; text-decoration: none; }
table.src tr { scroll-margin-top: 40vh; }
table.src tr:target > td { box-shadow: inset 0 0 0 2px #1f3a5f; }
table.src tr.sev-error td.ln { border-left: 4px solid var(--err); }
table.src tr.sev-warning td.ln { border-left: 4px solid #e0a100; }
table.src tr.sev-info td.ln { border-left: 4px solid var(--info); }
table.src tr.form-start td { border-top: 2px solid #1f3a5f; }
a { color: #1f4f8f; }
@media print { .count, button.link { cursor: auto; } header.top { background: none; color: #000; } }
""".replace("MONO", _MONO).replace("FONTS", _FONTS)

_REVIEW_JS = """
(function () {
  var hiddenSev = {}; var onlyCheck = null;
  function apply() {
    document.querySelectorAll('li.finding').forEach(function (li) {
      var hide = hiddenSev[li.dataset.severity] || (onlyCheck !== null && li.dataset.check !== onlyCheck);
      li.classList.toggle('hidden', !!hide);
    });
    var note = document.getElementById('filter-note');
    if (note) {
      note.textContent = onlyCheck === null ? '' : '只显示检查项 ' + onlyCheck + ' 的发现（再点一次取消）';
    }
  }
  document.querySelectorAll('button.count').forEach(function (b) {
    b.addEventListener('click', function () {
      var s = b.dataset.severity; hiddenSev[s] = !hiddenSev[s];
      b.setAttribute('aria-pressed', hiddenSev[s] ? 'false' : 'true'); apply();
    });
  });
  document.querySelectorAll('button.check-filter').forEach(function (b) {
    b.addEventListener('click', function () {
      onlyCheck = onlyCheck === b.dataset.check ? null : b.dataset.check; apply();
    });
  });
})();
"""


def _e(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return escape(value if isinstance(value, str) else fmt_number(value), quote=True)


def _badge(severity: Severity) -> str:
    return f'<span class="badge {severity}">{SEVERITY_LABELS[severity]}</span>'


class _Page:
    """The parts a review page is built from, for one document."""

    def __init__(self, document: Document, lines: list[str]) -> None:
        self.document = document
        self.lines = lines
        self.placed = place_findings(document)
        self.recomputed = recompute(document)
        self.summaries = check_summaries()

    # -- links -------------------------------------------------------------
    def line_link(self, line: int | None, text: str | None = None) -> str:
        if line is None:
            return ""
        label = _e(text if text is not None else f"第 {line} 行")
        if 1 <= line <= len(self.lines):
            return f'<a class="line" href="#L{line}">{label}</a>'
        return f'<span class="line" title="行号超出源文件">{label}</span>'

    def finding_refs(self, numbers: list[int]) -> str:
        return " ".join(
            f'<a href="#F{n + 1}" title="{_e(self.placed.findings[n].message)}">'
            f"{_badge(self.placed.findings[n].severity)}</a>"
            for n in numbers
        )

    def line_marks(self, numbers: list[int]) -> str:
        return " ".join(
            f'<a href="#F{n + 1}" title="{_e(self.placed.findings[n].message)}">'
            f"{_badge(self.placed.findings[n].severity)} <code>{_e(self.placed.findings[n].check)}</code></a>"
            for n in numbers
        )

    # -- cells -------------------------------------------------------------
    def cell(self, form: int, key: str, value: object, *, rate: bool = False, text: bool = False) -> str:
        shown = fmt_rate(value) if rate else fmt_number(value)
        classes = ["text" if text else "num"]
        severity = self.placed.cell_severity(form, key)
        if severity is not None:
            classes.append(f"cell-{severity}")
        return f'<td class="{" ".join(classes)}" data-field="{_e(key)}">{_e(shown)}</td>'

    def recomputed_cell(self, form: int, key: str, *, rate: bool = False) -> str:
        value = self.recomputed.get(form, key)
        if value is None:
            return '<td class="num recomputed">—</td>'
        shown = fmt_rate(value.result) if rate else fmt_number(value.result)
        title = _e(f"{value.rule}；{fmt_number(value.inputs)}" + (f"；{value.reference}" if value.reference else ""))
        if value.differs:
            return f'<td class="num bad" data-recomputed="{_e(key)}" title="{title}">{_e(shown)}</td>'
        return f'<td class="num" data-recomputed="{_e(key)}" title="{title}">{_e(shown)}</td>'

    def stated_cell(self, form: int, key: str, value: object, *, rate: bool = False) -> str:
        """A stated score, red when the recomputed value disagrees."""
        recomputed = self.recomputed.get(form, key)
        cell = self.cell(form, key, value, rate=rate)
        if recomputed is not None and recomputed.differs:
            cell = cell.replace('class="num', 'class="num bad', 1)
        return cell

    def row_class(self, form: int, row: str, extra: str = "") -> str:
        severity = self.placed.row_severity(form, row)
        classes = [extra] if extra else []
        if severity is not None:
            classes.append(f"sev-{severity}")
        return f' class="{" ".join(classes)}"' if classes else ""

    # -- page --------------------------------------------------------------
    def render(self) -> str:
        document = self.document
        findings = self.placed.findings
        counts = Counter(finding.severity for finding in findings)
        department = document_department(document)
        year = document_year(document)
        meta = [f"{len(document.forms)} 张表单"]
        if department:
            meta.append(department)
        if year:
            meta.append(f"{year} 年度")
        if document.profile:
            meta.append(f"规则配置：{document.profile}")
        parts = [
            "<!DOCTYPE html>",
            '<html lang="zh-CN">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(document.source)}</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body>",
            '<header class="top">',
            f"<h1>{_e(document.source)}</h1>",
            f'<div class="meta">绩效自评审核报告 · {_e(" · ".join(meta))} · <a href="index.html">返回索引</a></div>',
            "</header>",
            "<main>",
            self.summary(counts),
        ]
        if document.problems:
            parts.append('<section class="problems"><h2>读取问题</h2><ul>')
            parts.extend(f'<li class="problem">{_e(problem.message)}</li>' for problem in document.problems)
            parts.append("</ul></section>")
        for index, form in enumerate(document.forms):
            parts.append(self.form_section(index, form))
        loose = self.placed.unplaced(None, set())
        if loose:
            parts.append('<section class="form" id="doc-findings"><h2>文档级发现</h2>')
            parts.append(self.finding_list(loose))
            parts.append("</section>")
        parts.append(self.source_listing())
        parts.extend(["</main>", f"<script>{_REVIEW_JS}</script>", "</body>", "</html>"])
        return "\n".join(parts) + "\n"

    def summary(self, counts: Counter[Severity]) -> str:
        findings = self.placed.findings
        parts = ['<section id="summary"><h2>审核摘要</h2><div class="counts">']
        for severity in SEVERITIES:
            parts.append(
                f'<button type="button" class="count {severity}" data-severity="{severity}" aria-pressed="true" '
                f'title="点击隐藏或显示此类发现">{SEVERITY_LABELS[severity]}'
                f'<b data-count="{severity}">{counts.get(severity, 0)}</b></button>'
            )
        parts.append("</div>")
        if self.recomputed.note:
            parts.append(f'<p class="note">{_e(self.recomputed.note)}</p>')
        if not findings:
            parts.append('<p class="note">未发现问题。</p></section>')
            return "\n".join(parts)
        by_check: dict[str, Counter[Severity]] = {}
        for finding in findings:
            by_check.setdefault(finding.check, Counter())[finding.severity] += 1
        parts.append('<table class="by-check"><thead><tr><th>检查项</th><th>说明</th>')
        parts.extend(f'<th class="num">{SEVERITY_LABELS[s]}</th>' for s in SEVERITIES)
        parts.append('<th class="num">合计</th></tr></thead><tbody>')
        for check_id in sorted(by_check):
            row = by_check[check_id]
            parts.append(
                f'<tr data-check="{_e(check_id)}"><td><button type="button" class="link check-filter" '
                f'data-check="{_e(check_id)}"><code>{_e(check_id)}</code></button></td>'
                f'<td class="text">{_e(self.summaries.get(check_id, ""))}</td>'
                + "".join(f'<td class="num" data-severity="{s}">{row.get(s, 0)}</td>' for s in SEVERITIES)
                + f'<td class="num">{sum(row.values())}</td></tr>'
            )
        parts.append('</tbody></table><p class="note" id="filter-note"></p></section>')
        return "\n".join(parts)

    def finding_list(self, numbers: list[int]) -> str:
        parts = ['<ol class="findings">']
        for n in numbers:
            finding = self.placed.findings[n]
            key = canonical_field(finding.field)
            details = []
            if finding.field:
                details.append(f"字段 <code>{_e(finding.field)}</code>")
            if finding.expected is not None:
                details.append(f"应为 <b>{_e(fmt_value(finding.expected, key))}</b>")
            if finding.found is not None:
                details.append(f"实为 <b>{_e(fmt_value(finding.found, key))}</b>")
            line = self.line_link(finding.line) if finding.line is not None else '<span class="note">无行号</span>'
            parts.append(
                f'<li class="finding {finding.severity}" id="F{n + 1}" data-severity="{finding.severity}" '
                f'data-check="{_e(finding.check)}">{_badge(finding.severity)} <code class="check">'
                f"{_e(finding.check)}</code> {line}"
                f'<div class="msg">{_e(finding.message)}</div>'
                + (f'<div class="ef">{"；".join(details)}</div>' if details else "")
                + "</li>"
            )
        parts.append("</ol>")
        return "\n".join(parts)

    def form_section(self, index: int, form: Form) -> str:
        name = form_name(form)
        heading = f"表单 {index + 1}：{form_kind_label(form)}" + (f" — {name}" if name else "")
        parts = [f'<section class="form" id="form-{index + 1}" data-kind="{form.kind}">', f"<h2>{_e(heading)}</h2>"]
        fields: list[tuple[str, str]] = []
        if isinstance(form, ProjectForm):
            fields += [
                ("项目名称", _e(form.project or "")),
                ("项目编码", _e(form.project_code or "")),
                ("主管部门", _e(form.department or "")),
                ("实施单位", _e(form.implementer or "")),
            ]
        else:
            fields += [("标题", _e(form.title or "")), ("部门（单位）", _e(form.department or ""))]
        end = f"–{form.end_line}" if form.end_line else ""
        fields += [("年度", _e(form.year or "")), ("位置", self.line_link(form.line, f"第 {form.line}{end} 行"))]
        parts.append('<dl class="fields">')
        parts.extend(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in fields)
        parts.append("</dl>")
        layout = project_layout(form)
        if layout is not None:
            parts.append(self.funds_table(index, layout.funds))
            parts.append(self.goals(layout.goals.expected, layout.goals.actual))
            parts.append(self.indicator_table(index, layout))
        elif isinstance(form, DepartmentForm):
            parts.append(self.department_funds(index, form))
            parts.append(self.framework_table(index, form))
        elif isinstance(form, ReportForm):
            parts.append(self.report_tables(index, form))
        parts.append(self.totals(index, form))
        explained = self.explanation_table(index)
        if explained:
            parts.append(explained)
        numbers = self.placed.by_form.get(index, [])
        parts.append(f"<h3>审核发现（{len(numbers)}）</h3>")
        parts.append(self.finding_list(numbers) if numbers else '<p class="note">本表未发现问题。</p>')
        parts.append("</section>")
        return "\n".join(parts)

    def funds_table(self, index: int, funds: ProjectFunds) -> str:
        parts = [
            "<h3>项目资金（万元）</h3>",
            '<table class="funds"><thead><tr><th></th><th class="num">年初预算数</th>'
            '<th class="num">全年预算数（A）</th>'
            '<th class="num">全年执行数（B）</th><th class="num">分值</th><th class="num">执行率（B/A）</th>'
            '<th class="num">复算执行率</th><th class="num">得分</th><th class="num">复算得分</th><th>发现</th></tr>'
            "</thead><tbody>",
        ]
        for name in FUND_ROWS:
            amounts: Amounts | None = funds.row(name)
            if amounts is None:
                continue
            row = f"funds.{name}"
            cells = [
                f"<td>{_e(FUND_ROW_LABELS[name])}</td>",
                self.cell(index, f"{row}.initial", amounts.initial),
                self.cell(index, f"{row}.budget", amounts.budget),
                self.cell(index, f"{row}.executed", amounts.executed),
            ]
            if name == "total":
                cells += [
                    self.cell(index, "funds.weight", funds.weight),
                    self.stated_cell(index, "funds.rate", funds.rate, rate=True),
                    self.recomputed_cell(index, "funds.rate", rate=True),
                    self.stated_cell(index, "funds.score", funds.score),
                    self.recomputed_cell(index, "funds.score"),
                ]
            else:
                cells += ['<td class="num">—</td>'] * 5
            cells.append(f"<td>{self.finding_refs(self.placed.row_numbers(index, row))}</td>")
            parts.append(f"<tr{self.row_class(index, row)}>{''.join(cells)}</tr>")
        parts.append("</tbody></table>")
        return "\n".join(parts)

    def goals(self, expected: str | None, actual: str | None) -> str:
        if not expected and not actual:
            return ""
        return (
            '<h3>年度总体目标</h3><table class="goals"><thead><tr><th>预期目标</th><th>实际完成情况</th></tr></thead>'
            f'<tbody><tr><td class="text">{_e(expected or "")}</td><td class="text">{_e(actual or "")}</td></tr>'
            "</tbody></table>"
        )

    def indicator_table(self, index: int, form: ProjectForm | DepartmentForm) -> str:
        parts = [
            "<h3>绩效指标</h3>",
            '<table class="indicators"><thead><tr><th>一级指标</th><th>二级指标</th><th>三级指标</th>'
            '<th>年度指标值</th><th>实际完成值</th><th class="num">分值</th><th class="num">得分</th>'
            '<th class="num">复算得分</th><th>偏差原因分析及改进措施</th><th>行号</th><th>发现</th></tr>'
            "</thead><tbody>",
        ]
        weights = form.level1_weights or {}
        current: str | None = None
        for i, row in enumerate(form.indicators):
            if row.level1 != current:
                current = row.level1
                if current in weights:
                    key = f"level1_weights.{current}"
                    parts.append(
                        f'<tr{self.row_class(index, key, "group")}><td colspan="5">{_e(current)}</td>'
                        f"{self.cell(index, key, weights[current])}"
                        f'<td colspan="3"></td><td></td><td>{self.finding_refs(self.placed.row_numbers(index, key))}'
                        "</td></tr>"
                    )
            parts.append(self.indicator_row(index, i, row))
        parts.append("</tbody></table>")
        return "\n".join(parts)

    def indicator_row(self, index: int, i: int, row: Indicator) -> str:
        key = f"indicators[{i}]"
        cells = [
            f'<td class="text">{_e(row.level1 or "")}</td>',
            f'<td class="text">{_e(row.level2 or "")}</td>',
            self.cell(index, f"{key}.name", row.name, text=True),
            self.cell(index, f"{key}.target", row.target, text=True),
            self.cell(index, f"{key}.actual", row.actual, text=True),
            self.cell(index, f"{key}.weight", row.weight),
            self.stated_cell(index, f"{key}.score", row.score),
            self.recomputed_cell(index, f"{key}.score"),
            self.cell(index, f"{key}.note", row.note, text=True),
            f"<td>{self.line_link(row.line, str(row.line))}</td>",
            f"<td>{self.finding_refs(self.placed.row_numbers(index, key))}</td>",
        ]
        return f"<tr{self.row_class(index, key)}>{''.join(cells)}</tr>"

    def department_funds(self, index: int, form: DepartmentForm) -> str:
        funds = form.overall_funds
        head = "".join(f'<th class="num">{label}（万元）</th>' for _, label in DEPARTMENT_FUNDS)
        cells = "".join(self.cell(index, f"funds.{name}", getattr(funds, name)) for name, _ in DEPARTMENT_FUNDS)
        numbers = sorted({n for row in DEPARTMENT_FUNDS_ROWS for n in self.placed.row_numbers(index, row)})
        severity = worst(self.placed.findings[n].severity for n in numbers)
        cls = f' class="sev-{severity}"' if severity else ""
        return (
            f'<h3>部门资金</h3><table class="funds"><thead><tr>{head}<th>发现</th></tr></thead>'
            f"<tbody><tr{cls}>{cells}<td>{self.finding_refs(numbers)}</td></tr></tbody></table>"
        )

    def framework_table(self, index: int, form: DepartmentForm) -> str:
        parts = [
            "<h3>绩效指标</h3>",
            '<table class="indicators framework"><thead><tr><th>一级指标</th><th>二级指标</th><th>三级指标</th>'
            '<th class="num">参考分值</th><th class="num">设定分值</th><th>计算分析情况</th>'
            '<th class="num">评价得分</th><th class="num">复算得分</th><th>行号</th><th>发现</th></tr></thead><tbody>',
        ]
        shown: set[str] = set()
        current: str | None = None
        for i, row in enumerate(form.indicators):
            if row.level1 != current:
                current = row.level1
                if current is not None and current in form.subtotals:
                    parts.append(self.subtotal_row(index, current, form))
                    shown.add(current)
            key = f"indicators[{i}]"
            cells = [
                f'<td class="text">{_e(row.level1 or "")}</td>',
                f'<td class="text">{_e(row.level2 or "")}</td>',
                self.cell(index, f"{key}.name", row.name, text=True),
                self.cell(index, f"{key}.reference_weight", row.reference_weight),
                self.cell(index, f"{key}.weight", row.weight),
                self.cell(index, f"{key}.basis", row.basis, text=True),
                self.stated_cell(index, f"{key}.score", row.score),
                self.recomputed_cell(index, f"{key}.score"),
                f"<td>{self.line_link(row.line, str(row.line))}</td>",
                f"<td>{self.finding_refs(self.placed.row_numbers(index, key))}</td>",
            ]
            parts.append(f"<tr{self.row_class(index, key)}>{''.join(cells)}</tr>")
        for name in form.subtotals:
            if name not in shown:
                parts.append(self.subtotal_row(index, name, form))
        parts.append("</tbody></table>")
        return "\n".join(parts)

    def subtotal_row(self, index: int, name: str, form: DepartmentForm) -> str:
        sub = form.subtotals[name]
        key = f"subtotals.{name}"
        cells = [
            f'<td colspan="3">{_e(name)}（小计）</td>',
            self.cell(index, f"{key}.reference_weight", sub.reference_weight),
            self.cell(index, f"{key}.weight", sub.weight),
            "<td></td>",
            self.stated_cell(index, f"{key}.score", sub.score),
            self.recomputed_cell(index, f"{key}.score"),
            f"<td>{self.line_link(sub.line, str(sub.line)) if sub.line else ''}</td>",
            f"<td>{self.finding_refs(self.placed.row_numbers(index, key))}</td>",
        ]
        return f"<tr{self.row_class(index, key, 'subtotal')}>{''.join(cells)}</tr>"

    def report_tables(self, index: int, form: ReportForm) -> str:
        budget = form.budget
        head = "".join(f'<th class="num">{label}</th>' for _, label in REPORT_BUDGET)
        cells = "".join(
            self.stated_cell(index, f"budget.{name}", getattr(budget, name), rate=name == "rate")
            for name, _ in REPORT_BUDGET
        )
        parts = [
            f'<h3>预算执行（万元）</h3><table class="budget"><thead><tr>{head}<th class="num">复算执行率</th>'
            f"<th>发现</th></tr></thead><tbody><tr{self.row_class(index, 'budget')}>{cells}"
            f"{self.recomputed_cell(index, 'budget.rate', rate=True)}"
            f"<td>{self.finding_refs(self.placed.row_numbers(index, 'budget'))}</td></tr></tbody></table>"
        ]
        if form.projects:
            parts.append(
                '<h3>项目</h3><table class="projects"><thead><tr><th>项目名称</th><th>类别</th>'
                '<th class="num">年初预算数</th><th class="num">全年预算数</th><th class="num">执行数</th>'
                '<th class="num">执行率</th><th class="num">复算执行率</th><th class="num">得分</th><th>等级</th>'
                "<th>行号</th><th>发现</th></tr></thead><tbody>"
            )
            for i, project in enumerate(form.projects):
                key = f"projects[{i}]"
                cells = "".join(
                    [
                        self.cell(index, f"{key}.name", project.name, text=True),
                        f"<td>{_e(GROUP_LABELS.get(project.group, project.group))}</td>",
                        self.cell(index, f"{key}.initial", project.initial),
                        self.cell(index, f"{key}.budget", project.budget),
                        self.cell(index, f"{key}.executed", project.executed),
                        self.stated_cell(index, f"{key}.rate", project.rate, rate=True),
                        self.recomputed_cell(index, f"{key}.rate", rate=True),
                        self.stated_cell(index, f"{key}.score", project.score),
                        self.cell(index, f"{key}.grade", project.grade, text=True),
                        f"<td>{self.line_link(project.line, str(project.line))}</td>",
                        f"<td>{self.finding_refs(self.placed.row_numbers(index, key))}</td>",
                    ]
                )
                parts.append(f"<tr{self.row_class(index, key)}>{cells}</tr>")
            parts.append("</tbody></table>")
        if form.score_breakdown:
            parts.append(
                '<h3>得分构成</h3><table class="breakdown"><thead><tr><th>项目</th><th class="num">得分</th>'
                "</tr></thead><tbody>"
            )
            for name, value in form.score_breakdown.items():
                key = f"score_breakdown.{name}"
                parts.append(f"<tr{self.row_class(index, key)}><td>{_e(name)}</td>{self.cell(index, key, value)}</tr>")
            parts.append("</tbody></table>")
        return "\n".join(parts)

    def totals(self, index: int, form: Form) -> str:
        weight = getattr(form, "total_weight", None)
        rows = [
            "<h3>总分与等级</h3>",
            '<table class="totals"><thead><tr><th></th><th class="num">分值</th><th class="num">填报</th>'
            '<th class="num">复算</th><th>发现</th></tr></thead><tbody>',
            f"<tr{self.row_class(index, 'total')}><td>总分</td>{self.cell(index, 'total_weight', weight)}"
            f"{self.stated_cell(index, 'total_score', form.total_score)}{self.recomputed_cell(index, 'total_score')}"
            f"<td>{self.finding_refs(self.placed.row_numbers(index, 'total'))}</td></tr>",
            f"<tr{self.row_class(index, 'grade')}><td>评价等级</td><td></td>"
            f"{self.stated_cell(index, 'grade', form.grade)}{self.recomputed_cell(index, 'grade')}"
            f"<td>{self.finding_refs(self.placed.row_numbers(index, 'grade'))}</td></tr>",
            "</tbody></table>",
        ]
        return "\n".join(rows)

    def explanation_table(self, index: int) -> str:
        values = self.recomputed.of(index)
        if not values:
            return ""
        parts = [
            "<details><summary>复算明细（规则、参数、输入、依据）</summary>",
            '<table class="explain"><thead><tr><th>字段</th><th>规则</th><th>参数</th><th>输入</th>'
            '<th class="num">复算</th><th class="num">填报</th><th>依据</th></tr></thead><tbody>',
        ]
        for value in values:
            key = value.field
            bad = " bad" if value.differs else ""
            parts.append(
                f"<tr><td><code>{_e(key)}</code></td><td>{_e(value.rule)}</td>"
                f'<td class="text">{_e(fmt_number(value.parameters))}</td>'
                f'<td class="text">{_e(fmt_number(value.inputs))}</td>'
                f'<td class="num{bad}">{_e(fmt_value(value.result, key))}</td>'
                f'<td class="num{bad}">{_e(fmt_value(value.stated, key))}</td>'
                f'<td class="text">{_e(value.reference or "")}</td></tr>'
            )
        parts.append("</tbody></table></details>")
        return "\n".join(parts)

    def source_listing(self) -> str:
        starts = {form.line for form in self.document.forms}
        parts = [
            '<section id="source"><h2>源文件</h2>',
            f'<p class="note">{_e(self.document.source)}，共 {len(self.lines)} 行；'
            "有发现的行按严重程度着色，点击右侧标记回到发现。</p>",
            '<table class="src"><tbody>',
        ]
        for number, text in enumerate(self.lines, start=1):
            classes = []
            severity = self.placed.line_severity(number)
            if severity is not None:
                classes.append(f"sev-{severity}")
            if number in starts:
                classes.append("form-start")
            cls = f' class="{" ".join(classes)}"' if classes else ""
            marks = self.line_marks(self.placed.by_line.get(number, []))
            parts.append(
                f'<tr id="L{number}"{cls}><td class="ln"><a href="#L{number}">{number}</a></td>'
                f'<td class="code">{_e(text)}</td><td class="marks">{marks}</td></tr>'
            )
        parts.append("</tbody></table></section>")
        return "\n".join(parts)


def review_html(document: Document, lines: list[str]) -> str:
    """A self-contained HTML review report of one reviewed document; ``lines`` are its source text lines."""
    return _Page(document, lines).render()


# ---------------------------------------------------------------------------
# The index page
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class IndexEntry:
    """One reviewed file as the index page lists it."""

    source: str
    report: str | None
    department: str | None = None
    year: int | None = None
    forms: tuple[FormKind, ...] = ()
    findings: tuple[tuple[str, Severity], ...] = ()
    problems: tuple[str, ...] = ()
    workbook: str | None = None

    @classmethod
    def from_document(cls, document: Document, report: str | None, workbook: str | None = None) -> IndexEntry:
        return cls(
            source=document.source,
            report=report,
            department=document_department(document),
            year=document_year(document),
            forms=tuple(form.kind for form in document.forms),
            findings=tuple((finding.check, finding.severity) for finding in document.findings or []),
            problems=tuple(problem.message for problem in document.problems),
            workbook=workbook,
        )

    def count(self, severity: Severity) -> int:
        return sum(1 for _, found in self.findings if found == severity)

    def checks(self) -> Counter[str]:
        return Counter(check for check, _ in self.findings)


_INDEX_CSS = """
.filters { display: flex; flex-wrap: wrap; gap: 10px 18px; align-items: center; margin-bottom: 8px; }
.filters label { color: var(--muted); }
.filters select { font: inherit; padding: 2px 4px; max-width: 22em; }
table.index th { cursor: pointer; user-select: none; position: relative; padding-right: 16px; }
table.index th[aria-sort="ascending"]::after { content: "▲"; position: absolute; right: 3px; font-size: 10px; }
table.index th[aria-sort="descending"]::after { content: "▼"; position: absolute; right: 3px; font-size: 10px; }
table.index td.n-error { color: var(--err); font-weight: 700; }
table.index td.n-warning { color: var(--warn); font-weight: 700; }
table.index td.n-info { color: var(--info); }
table.index td.zero { color: #9aa3ae; font-weight: 400; }
table.index td.file { min-width: 14em; overflow-wrap: anywhere; }
table.index td.dept { min-width: 9em; }
table.index td.forms { min-width: 7em; }
table.index td.checks span { display: inline-block; white-space: nowrap; margin: 0 6px 2px 0; }
"""

_INDEX_JS = """
(function () {
  var table = document.getElementById('files');
  var body = table.tBodies[0];
  var selects = document.querySelectorAll('.filters select');
  function value(id) { return document.getElementById(id).value; }
  function apply() {
    var check = value('f-check'), sev = value('f-severity'), dept = value('f-department'), year = value('f-year');
    var shown = 0;
    Array.prototype.forEach.call(body.rows, function (tr) {
      var pairs = (tr.dataset.findings || '').split(' ').filter(Boolean);
      var ok = (!dept || tr.dataset.department === dept) && (!year || tr.dataset.year === year);
      if (ok && (check || sev)) {
        ok = pairs.some(function (p) {
          var i = p.lastIndexOf('|');
          return (!check || p.slice(0, i) === check) && (!sev || p.slice(i + 1) === sev);
        });
      }
      tr.classList.toggle('hidden', !ok);
      if (ok) { shown += 1; }
    });
    document.getElementById('shown').textContent = shown;
  }
  Array.prototype.forEach.call(selects, function (s) { s.addEventListener('change', apply); });
  document.getElementById('f-reset').addEventListener('click', function () {
    Array.prototype.forEach.call(selects, function (s) { s.value = ''; }); apply();
  });
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    th.addEventListener('click', function () {
      var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', dir);
      var numeric = th.dataset.type === 'number';
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].dataset.sort, y = b.cells[col].dataset.sort;
        if (x === undefined) { x = a.cells[col].textContent; }
        if (y === undefined) { y = b.cells[col].textContent; }
        var r;
        if (numeric) { r = (parseFloat(x) || 0) - (parseFloat(y) || 0); }
        else { r = x.localeCompare(y, 'zh-CN'); }
        return dir === 'ascending' ? r : -r;
      });
      rows.forEach(function (tr) { body.appendChild(tr); });
    });
  });
  apply();
})();
"""


def _options(values: Iterable[tuple[str, str]]) -> str:
    return "".join(f'<option value="{_e(value)}">{_e(label)}</option>' for value, label in values)


def _forms_text(kinds: tuple[FormKind, ...]) -> str:
    counts = Counter(kinds)
    kinds_in_order: tuple[FormKind, ...] = ("project", "department", "report")
    return "，".join(f"{KIND_SHORT[kind]} {counts[kind]}" for kind in kinds_in_order if counts[kind])


def index_html(entries: list[IndexEntry]) -> str:
    """The page over all reviewed files: sortable by column, filterable by check, severity, department, year."""
    summaries = check_summaries()
    all_checks = sorted({check for entry in entries for check, _ in entry.findings})
    departments = sorted({entry.department for entry in entries if entry.department})
    years = sorted({entry.year for entry in entries if entry.year is not None})
    totals = {severity: sum(entry.count(severity) for entry in entries) for severity in SEVERITIES}
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>绩效自评审核 — 文件索引</title>",
        f"<style>{_CSS}{_INDEX_CSS}</style>",
        "</head>",
        "<body>",
        '<header class="top"><h1>绩效自评审核 — 文件索引</h1>',
        f'<div class="meta">{len(entries)} 个文件 · 错误 {totals["error"]} · 警告 {totals["warning"]} · '
        f"提示 {totals['info']}</div></header>",
        "<main><section>",
        '<div class="filters">',
        '<label>检查项 <select id="f-check"><option value="">全部</option>'
        + _options((check, f"{check} {summaries.get(check, '')}".strip()) for check in all_checks)
        + "</select></label>",
        '<label>严重程度 <select id="f-severity"><option value="">全部</option>'
        + _options((severity, SEVERITY_LABELS[severity]) for severity in SEVERITIES)
        + "</select></label>",
        '<label>部门 <select id="f-department"><option value="">全部</option>'
        + _options((department, department) for department in departments)
        + "</select></label>",
        '<label>年度 <select id="f-year"><option value="">全部</option>'
        + _options((str(year), str(year)) for year in years)
        + "</select></label>",
        '<button type="button" id="f-reset">清除筛选</button>',
        f'<span class="note">显示 <b id="shown">{len(entries)}</b> / {len(entries)} 个文件；点击列标题排序</span>',
        "</div>",
        '<table class="index" id="files"><thead><tr>'
        '<th data-type="text">文件</th><th data-type="text">部门</th><th data-type="number">年度</th>'
        '<th data-type="number">表单</th><th data-type="number" class="num">错误</th>'
        '<th data-type="number" class="num">警告</th><th data-type="number" class="num">提示</th>'
        '<th data-type="text">检查项</th><th data-type="text">问题</th></tr></thead><tbody>',
    ]
    for entry in entries:
        pairs = " ".join(sorted({f"{check}|{severity}" for check, severity in entry.findings}))
        link = f'<a href="{_e(entry.report)}">{_e(entry.source)}</a>' if entry.report else _e(entry.source)
        if entry.workbook:
            link += f' <a class="note" href="{_e(entry.workbook)}" title="Excel 审核底稿">xlsx</a>'
        counts = []
        for severity in SEVERITIES:
            n = entry.count(severity)
            cls = "num zero" if n == 0 else f"num n-{severity}"
            counts.append(f'<td class="{cls}" data-sort="{n}" data-severity="{severity}">{n}</td>')
        checks = " ".join(
            f'<span><code title="{_e(summaries.get(check, ""))}">{_e(check)}</code>×{n}</span>'
            for check, n in sorted(entry.checks().items())
        )
        parts.append(
            f'<tr data-findings="{_e(pairs)}" data-department="{_e(entry.department or "")}" '
            f'data-year="{_e(entry.year or "")}">'
            f'<td class="file" data-sort="{_e(entry.source)}">{link}</td>'
            f'<td class="dept">{_e(entry.department or "")}</td>'
            f'<td class="num" data-sort="{_e(entry.year or 0)}">{_e(entry.year or "")}</td>'
            f'<td class="forms" data-sort="{len(entry.forms)}">{_e(_forms_text(entry.forms) or "无")}</td>'
            + "".join(counts)
            + f'<td class="checks">{checks}</td>'
            f'<td class="text problem">{_e("；".join(entry.problems))}</td></tr>'
        )
    parts.extend(["</tbody></table>", "</section></main>", f"<script>{_INDEX_JS}</script>", "</body>", "</html>"])
    return "\n".join(parts) + "\n"
