"""A 自评报告 drafted from a department's own forms (RULES.md §7.1 for one project, §7.3 for a unit).

Departments write the narrative after the forms, by hand, and that is where
many defects reviewers find are born: figures that disagree with the tables, a
存在问题 that says 无 beside deductions, last year's sentences. A draft made
from the forms avoids them by construction: every figure is one the forms
state, every indicator that lost points is named with the reason its row
gives, and what the forms do not say is left as a marked gap (:data:`GAP`) for
the department to fill in, never invented.

The draft is a :class:`ReportForm` (the figures, drawn by ``narrative.py`` as
sentences the report parser reads back) plus an :class:`Analysis` (the
paragraphs about indicators, problems and measures).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from jixiao.model import DepartmentForm, Document, Indicator, ProjectForm, ReportBudget, ReportForm, ReportProject
from jixiao.render.forms.layout import number_text
from jixiao.render.forms.narrative import Analysis, item_name, single_project
from jixiao.rules.scoring import quantity_pair, target_met

__all__ = ["GAP", "Drafted", "compose_report"]

GAP = "（待补充）"
TableForm = ProjectForm | DepartmentForm


@dataclass(frozen=True, slots=True)
class Drafted:
    """The drafted report as a one-form document, the paragraphs that go with it, and the gaps left."""

    document: Document
    analysis: Analysis
    gaps: int


def compose_report(document: Document) -> Drafted:
    """Draft the 自评报告 of a document's 项目支出 / 部门整体 forms (a report already in it is not used).

    Raise ``ValueError`` when the document has no such form to draft from.
    """
    tables: list[TableForm] = [form for form in document.forms if isinstance(form, ProjectForm | DepartmentForm)]
    if not tables:
        raise ValueError("文档中没有项目支出或部门整体支出绩效自评表，无法起草自评报告")
    projects = [form for form in tables if isinstance(form, ProjectForm)]
    departments = [form for form in tables if isinstance(form, DepartmentForm)]
    unit = next((form.department for form in tables if form.department), None)
    year = next((form.year for form in tables if form.year is not None), None)
    single = len(projects) == 1 and not departments
    report = ReportForm(line=1, year=year, department=unit)
    if single:
        report.title = _single_title(projects[0], year)
    if not single or not single_project(report.title):
        report.title = f"{year}年度部门整体支出绩效自评报告" if year is not None else "部门整体支出绩效自评报告"
        single = False
    report.projects = [_project(form) for form in projects]
    if single:
        report.total_score, report.grade = projects[0].total_score, projects[0].grade
        report.projects[0].score, report.projects[0].grade = report.total_score, report.grade
    elif departments:
        department = departments[0]
        report.budget = _unit_budget(department)
        report.total_score, report.grade = department.total_score, department.grade
    else:
        report.budget = _projects_budget(projects)
    writer = _Writer(named=len(tables) > 1)
    analysis = Analysis(
        overview=tuple(writer.overview(projects, departments)),
        results=tuple(writer.results(tables)),
        problems=tuple(writer.problems(tables)),
        measures=tuple(writer.measures(tables)),
        application=(
            "本次绩效自评结果将按规定报送财政部门，并随部门决算向社会公开；"
            "自评中发现的问题将作为完善绩效目标、调整支出结构和安排以后年度预算的重要依据。",
        ),
    )
    if not single and not departments:
        analysis = replace(analysis, budget_lead="本年度纳入绩效自评的", budget_labels=_SUM_LABELS)
    paragraphs = (*analysis.overview, *analysis.results, *analysis.problems, *analysis.measures)
    gaps = sum(text.count(GAP) for text in paragraphs)
    return Drafted(Document(source=document.source, forms=[report], profile=document.profile), analysis, gaps)


def _single_title(form: ProjectForm, year: int | None) -> str | None:
    if not form.project:
        return None
    name = form.project if form.project.endswith("项目") else f"{form.project}项目"
    when = f"{year}年度" if year is not None else ""
    return f"{when}{name}支出绩效自评报告"


def _project(form: ProjectForm) -> ReportProject:
    total = form.funds.total
    return ReportProject(
        name=item_name(form.project or "未命名项目"),
        group="project",
        line=0,
        initial=total.initial,
        budget=total.budget,
        executed=total.executed,
        rate=form.funds.rate,
        score=form.total_score,
        grade=form.grade,
    )


def _unit_budget(form: DepartmentForm) -> ReportBudget:
    """The unit's budget line: the 年度资金总额 row of the form, else its 部门整体 funds block."""
    total = form.funds.total
    if total.budget is not None or total.executed is not None:
        return ReportBudget(budget=total.initial, adjusted=total.budget, executed=total.executed, rate=form.funds.rate)
    overall = form.overall_funds
    adjusted = None
    if overall.initial is not None:
        adjusted = overall.initial + (overall.adjustment or 0) + (overall.other_adjustment or 0)
    return ReportBudget(budget=overall.initial, adjusted=adjusted, executed=overall.executed)


_SUM_LABELS = ("项目预算数合计", "调整后预算数合计", "全年支出合计")


