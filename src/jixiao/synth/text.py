"""A sample as a plain-text dump: tab-separated tables and prose lines, as the seed dumps lay forms out.

The narrative of a report is drafted from its figures (the budget line, one
section per project with its amounts and rate, the score and grade) in the
outline RULES.md §7 gives, then the sample's extra paragraphs follow. The
drafted sentences are the ones :mod:`jixiao.parse.report` reads back.
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.model import DepartmentForm, Form, Indicator, ProjectForm, ProjectFunds, ReportForm, ReportProject
from jixiao.rules.scoring import quantity_pair, target_met
from jixiao.synth.spec import Sample, TextLayout, money, percent, plain, score_text

PROBLEMS = (
    "一是部分绩效指标设置不够细化量化，个别指标值设定偏于保守；二是项目实施进度不够均衡，年末支出相对集中。",
    "一是绩效目标编制质量有待提高，部分指标与工作任务衔接不够紧密；二是绩效运行监控的及时性还需加强。",
    "一是个别项目前期论证不够充分，实施方案还需细化；二是绩效自评工作的深度还需提升。",
)
MEASURES = (
    "加强绩效目标编制审核，科学设定绩效指标；建立项目实施进度月报制度，提高预算执行的均衡性。",
    "强化绩效运行监控，对偏离目标的项目及时督促整改；加强业务培训，提升绩效管理水平。",
    "完善项目前期论证和实施方案，压实项目单位主体责任，推动绩效评价结果与预算安排挂钩。",
)
CN_NUMBERS = "一二三四五六七八九十"


def _cell(value: Decimal | None) -> str:
    return "" if value is None else money(value)


def _score(value: Decimal | None) -> str:
    return "—" if value is None else score_text(value)


def _weight(value: Decimal | None) -> str:
    return "—" if value is None else plain(value)


def _rate(value: Decimal | None) -> str:
    return "—" if value is None else percent(value)


def funds_lines(funds: ProjectFunds) -> list[str]:
    """The funds block: its column header and the 年度资金总额 / source rows."""
    head = "项目资金（万元）\t\t\t年初预算数\t全年预算数（A）\t全年执行数（B）\t分值\t执行率（B/A）\t得分"
    total = funds.total
    lines = [
        head,
        f"\t\t年度资金总额\t{_cell(total.initial)}\t{_cell(total.budget)}\t{_cell(total.executed)}"
        f"\t{_weight(funds.weight)}\t{_rate(funds.rate)}\t{_score(funds.score)}",
    ]
    for label, row in (
        ("其中：本年财政拨款", funds.fiscal),
        ("上年结转资金", funds.carryover),
        ("其他资金", funds.other),
    ):
        lines.append(f"\t\t{label}\t{_cell(row.initial)}\t{_cell(row.budget)}\t{_cell(row.executed)}\t—\t\t—")
    return lines


def indicator_lines(form: ProjectForm | DepartmentForm) -> list[str]:
    lines = [
        "年度绩效指标完成情况\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施"
    ]
    level1 = level2 = None
    weights = form.level1_weights or {}
    for row in form.indicators:
        first = ""
        if row.level1 != level1:
            stated = weights.get(row.level1 or "")
            first = f"{row.level1}（{plain(stated)}分）" if stated is not None else (row.level1 or "")
            level1, level2 = row.level1, None
        second = row.level2 if row.level2 != level2 else ""
        level2 = row.level2
        lines.append(
            f"\t{first}\t{second or ''}\t{row.name or ''}\t{row.target or ''}\t{row.actual or ''}"
            f"\t{_weight(row.weight)}\t{_score(row.score)}\t{row.note or ''}"
        )
    lines.append(f"总分\t\t\t\t\t\t{_weight(form.total_weight)}\t{_score(form.total_score)}")
    if form.grade:
        lines.append(f"评价结果等次\t{form.grade}")
    return lines


def project_lines(form: ProjectForm) -> list[str]:
    lines = [
        form.title or "项目支出绩效自评表",
        f"（{form.year}年度）",
        f"项目名称\t\t{form.project}",
        f"主管部门\t\t{form.department}\t\t\t实施单位\t{form.implementer}",
        *funds_lines(form.funds),
        "年度总体目标完成情况\t预期目标\t\t\t\t实际完成情况",
        f"\t{form.goals.expected or ''}\t\t\t\t{form.goals.actual or ''}",
        *indicator_lines(form),
    ]
    return lines


def department_lines(form: DepartmentForm, analysis: list[str]) -> list[str]:
    lines = [form.title or "部门整体支出绩效自评表", f"（{form.year}年度）"]
    if form.layout == "project":
        lines += [
            f"部门名称\t\t{form.department}",
            *funds_lines(form.funds),
            "年度总体目标完成情况\t预期目标\t\t\t\t实际完成情况",
            f"\t{form.goals.expected or ''}\t\t\t\t{form.goals.actual or ''}",
            *indicator_lines(form),
        ]
        return lines
    funds = form.overall_funds
    lines += [
        f"单位名称\t{form.department}",
        f"上年结转金额（万元）\t{_cell(funds.carryover)}\t年初预算金额（万元）\t{_cell(funds.initial)}",
        f"预算调整金额（万元）\t{_cell(funds.adjustment)}\t其他调整资金（万元）\t{_cell(funds.other_adjustment)}",
        f"预算执行金额（万元）\t{_cell(funds.executed)}\t年末结余金额（万元）\t{_cell(funds.balance)}",
        *analysis,
        "一级指标\t二级指标\t三级指标\t参考分值\t设定分值\t计算分析情况\t评价得分",
    ]
    level2 = None
    for group in ("投入", "过程", "产出", "效果"):
        sub = form.subtotals.get(group)
        if sub is not None:
            lines.append(f"{group}\t\t\t{_weight(sub.reference_weight)}\t{_weight(sub.weight)}\t—\t{_score(sub.score)}")
        for row in form.indicators:
            if row.level1 != group:
                continue
            second = row.level2 if row.level2 != level2 else ""
            level2 = row.level2
            name = "" if row.name == row.level2 else row.name
            lines.append(
                f"\t{second or ''}\t{name or ''}\t{_weight(row.reference_weight)}\t{_weight(row.weight)}"
                f"\t{row.basis or '—'}\t{_score(row.score)}"
            )
    lines.append(
        f"综合得分\t\t\t{_weight(form.total_weight)}\t{_weight(form.total_weight)}\t—\t{_score(form.total_score)}"
    )
    if form.grade:
        lines.append(f"评价结果等次\t{form.grade}")
    return lines


# ---- narrative -----------------------------------------------------------------------------------


def _missed(rows: list[Indicator]) -> bool:
    for row in rows:
        pair = quantity_pair(row)
        if pair is not None and not target_met(pair):
            return True
    return False


def _claim(form: ProjectForm, forced: bool) -> str:
    executed = form.funds.total.executed
    if forced or (not _missed(form.indicators) and executed is not None and executed > 0):
        return "项目绩效目标全部完成。"
    return "部分绩效指标未达到年度指标值，偏差情况已在自评表中说明。"


def _funds_sentence(lead: str, project: ReportProject) -> str:
    parts = []
    if project.initial is not None:
        parts.append(f"{lead}年初预算数{money(project.initial)}万元")
    if project.budget is not None:
        parts.append(f"全年预算数{money(project.budget)}万元")
    if project.executed is not None:
        parts.append(f"全年执行数{money(project.executed)}万元")
    if project.rate is not None:
        parts.append(f"预算执行率{percent(project.rate)}")
    return "，".join(parts) + "。"


def _projects_of(sample: Sample, report: ReportForm) -> list[ProjectForm]:
    forms = sample.document.forms
    return [form for form in forms if isinstance(form, ProjectForm) and form.project]


def _closing(layout: TextLayout, pick: int, first: int) -> list[str]:
    """存在的问题 and 改进措施, numbered from ``first``, as the layout asks."""
    out: list[str] = []
    number = first
    if "problems" not in layout.omit:
        out += [
            f"{CN_NUMBERS[number - 1]}、存在的问题",
            PROBLEMS[pick % len(PROBLEMS)] if layout.problems is None else layout.problems,
        ]
        number += 1
    if "measures" not in layout.omit:
        out += [f"{CN_NUMBERS[number - 1]}、改进措施", MEASURES[pick % len(MEASURES)]]
        number += 1
    return out


def draft_report(sample: Sample, index: int) -> list[str]:
    """The paragraphs of a report: drafted from its figures, then the sample's extra paragraphs."""
    report = sample.document.forms[index]
    assert isinstance(report, ReportForm)
    layout = sample.layout
    pick = sum(map(ord, sample.stem))
    title = report.title or ""
    if "决算" in title and "绩效" not in title:
        body: list[str] = []  # a 决算说明's parts are all prose the sample carries
    elif report.projects and len(report.projects) == 1 and report.budget.executed is None:
        body = _single(report, sample, layout, pick)
    else:
        body = _department(report, sample, layout, pick)
    return [title, *[line for line in body if line is not None], *sample.extras.get(index, [])]


