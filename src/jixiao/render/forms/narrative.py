"""The narrative 自评报告 (or 部门决算说明), drafted from a report's figures along the outline of RULES.md §7.

Only the figures are data; the prose around them is plain drafting. Every
figure is written as a sentence the report parser (``parse/report.py``) reads
back as the same value: the budget line as ``部门预算数…万元，调整后预算数…万元，
全年支出…万元，预算执行率为…%``, each project as a numbered item under a heading
that names 项目 or 转移支付, its figures in one sentence, and the score and
grade in the 自评结论 part. A report whose title names one project (``XX项目支出
绩效评价报告``) is drafted as that project's report, as the parser reads it.
Nothing else in the prose carries an amount, a percentage, a score or a grade,
so no sentence lends the parser a figure the data does not have.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from jixiao import vocab
from jixiao.model import ProjectGroup, ReportForm, ReportProject
from jixiao.parse.cells import year_of
from jixiao.render.forms.layout import Block, Formula, Paragraph, Table, number_text, rate_text

_YEAR_PREFIX = re.compile(r"^\s*(?:关于)?\s*\d{4}\s*年度?\s*")
_SINGLE_TITLE = re.compile(r"^(.+?)(?:项目)?(?:支出)?(?:绩效)?(?:自评|评价)报告$")
_ORG_IN_TITLE = re.compile(r"^(.{2,24}?(?:总工会|工会|委员会|局|厅|办公室|中心|政府|联合会))")
_NUMERALS = "一二三四五六七八九十"
_GROUP_HEADINGS: dict[ProjectGroup, str] = {
    "project": "项目支出绩效情况",
    "transfer": "转移支付项目绩效情况",
}


def single_project(title: str | None) -> bool:
    """Whether the report parser reads this title as one project's report (its figures are the project's)."""
    if not title:
        return False
    key = _YEAR_PREFIX.sub("", vocab.norm_label(title))
    if any(word in key for word in ("部门", "单位", "整体", "决算")):
        return False
    return _SINGLE_TITLE.match(key) is not None


def item_name(project: str) -> str:
    """A project's name as a report item gives it: the words before 项目 (how the report parser reads it)."""
    return project[: project.index("项目")] if "项目" in project[1:] else project


def final_accounts(title: str | None) -> bool:
    """A 部门决算 / 决算说明 by its title (a 决算 that is not a performance evaluation)."""
    key = vocab.norm_label(title or "")
    return "决算" in key and not any(word in key for word in ("绩效", "评价", "自评"))


def _title_department(title: str | None) -> str | None:
    if not title:
        return None
    match = _ORG_IN_TITLE.match(_YEAR_PREFIX.sub("", vocab.norm_label(title)))
    return match.group(1) if match else None


def _numeral(index: int) -> str:
    if index < 10:
        return _NUMERALS[index]
    tens, ones = divmod(index + 1, 10)
    return ("" if tens == 1 else _NUMERALS[tens - 1]) + "十" + ("" if ones == 0 else _NUMERALS[ones - 1])


def _amount(value: Decimal) -> str:
    return f"{number_text(value)}万元"


def _figures(parts: Sequence[tuple[str, Decimal | None]], rate: Decimal | None, rate_label: str) -> str:
    """``年初预算数95万元，全年支出95万元，执行率为100%`` from the values present."""
    clauses = [f"{label}{_amount(value)}" for label, value in parts if value is not None]
    if rate is not None:
        clauses.append(f"{rate_label}为{rate_text(rate)}")
    return "，".join(clauses)


def _project_figures(project: ReportProject) -> str:
    return _figures(
        (("年初预算数", project.initial), ("全年预算数", project.budget), ("全年支出", project.executed)),
        project.rate,
        "执行率",
    )


def _score_sentence(subject: str, score: Decimal | None, grade: str | None) -> str | None:
    clauses: list[str] = []
    if score is not None:
        clauses.append(f"{subject}自评得分为{number_text(score)}分")
    if grade is not None:
        clauses.append(f"评价等级为“{grade}”")
    if not clauses:
        return None
    return "经综合评价，" + "，".join(clauses) + "。"