def _projects_budget(projects: Sequence[ProjectForm]) -> ReportBudget:
    """The top-line total of the funds evaluated (FORMAT.md: a report with no unit budget line), when every
    project states its amounts; a partial sum would be a figure no form supports."""
    totals = [form.funds.total for form in projects]
    if not totals or any(t.initial is None or t.budget is None or t.executed is None for t in totals):
        return ReportBudget()
    initial = sum((t.initial for t in totals if t.initial is not None), Decimal(0))
    budget = sum((t.budget for t in totals if t.budget is not None), Decimal(0))
    executed = sum((t.executed for t in totals if t.executed is not None), Decimal(0))
    rate = (executed / budget).quantize(Decimal("0.0001")) if budget > 0 else None
    return ReportBudget(budget=initial, adjusted=budget, executed=executed, rate=rate)


def _sentence(text: str) -> str:
    text = text.strip().rstrip("。；;，,")
    return f"{text}。" if text else ""


def _lost(indicator: Indicator) -> bool:
    """Scored below its weight: the row lost points, so the report must say why (RULES.md §2.7)."""
    return indicator.weight is not None and indicator.score is not None and indicator.score < indicator.weight


def _met(indicator: Indicator, by_score: bool = True) -> bool | None:
    """Whether the row reached its target: by its score where scored (unless asked for its figures), else by
    its figures; None if unknown."""
    if by_score and indicator.weight is not None and indicator.score is not None:
        return indicator.score >= indicator.weight
    pair = quantity_pair(indicator)
    return None if pair is None else target_met(pair)


def _points(value: Decimal) -> str:
    return f"{number_text(value)}分"


class _Writer:
    """The paragraphs of one draft; a draft of several forms names the form before each of its indicators."""

    def __init__(self, named: bool) -> None:
        self.named = named

    def _owner(self, form: TableForm) -> str:
        if not self.named:
            return ""
        if isinstance(form, ProjectForm):
            return f"{form.project or '未命名项目'}："
        return "部门整体："

    def overview(self, projects: Sequence[ProjectForm], departments: Sequence[DepartmentForm]) -> list[str]:
        out: list[str] = []
        if len(projects) > 1 or (projects and departments):
            names = "、".join(f"“{form.project}”" for form in projects if form.project)
            out.append(f"本次纳入绩效自评的项目共{len(projects)}个" + (f"，包括{names}" if names else "") + "。")
        forms: list[TableForm] = [*departments, *projects]
        for form in forms:
            expected = _sentence(form.goals.expected or "")
            if expected:
                out.append(f"{self._owner(form)}年度绩效目标为：{expected}")
            elif isinstance(form, ProjectForm):
                out.append(f"{self._owner(form)}年度绩效目标为：{GAP}")
        return out

    def results(self, forms: Sequence[TableForm]) -> list[str]:
        out: list[str] = []
        for form in forms:
            actual = _sentence(form.goals.actual or "")
            if actual:
                out.append(f"{self._owner(form)}年度目标完成情况：{actual}")
            groups: dict[str, list[Indicator]] = {}
            for indicator in form.indicators:
                if indicator.name and (indicator.target or indicator.actual):
                    groups.setdefault(indicator.level1 or "其他指标", []).append(indicator)
            for level1, rows in groups.items():
                known = [met for met in map(_met, rows) if met is not None]
                head = f"{self._owner(form)}{level1}共{len(rows)}项"
                if len(known) == len(rows):
                    head += "，全部达到年度指标值" if all(known) else f"，其中{sum(known)}项达到年度指标值"
                items = "；".join(_row(indicator) for indicator in rows)
                out.append(f"{head}。{items}。")
        return out

    def problems(self, forms: Sequence[TableForm]) -> list[str]:
        out: list[str] = []
        for form in forms:
            for indicator in form.indicators:
                if not indicator.name or not (_lost(indicator) or _met(indicator) is False):
                    continue
                reason = _sentence(indicator.note or "") or GAP
                missed = "未达到年度指标值" if _met(indicator, by_score=False) is False else "未得满分"
                out.append(f"{self._owner(form)}“{indicator.name}”{missed}：{_figures(indicator)}。原因：{reason}")
            rate = form.funds.rate
            if rate is not None and rate < 1 and isinstance(form, ProjectForm):
                out.append(f"{self._owner(form)}预算执行率未达到100%，原因：{GAP}")
        return out

    def measures(self, forms: Sequence[TableForm]) -> list[str]:
        missed = [
            indicator.name
            for form in forms
            for indicator in form.indicators
            if indicator.name and (_lost(indicator) or _met(indicator) is False)
        ]
        slow = any(form.funds.rate is not None and form.funds.rate < 1 for form in forms)
        out: list[str] = []
        if missed:
            named = "、".join(f"“{name}”" for name in dict.fromkeys(missed))
            out.append(f"针对{named}等指标未达到预期的问题，逐项分析原因，明确整改责任和时限，在下一年度加以改进。")
        if slow:
            out.append("加强预算执行管理，按照序时进度组织实施项目，及时拨付和使用资金，提高预算执行率。")
        out.append("科学合理设定绩效目标，细化量化绩效指标，完善佐证资料，强化绩效自评结果的应用。")
        return out


def _row(indicator: Indicator) -> str:
    """``培训人次：年度指标值≥500人次，实际完成值520人次，得分10分（分值10分）`` from what the row states."""
    return f"{indicator.name}：{_figures(indicator)}"


def _figures(indicator: Indicator) -> str:
    parts: list[str] = []
    if indicator.target:
        parts.append(f"年度指标值{indicator.target.strip()}")
    if indicator.actual:
        parts.append(f"实际完成值{indicator.actual.strip()}")
    if indicator.score is not None and indicator.weight is not None:
        parts.append(f"得分{_points(indicator.score)}（分值{_points(indicator.weight)}）")
    return "，".join(parts)