def _single(report: ReportForm, sample: Sample, layout: TextLayout, pick: int) -> list[str]:
    project = _projects_of(sample, report)[0]
    lines = [
        "一、项目基本情况",
        f"{project.project}由{project.department}{project.implementer}组织实施。"
        + _funds_sentence("项目", report.projects[0]),
        "二、绩效目标完成情况",
        (project.goals.actual or "") + _claim(project, 0 in layout.claims),
        "三、自评结论及得分情况",
    ]
    conclusion = (
        f"经自评，该项目自评得分{score_text(report.total_score)}分" if report.total_score is not None else "经自评"
    )
    conclusion += f"，评价等级为{report.grade}。" if report.grade else "。"
    lines.append(conclusion)
    return lines + _closing(layout, pick, 4)


def _department(report: ReportForm, sample: Sample, layout: TextLayout, pick: int) -> list[str]:
    budget = report.budget
    projects = _projects_of(sample, report)
    unit = report.department or ""
    lines = [
        "一、部门基本情况",
        f"{unit}是{report.year}年度部门预算单位，按照职能分工组织开展各项业务工作。",
        "二、部门预算执行情况",
    ]
    if budget.executed is not None:
        lines.append(
            f"{report.year}年度，我单位预算数为{money(budget.budget or Decimal(0))}万元，"
            f"调整后预算数为{money(budget.adjusted or Decimal(0))}万元，决算数为{money(budget.executed)}万元，"
            f"预算执行率{percent(budget.rate or Decimal(0))}。"
        )
    lines += ["三、部门整体绩效目标完成情况", "全年围绕年度工作重点，统筹推进各项业务，部门职能得到较好履行。"]
    if report.total_score is not None:
        said = f"经自评，我单位{report.year}年度部门整体支出绩效自评得分{score_text(report.total_score)}分"
        lines.append(said + (f"，评价等次为{report.grade}。" if report.grade else "。"))
    lines += ["四、项目支出绩效自评情况", f"本部门纳入绩效自评的项目支出共{len(projects)}个。"]
    for number, (project, listed) in enumerate(zip(projects, report.projects, strict=True)):
        lines += [
            f"（{CN_NUMBERS[number]}）{listed.name}",
            _funds_sentence("该项目", listed),
            (project.goals.actual or "") + _claim(project, number in layout.claims),
        ]
    lines += _closing(layout, pick, 5)
    after = 5 + (0 if "problems" in layout.omit else 1) + (0 if "measures" in layout.omit else 1)
    lines += [
        f"{CN_NUMBERS[after - 1]}、绩效自评结果应用及公开情况",
        "自评结果将作为以后年度预算安排的重要参考，并按规定在门户网站公开。",
    ]
    return lines


def render_text(sample: Sample) -> str:
    """The whole sample as a UTF-8 text dump: the report, then the forms as 附件, then a 决算说明."""
    out: list[str] = []
    forms = sample.document.forms
    attachment = 0
    for index, form in enumerate(forms):
        if isinstance(form, ReportForm):
            out.extend(_paragraphs(draft_report(sample, index)))
            continue
        attachment += 1
        out += ["", f"附件{attachment}"]
        out += _form_lines(form, sample.extras.get(index, []))
    return "\n".join(out) + "\n"


def _form_lines(form: Form, extras: list[str]) -> list[str]:
    if isinstance(form, ProjectForm):
        return project_lines(form)
    assert isinstance(form, DepartmentForm)
    return department_lines(form, extras)


def _paragraphs(texts: list[str]) -> list[str]:
    out: list[str] = []
    for text in texts:
        if out:
            out.append("")
        out.append(text)
    return out