def _score_table(breakdown: dict[str, Decimal], widths: list[float]) -> Table:
    """评价得分 by part (产出指标, 效益指标, 满意度指标, 预算执行率) with the sum as a formula."""
    names = list(breakdown)
    table = Table(widths=widths[: len(names) + 2] if len(widths) >= len(names) + 2 else [14.0] * (len(names) + 2))
    head = table.add_row()
    table.put(head, 0, "项目", role="head")
    for col, name in enumerate(names, start=1):
        table.put(head, col, name, role="head")
    table.put(head, len(names) + 1, "得分合计", role="head")
    row = table.add_row(*(f"score_breakdown.{name}" for name in names))
    table.put(row, 0, "评价得分", role="label")
    cells = [table.put(row, col, number=breakdown[name], role="number") for col, name in enumerate(names, start=1)]
    total = sum(breakdown.values(), Decimal(0))
    refs = tuple((cell.row, cell.col) for cell in cells)
    formula = Formula("=SUM(" + ",".join(f"{{{i}}}" for i in range(len(refs))) + ")", refs)
    table.put(row, len(names) + 1, number=total, role="number", formula=formula)
    return table


@dataclass(frozen=True, slots=True)
class Analysis:
    """What a report drafted from a department's forms says beyond its figures (``render.forms.drafting``).

    Each part is whole paragraphs, put in the outline section it belongs to; an
    empty part leaves that section's general wording in place.
    """

    overview: tuple[str, ...] = ()
    results: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    application: tuple[str, ...] = ()
    budget_lead: str = "本年度"
    budget_labels: tuple[str, str, str] = ("部门预算数", "调整后预算数", "全年支出")


