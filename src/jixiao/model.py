"""The domain model: every form jixiao reads, scores, reviews and renders.

One module on purpose: parsers fill these types, checks read them, renderers
print them. Amounts are ``Decimal`` in 万元 and rates are fractions, so sums
and comparisons are exact. Every extracted value can be traced to the source
through ``provenance``: field path → :class:`Loc`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, NamedTuple

FormKind = Literal["project", "department", "report"]
Severity = Literal["error", "warning", "info"]
ProjectGroup = Literal["project", "transfer", "unit"]


class Loc(NamedTuple):
    """Where a value came from: the 1-based text line, and the cell when it sat in a table.

    A named tuple, not a dataclass: one is made for every extracted value, so it must be cheap.
    """

    line: int
    row: int | None = None
    col: int | None = None
    page: int | None = None
    sheet: str | None = None
    inherited: bool = False

    def as_dict(self) -> dict[str, object]:
        if self.page is None and self.sheet is None and not self.inherited and self.col is not None:
            return {"line": self.line, "row": self.row, "col": self.col}
        out: dict[str, object] = {"line": self.line}
        if self.row is not None:
            out["row"] = self.row
        if self.col is not None:
            out["col"] = self.col
        if self.page is not None:
            out["page"] = self.page
        if self.sheet is not None:
            out["sheet"] = self.sheet
        if self.inherited:
            out["inherited"] = True
        return out


@dataclass(slots=True)
class Amounts:
    """One funds row: 年初预算数, 全年预算数 (A), 全年执行数 (B), in 万元."""

    initial: Decimal | None = None
    budget: Decimal | None = None
    executed: Decimal | None = None

    def is_empty(self) -> bool:
        return self.initial is None and self.budget is None and self.executed is None


FUND_ROWS = ("total", "fiscal", "carryover", "other", "central", "local")


@dataclass(slots=True)
class ProjectFunds:
    """The 项目资金 block: source rows plus the stated 分值 / 执行率 / 得分 of the total row."""

    total: Amounts = field(default_factory=Amounts)
    fiscal: Amounts = field(default_factory=Amounts)
    carryover: Amounts = field(default_factory=Amounts)
    other: Amounts = field(default_factory=Amounts)
    central: Amounts | None = None
    local: Amounts | None = None
    weight: Decimal | None = None
    rate: Decimal | None = None
    score: Decimal | None = None

    def row(self, name: str) -> Amounts | None:
        value: Amounts | None = getattr(self, name)
        return value


@dataclass(slots=True)
class DepartmentFunds:
    """The funds header of the framework-layout 部门整体 form (万元)."""

    carryover: Decimal | None = None
    initial: Decimal | None = None
    adjustment: Decimal | None = None
    other_adjustment: Decimal | None = None
    executed: Decimal | None = None
    balance: Decimal | None = None


@dataclass(slots=True)
class Goals:
    """年度总体目标: 预期目标 and 实际完成情况, as written."""

    expected: str | None = None
    actual: str | None = None


@dataclass(slots=True)
class Indicator:
    """One level-3 indicator row.

    Project layout uses target/actual/note; the department framework layout uses
    reference_weight/basis. Unused fields stay None.
    """

    level1: str | None
    level2: str | None
    name: str | None
    line: int
    target: str | None = None
    actual: str | None = None
    weight: Decimal | None = None
    score: Decimal | None = None
    note: str | None = None
    reference_weight: Decimal | None = None
    basis: str | None = None
    provenance: dict[str, Loc] = field(default_factory=dict)


@dataclass(slots=True)
class Subtotal:
    weight: Decimal | None = None
    score: Decimal | None = None
    reference_weight: Decimal | None = None
    line: int | None = None


@dataclass(slots=True)
class ProjectForm:
    """项目支出绩效自评表, or the unscored 绩效目标完成情况表 (``scored`` False)."""

    line: int
    year: int | None = None
    title: str | None = None
    project: str | None = None
    project_code: str | None = None
    department: str | None = None
    department_code: str | None = None
    implementer: str | None = None
    implementer_code: str | None = None
    funds: ProjectFunds = field(default_factory=ProjectFunds)
    goals: Goals = field(default_factory=Goals)
    level1_weights: dict[str, Decimal] | None = None
    indicators: list[Indicator] = field(default_factory=list)
    total_score: Decimal | None = None
    total_weight: Decimal | None = None
    grade: str | None = None
    scored: bool = True
    end_line: int | None = None
    provenance: dict[str, Loc] = field(default_factory=dict)
    kind: FormKind = "project"


@dataclass(slots=True)
class DepartmentForm:
    """部门整体支出绩效自评表, in the framework layout or the project layout."""

    line: int
    layout: Literal["framework", "project"] = "framework"
    year: int | None = None
    title: str | None = None
    department: str | None = None
    department_code: str | None = None
    overall_funds: DepartmentFunds = field(default_factory=DepartmentFunds)
    funds: ProjectFunds = field(default_factory=ProjectFunds)
    goals: Goals = field(default_factory=Goals)
    level1_weights: dict[str, Decimal] | None = None
    indicators: list[Indicator] = field(default_factory=list)
    subtotals: dict[str, Subtotal] = field(default_factory=dict)
    total_score: Decimal | None = None
    total_weight: Decimal | None = None
    grade: str | None = None
    narrative_lines: tuple[int, int] | None = None
    end_line: int | None = None
    provenance: dict[str, Loc] = field(default_factory=dict)
    kind: FormKind = "department"


@dataclass(slots=True)
class ReportBudget:
    budget: Decimal | None = None
    adjusted: Decimal | None = None
    executed: Decimal | None = None
    rate: Decimal | None = None


@dataclass(slots=True)
class ReportProject:
    """A project or transfer payment a narrative report gives figures for."""

    name: str
    group: ProjectGroup
    line: int
    initial: Decimal | None = None
    budget: Decimal | None = None
    executed: Decimal | None = None
    rate: Decimal | None = None
    score: Decimal | None = None
    grade: str | None = None
    provenance: dict[str, Loc] = field(default_factory=dict)


@dataclass(slots=True)
class ReportForm:
    """A narrative 自评报告 / 评价报告 / 决算说明: its figures only, not its prose."""

    line: int
    year: int | None = None
    department: str | None = None
    title: str | None = None
    budget: ReportBudget = field(default_factory=ReportBudget)
    projects: list[ReportProject] = field(default_factory=list)
    score_breakdown: dict[str, Decimal] | None = None
    total_score: Decimal | None = None
    grade: str | None = None
    end_line: int | None = None
    provenance: dict[str, Loc] = field(default_factory=dict)
    kind: FormKind = "report"


Form = ProjectForm | DepartmentForm | ReportForm


def project_layout(form: Form) -> ProjectForm | DepartmentForm | None:
    """The form when its rows are in the project layout (funds block, targets, actuals), else None."""
    if isinstance(form, ProjectForm) or (isinstance(form, DepartmentForm) and form.layout == "project"):
        return form
    return None


@dataclass(slots=True)
class Finding:
    """One defect, in the shape FORMAT.md gives; printed ``file:line: message``."""

    check: str
    severity: Severity
    form: int | None
    field: str | None
    line: int | None
    message: str
    expected: object = None
    found: object = None


@dataclass(slots=True)
class Problem:
    """Why a file could not be read, or was read with a caveat (never a traceback)."""

    path: str
    message: str
    fatal: bool = True

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(slots=True)
class Document:
    """What extraction makes of one input file."""

    source: str
    forms: list[Form] = field(default_factory=list)
    findings: list[Finding] | None = None
    problems: list[Problem] = field(default_factory=list)
    profile: str | None = None