class ReportDraft:
    """Drafts one report's blocks: title, outline sections, figures as sentences, extra paragraphs last."""

    def __init__(
        self, form: ReportForm, widths: list[float], extra: Sequence[str], analysis: Analysis | None = None
    ) -> None:
        self.form = form
        self.widths = widths
        self.extra = extra
        self.analysis = analysis or Analysis()
        self.blocks: list[Block] = []
        self.section = 0

    def heading(self, text: str) -> None:
        self.blocks.append(Paragraph(f"{_numeral(self.section)}、{text}", "heading"))
        self.section += 1

    def body(self, text: str) -> None:
        self.blocks.append(Paragraph(text, "body"))

    def bodies(self, texts: Sequence[str]) -> bool:
        """The paragraphs, if any; whether there were some."""
        for text in texts:
            self.body(text)
        return bool(texts)

    def draft(self) -> list[Block]:
        form = self.form
        department = form.department
        if form.title:
            if (
                department
                and _title_department(form.title) != department
                and vocab.ORG_NAME.match(vocab.norm_label(department))
            ):
                self.blocks.append(Paragraph(department, "label"))
            self.blocks.append(Paragraph(form.title, "title"))
            if form.year is not None and year_of([form.title]) != form.year:
                self.blocks.append(Paragraph(f"（{form.year}年度）", "subtitle"))
        if final_accounts(form.title):
            if not self.extra:
                self._accounts()
        elif single_project(form.title) and len(form.projects) <= 1:
            self._single()
        else:
            self._listed()
        for text in self.extra:
            self.blocks.append(Paragraph(text, "heading" if vocab.heading_level(text) is not None else "body"))
        return self.blocks

    # ---- a 部门决算说明 (RULES.md §7.5) -------------------------------------------------------------

    def _accounts(self) -> None:
        """The 决算 outline: 部门概况, 决算情况说明, 名词解释, 决算报表. Its income and spending parts
        are figures the jixiao/1 form does not hold; a caller who has that text passes it as extra
        paragraphs, which then stand as the whole body."""
        form = self.form
        unit = form.department or "本部门"
        when = f"{form.year}年度" if form.year is not None else "本年度"
        self.blocks.append(Paragraph("第一部分 部门概况", "heading"))
        self.body(f"{unit}依照有关规定履行职责，内设机构和所属单位按批准的编制和职能开展工作。")
        self.blocks.append(Paragraph(f"第二部分 {when}部门决算情况说明", "heading"))
        budget = form.budget
        figures = _figures(
            (("部门预算数", budget.budget), ("调整后预算数", budget.adjusted), ("全年支出", budget.executed)),
            budget.rate,
            "预算执行率",
        )
        self.body(f"{when}{figures}。" if figures else f"{when}收入支出决算情况见所附决算报表。")
        if form.projects:
            self.body("预算绩效情况说明：各项资金的预算安排和执行情况分述如下。")
            for index, project in enumerate(form.projects):
                self.body(self._item(index, project))
        self.blocks.append(Paragraph("第三部分 名词解释", "heading"))
        self.body(
            "财政拨款收入：指本级财政当年拨付的资金。基本支出：指为保障机构正常运转、完成日常工作任务而发生的支出。"
            "项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。"
        )
        self.blocks.append(Paragraph("第四部分 决算报表", "heading"))
        self.body("收入支出决算总表、收入决算表、支出决算表等决算报表详见附件。")

    # ---- one project's report (RULES.md §7.1) ----------------------------------------------------

    def _single(self) -> None:
        form = self.form
        project = form.projects[0] if form.projects else None
        unit = form.department or "本单位"
        self.heading("项目基本情况")
        self.body(f"本项目由{unit}组织实施，围绕年度绩效目标开展工作，资金按照有关管理办法拨付和使用。")
        if project is not None:
            figures = _project_figures(project)
            if figures:
                self.body(f"本项目{figures}。")
        self.bodies(self.analysis.overview)
        self.heading("绩效自评工作开展情况")
        self.body(
            "单位成立绩效自评工作小组，对照年初设定的绩效目标和指标，采取查阅资料、核对账目、实地查看等方式开展自评。"
        )
        self.heading("综合评价情况及自评结论")
        sentence = _score_sentence("本项目", form.total_score, form.grade)
        self.body(sentence or "经综合评价，本项目绩效自评情况见绩效自评表。")
        if form.score_breakdown:
            self.body("各部分指标的评价得分见下表。")
            self.blocks.append(_score_table(form.score_breakdown, self.widths))
        self.heading("绩效目标实现情况分析")
        if not self.bodies(self.analysis.results):
            self.body(
                "项目产出、效益和满意度指标的完成情况已在绩效自评表中逐项列示，未达到年度指标值的原因在表中作了说明。"
            )
        self._problems_and_measures()

    # ---- a unit's report with its projects (RULES.md §7.3) ---------------------------------------

    def _listed(self) -> None:
        form = self.form
        unit = form.department or "本单位"
        when = f"{form.year}年" if form.year is not None else "本年度"
        self.heading("基本情况")
        self.body(f"{when}，{unit}认真贯彻落实预算绩效管理要求，按照年度工作计划组织实施各项工作，加强预算资金管理。")
        self.bodies(self.analysis.overview)
        self.heading("预算执行情况")
        budget = form.budget
        labels = self.analysis.budget_labels
        figures = _figures(
            tuple(zip(labels, (budget.budget, budget.adjusted, budget.executed), strict=True)),
            budget.rate,
            "预算执行率",
        )
        if figures:
            self.body(f"{self.analysis.budget_lead}{figures}。")
        else:
            self.body("部门严格按照预算批复安排支出，预算执行进度总体平稳。")
        unit_rows: list[tuple[int, ReportProject]] = []
        for group, projects in self._runs():
            if group == "unit":
                unit_rows.extend(projects)
                continue
            self.heading(_GROUP_HEADINGS[group])
            self.body("各项资金的预算安排和执行情况分述如下。")
            for index, (_, project) in enumerate(projects):
                self.body(self._item(index, project))
        if unit_rows:
            self.heading("所属单位预算执行情况")
            self.body("所属单位的预算安排和执行情况见下表。")
            self.blocks.append(self._unit_table(unit_rows))
        self.heading("绩效目标完成情况及自评结论")
        sentence = _score_sentence("部门整体支出绩效", form.total_score, form.grade)
        self.body(sentence or "部门对照年度绩效目标逐项开展了自评，各项绩效指标的完成情况见绩效自评表。")
        if form.score_breakdown:
            self.body("各部分指标的评价得分见下表。")
            self.blocks.append(_score_table(form.score_breakdown, self.widths))
        if self.analysis.results:
            self.heading("绩效目标实现情况分析")
            self.bodies(self.analysis.results)
        self._problems_and_measures()

    def _runs(self) -> list[tuple[ProjectGroup, list[tuple[int, ReportProject]]]]:
        """Consecutive projects of one group, each with its index in the form."""
        runs: list[tuple[ProjectGroup, list[tuple[int, ReportProject]]]] = []
        for index, project in enumerate(self.form.projects):
            if runs and runs[-1][0] == project.group:
                runs[-1][1].append((index, project))
            else:
                runs.append((project.group, [(index, project)]))
        return runs

    @staticmethod
    def _item(index: int, project: ReportProject) -> str:
        """``（一）工作经费。年初预算数95万元，…`` — a name with 项目 in it is followed by its first amount,
        which is how the parser tells where such a name ends."""
        figures = _project_figures(project)
        head = f"（{_numeral(index)}）{project.name}"
        first = next((v for v in (project.initial, project.budget, project.executed) if v is not None), None)
        if "项目" in project.name and first is not None:
            head += _amount(first)
        text = f"{head}。"
        if figures:
            text += f"{figures}。"
        extras: list[str] = []
        if project.score is not None:
            extras.append(f"自评得分{number_text(project.score)}分")
        if project.grade is not None:
            extras.append(f"评定为“{project.grade}”")
        if extras:
            text += "，".join(extras) + "。"
        return text

    def _unit_table(self, rows: Sequence[tuple[int, ReportProject]]) -> Table:
        labels = ("单位名称", "年初预算数（万元）", "全年预算数（万元）", "全年执行数（万元）", "执行率")
        widths = self.widths[:5] if len(self.widths) >= 5 else [16.0] * 5
        table = Table(widths=list(widths))
        head = table.add_row()
        for col, label in enumerate(labels):
            table.put(head, col, label, role="head")
        for index, project in rows:
            row = table.add_row(f"projects[{index}]")
            table.put(row, 0, project.name, role="text", align="left")
            for col, value in enumerate((project.initial, project.budget, project.executed), start=1):
                table.put(row, col, number=value, role="number")
            table.put(row, 4, number=project.rate, percent=True, role="number")
        return table

    def _problems_and_measures(self) -> None:
        form = self.form
        deductions = (form.total_score is not None and form.total_score < 100) or any(
            project.rate is not None and project.rate < 1 for project in form.projects
        )
        analysis = self.analysis
        self.heading("存在的问题")
        if analysis.problems:
            self.bodies(analysis.problems)
        elif deductions:
            self.body("部分绩效指标未达到年度指标值，个别资金的预算执行进度偏慢，绩效目标的细化量化程度有待提高。")
        else:
            self.body("绩效目标的细化量化程度仍需提高，绩效自评的佐证资料还不够完整。")
        self.heading("改进措施")
        if not self.bodies(analysis.measures):
            self.body("下一步将加强预算执行管理，科学合理设定绩效目标，细化量化绩效指标，强化绩效自评结果的应用。")
        if analysis.application:
            self.heading("绩效自评结果应用及公开情况")
            self.bodies(analysis.application)


def draft_report(
    form: ReportForm, widths: list[float], extra: Sequence[str] = (), analysis: Analysis | None = None
) -> list[Block]:
    return ReportDraft(form, widths, extra, analysis).draft()
