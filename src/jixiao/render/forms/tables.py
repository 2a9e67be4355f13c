"""The table forms as pages: 项目支出绩效自评表 (scored or not, transfer rows) and 部门整体支出绩效自评表.

Each builder lays a form out the way the standard paper form does (RULES.md
§2.1, the seeds) and the way the parsers read it back: labels merged over the
rows they head, one grid column per semantic column in the indicator area,
each funds row label directly left of its first amount. Stated values are
printed as stated; a total is a formula only where the stated total is what
the formula gives, so a wrong total in the data stays wrong in the workbook.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from jixiao import vocab
from jixiao.model import Amounts, DepartmentForm, Indicator, ProjectForm, ProjectFunds
from jixiao.render.forms.layout import Align, Formula, Page, Paragraph, Table, TableCell, number_text, rate_text
from jixiao.render.forms.templates import Template

_ZERO = Decimal(0)
_RATE_FORMULA_TOLERANCE = Decimal("0.00005")
_RATE_NUMBER_MAX = Decimal("1.5")  # a bare number above this reads as a percentage (parse_rate)
_SATISFACTION_GROUPS = ("社会公众或服务对象满意度", "满意度")


def _coded(name: str | None, code: str | None) -> str:
    if not name:
        return ""
    return f"{code}-{name}" if code else name


def _sum_formula(cells: Sequence[TableCell]) -> Formula:
    return Formula(
        "=SUM(" + ",".join(f"{{{i}}}" for i in range(len(cells))) + ")", tuple((c.row, c.col) for c in cells)
    )


def _total_of(stated: Decimal | None, parts: Sequence[TableCell]) -> Formula | None:
    """The SUM formula of ``parts`` when the stated total is exactly their sum (blank parts count 0)."""
    numbers = [cell.number for cell in parts if cell.number is not None]
    if stated is None or not numbers or sum(numbers, _ZERO) != stated:
        return None
    return _sum_formula(parts)


class _Writer:
    """Shared cell helpers for one table."""

    def __init__(self, table: Table, template: Template) -> None:
        self.table = table
        self.template = template

    def label(self, row: int, col: int, text: str, *, colspan: int = 1, rowspan: int = 1) -> TableCell:
        return self.table.put(row, col, text, colspan=colspan, rowspan=rowspan, role="label")

    def head(self, row: int, col: int, text: str, *, colspan: int = 1, rowspan: int = 1) -> TableCell:
        return self.table.put(row, col, text, colspan=colspan, rowspan=rowspan, role="head")

    def text(
        self, row: int, col: int, text: str | None, *, colspan: int = 1, field: str | None = None, align: Align = "left"
    ) -> TableCell:
        return self.table.put(row, col, text or "", colspan=colspan, field=field, align=align)

    def number(
        self,
        row: int,
        col: int,
        value: Decimal | None,
        *,
        field: str | None = None,
        decimals: int | None = None,
        colspan: int = 1,
    ) -> TableCell:
        return self.table.put(
            row, col, "", number=value, field=field, role="number", decimals=decimals, colspan=colspan
        )

    def rate(self, row: int, col: int, value: Decimal | None, *, field: str | None = None) -> TableCell:
        if value is not None and abs(value) > _RATE_NUMBER_MAX:
            return self.table.put(row, col, rate_text(value), field=field, role="number")
        return self.table.put(row, col, "", number=value, percent=True, field=field, role="number")


# ---- 项目支出绩效自评表 (and the project layout of 部门整体) ----------------------------------------


class _ProjectGrid:
    """Column positions: c0 section labels, then the indicator columns; funds values from column 3."""

    def __init__(self, scored: bool) -> None:
        self.scored = scored
        self.widths = [9.0, 11.0, 18.0, 24.0, 13.0, 13.0]
        if scored:
            self.widths += [7.0, 8.0]
        self.widths.append(20.0)
        self.ncols = len(self.widths)
        self.indicator_cols = {"level1": 1, "level2": 2, "name": 3, "target": 4, "actual": 5}
        if scored:
            self.indicator_cols.update(weight=6, score=7)
        self.indicator_cols["note"] = self.ncols - 1
        funds = (
            ["initial", "budget", "executed", "weight", "rate", "score"]
            if scored
            else ["initial", "budget", "executed", "rate"]
        )
        self.funds_cols = {name: 3 + i for i, name in enumerate(funds)}


def _fund_rows(funds: ProjectFunds) -> list[tuple[str, Amounts]]:
    rows: list[tuple[str, Amounts]] = [("total", funds.total)]
    if funds.central is not None:
        rows.append(("central", funds.central))
    if funds.local is not None:
        rows.append(("local", funds.local))
    rows += [("fiscal", funds.fiscal), ("carryover", funds.carryover), ("other", funds.other)]
    return rows


def _level1_text(level1: str | None, weights: dict[str, Decimal] | None) -> str:
    if not level1:
        return ""
    if weights and level1 in weights:
        return f"{level1}（{number_text(weights[level1])}分）"
    return level1


def _runs(values: Sequence[object]) -> list[tuple[int, int]]:
    """(start, length) of runs of equal consecutive values."""
    runs: list[tuple[int, int]] = []
    start = 0
    for index in range(1, len(values) + 1):
        if index == len(values) or values[index] != values[start]:
            runs.append((start, index - start))
            start = index
    return runs


class ProjectLayout:
    """Lays out a :class:`ProjectForm`, or a :class:`DepartmentForm` in the project layout."""

    def __init__(self, form: ProjectForm | DepartmentForm, template: Template, remarks: Sequence[str]) -> None:
        self.form = form
        self.template = template
        self.remarks = remarks
        self.scored = form.scored if isinstance(form, ProjectForm) else True
        self.grid = _ProjectGrid(self.scored)
        self.table = Table(widths=list(self.grid.widths))
        self.w = _Writer(self.table, template)
        self.funds_cells: dict[tuple[str, str], TableCell] = {}
        self.weight_cells: list[TableCell] = []
        self.score_cells: list[TableCell] = []

    def build(self, name: str) -> Page:
        form, template = self.form, self.template
        page = Page(name=name, kind=form.kind, widths=list(self.grid.widths))
        if isinstance(form, ProjectForm):
            default = template.project_title if self.scored else template.unscored_title
            title = form.title if form.title and vocab.PROJECT_TITLE.search(_title_key(form.title)) else default
        else:
            title = (
                form.title
                if form.title and vocab.DEPARTMENT_TITLE.search(_title_key(form.title))
                else (template.department_title)
            )
        page.add(Paragraph(title, "title"))
        if form.year is not None:
            page.add(Paragraph(f"（{form.year}年度）", "subtitle"))
        if template.filler_line and form.department:
            page.add(Paragraph(template.filler_line.format(department=form.department), "label"))
        self._header()
        if self.remarks:
            self._remarks()
        self._funds()
        self._goals()
        self._indicators()
        self._totals()
        page.add(self.table)
        return page

    # ---- header ----------------------------------------------------------------------------------

    def _header(self) -> None:
        form, t, w, last = self.form, self.template, self.w, self.grid.ncols - 1
        if isinstance(form, ProjectForm):
            row = self.table.add_row("project")
            w.label(row, 0, t.project_label, colspan=2)
            w.text(row, 2, _coded(form.project, form.project_code), colspan=last - 1, field="project")
            row = self.table.add_row("department", "implementer")
            split = 5 if self.scored else 4
            w.label(row, 0, t.department_label, colspan=2)
            w.text(row, 2, _coded(form.department, form.department_code), colspan=split - 2, field="department")
            w.label(row, split, t.implementer_label, colspan=2 if self.scored else 1)
            start = split + (2 if self.scored else 1)
            w.text(
                row,
                start,
                _coded(form.implementer, form.implementer_code),
                colspan=last - start + 1,
                field="implementer",
            )
        else:
            row = self.table.add_row("department")
            w.label(row, 0, t.unit_label, colspan=2)
            w.text(row, 2, _coded(form.department, form.department_code), colspan=last - 1, field="department")

    def _remarks(self) -> None:
        row = self.table.add_row()
        self.w.label(row, 0, self.template.remarks_label, colspan=2)
        self.w.text(row, 2, "\n".join(self.remarks), colspan=self.grid.ncols - 2)

    # ---- funds -----------------------------------------------------------------------------------

    def _funds(self) -> None:
        form, t, w, cols = self.form, self.template, self.w, self.grid.funds_cols
        funds = form.funds
        rows = _fund_rows(funds)
        head = self.table.add_row()
        label = t.funds_label if isinstance(form, ProjectForm) else t.unit_funds_label
        w.label(head, 0, label, colspan=2, rowspan=len(rows) + 1)
        w.head(head, 2, "")
        for name, col in cols.items():
            w.head(head, col, t.funds_columns[name])
        for name, amounts in rows:
            row = self.table.add_row(f"funds.{name}")
            w.label(row, 2, t.funds_rows[name])
            for sem in ("initial", "budget", "executed"):
                cell = w.number(row, cols[sem], getattr(amounts, sem), field=f"funds.{name}.{sem}")
                self.funds_cells[(name, sem)] = cell
            if name == "total":
                weight = w.number(row, cols["weight"], funds.weight, field="funds.weight") if self.scored else None
                rate = w.rate(row, cols["rate"], funds.rate, field="funds.rate")
                score = w.number(row, cols["score"], funds.score, field="funds.score") if self.scored else None
                self.funds_cells[("total", "rate")] = rate
                if weight is not None and score is not None:
                    self.weight_cells.append(weight)
                    self.score_cells.append(score)
            else:
                dash = "-" if t.source_row_dash else ""
                if self.scored:
                    w.text(row, cols["weight"], dash, align="center")
                    w.text(row, cols["score"], dash, align="center")
                w.text(row, cols["rate"], "", align="center")
        self._funds_formulas(funds)

    def _funds_formulas(self, funds: ProjectFunds) -> None:
        cells = self.funds_cells
        for sem in ("initial", "budget", "executed"):
            total = cells[("total", sem)]
            for parts in (("fiscal", "carryover", "other"), ("central", "local")):
                if all((name, sem) in cells for name in parts):
                    total.formula = _total_of(total.number, [cells[(name, sem)] for name in parts])
                    if total.formula is not None:
                        break
        rate = cells[("total", "rate")]
        budget, executed = funds.total.budget, funds.total.executed
        if (
            rate.number is not None
            and budget
            and executed is not None
            and abs(executed / budget - rate.number) <= _RATE_FORMULA_TOLERANCE
        ):
            rate.formula = Formula(
                "={0}/{1}",
                (
                    (cells[("total", "executed")].row, cells[("total", "executed")].col),
                    (cells[("total", "budget")].row, cells[("total", "budget")].col),
                ),
            )

    # ---- goals -----------------------------------------------------------------------------------

    def _goals(self) -> None:
        t, w, last = self.template, self.w, self.grid.ncols - 1
        goals = self.form.goals
        middle = 4 if self.scored else 3
        head = self.table.add_row()
        w.label(head, 0, t.goals_label, rowspan=2)
        w.head(head, 1, t.expected_label, colspan=middle)
        w.head(head, middle + 1, t.actual_label, colspan=last - middle)
        row = self.table.add_row("goals")
        w.text(row, 1, goals.expected, colspan=middle, field="goals.expected")
        w.text(row, middle + 1, goals.actual, colspan=last - middle, field="goals.actual")

    # ---- indicators ------------------------------------------------------------------------------

    def _indicators(self) -> None:
        form, t, w, cols = self.form, self.template, self.w, self.grid.indicator_cols
        rows = form.indicators
        weights = form.level1_weights or {}
        seen = {row.level1 for row in rows}
        orphans = [name for name in weights if name not in seen]
        head = self.table.add_row()
        self.table.header_rows = (head, head)
        w.label(head, 0, t.indicators_label, rowspan=1 + len(rows) + len(orphans))
        for sem, col in cols.items():
            w.head(head, col, t.indicator_columns[sem])
        first = head + 1
        for index, indicator in enumerate(rows):
            row = self.table.add_row(f"indicators[{index}]")
            self._indicator_row(row, index, indicator)
        for start, length in _runs([row.level1 for row in rows]):
            level1 = rows[start].level1
            w.text(first + start, cols["level1"], _level1_text(level1, weights), align="center").rowspan = length
            if level1 in weights:
                self.table.row_keys.setdefault(first + start, []).append(f"level1_weights.{level1}")
        for start, length in _runs([(row.level1, row.level2) for row in rows]):
            w.text(first + start, cols["level2"], rows[start].level2, align="center").rowspan = length
        for name in orphans:
            row = self.table.add_row(f"level1_weights.{name}")
            w.text(row, cols["level1"], _level1_text(name, weights), align="center")

    def _indicator_row(self, row: int, index: int, indicator: Indicator) -> None:
        w, cols = self.w, self.grid.indicator_cols
        name = "" if indicator.name == indicator.level2 and indicator.level2 else indicator.name
        w.text(row, cols["name"], name, field=f"indicators[{index}].name")
        w.text(row, cols["target"], indicator.target, align="center", field=f"indicators[{index}].target")
        w.text(row, cols["actual"], indicator.actual, align="center", field=f"indicators[{index}].actual")
        if self.scored:
            decimals = self.template.score_decimals
            self.weight_cells.append(
                w.number(row, cols["weight"], indicator.weight, field=f"indicators[{index}].weight", decimals=decimals)
            )
            self.score_cells.append(
                w.number(row, cols["score"], indicator.score, field=f"indicators[{index}].score", decimals=decimals)
            )
        w.text(row, cols["note"], indicator.note, field=f"indicators[{index}].note")

    # ---- total and grade -------------------------------------------------------------------------

    def _totals(self) -> None:
        form, t, w, last = self.form, self.template, self.w, self.grid.ncols - 1
        value_col = 6
        if self.scored or form.total_score is not None:
            row = self.table.add_row("total")
            w.label(row, 0, t.total_label, colspan=value_col)
            if self.scored:
                weight = w.number(row, 6, form.total_weight, field="total_weight")
                weight.formula = _total_of(form.total_weight, self.weight_cells)
                score = w.number(row, 7, form.total_score, field="total_score")
                score.formula = _total_of(form.total_score, self.score_cells)
                w.text(row, 8, "")
            else:
                w.number(row, 6, form.total_score, field="total_score")
        if form.grade is not None:
            row = self.table.add_row("grade")
            w.label(row, 0, t.grade_label, colspan=value_col)
            w.text(row, value_col, form.grade, colspan=last - value_col + 1, align="center", field="grade")


def _title_key(title: str) -> str:
    return vocab.YEAR_IN_HEADER.sub("", vocab.norm_label(title))


# ---- 部门整体支出绩效自评表, framework layout ----------------------------------------------------------


class FrameworkLayout:
    """The 财预〔2013〕53号 framework form: funds header, 投入/过程/产出/效果 groups with subtotals."""

    def __init__(self, form: DepartmentForm, template: Template, remarks: Sequence[str]) -> None:
        self.form = form
        self.template = template
        self.remarks = remarks
        rows = list(form.indicators)
        subs = list(form.subtotals.values())
        has_reference = any(r.reference_weight is not None for r in rows) or any(
            s.reference_weight is not None for s in subs
        )
        has_weight = any(r.weight is not None for r in rows) or any(s.weight is not None for s in subs)
        sems = ["level1", "level2", "name"]
        widths = [8.0, 14.0, 22.0]
        if has_reference:
            sems.append("reference_weight")
            widths.append(8.0)
        if has_weight or not has_reference:
            sems.append("weight")
            widths.append(8.0)
        sems += ["basis", "score"]
        widths += [44.0 if len(sems) == 7 else 52.0, 9.0]
        self.cols = {sem: i for i, sem in enumerate(sems)}
        self.table = Table(widths=widths)
        self.w = _Writer(self.table, template)
        self.decimals = template.score_decimals
        self.members: dict[str, dict[str, list[TableCell]]] = defaultdict(lambda: defaultdict(list))
        self.all_cells: dict[str, list[TableCell]] = defaultdict(list)
        self.subtotal_cells: dict[str, dict[str, TableCell]] = {}

    @property
    def ncols(self) -> int:
        return self.table.columns

    def build(self, name: str) -> Page:
        form, t = self.form, self.template
        page = Page(name=name, kind="department", widths=list(self.table.widths))
        title = form.title if form.title and vocab.DEPARTMENT_TITLE.search(_title_key(form.title)) else None
        page.add(Paragraph(title or t.department_title, "title"))
        if form.year is not None:
            page.add(Paragraph(f"（{form.year}年度）", "subtitle"))
        if t.filler_line and form.department:
            page.add(Paragraph(t.filler_line.format(department=form.department), "label"))
        self._header()
        self._header_rows()
        self._indicators()
        self._totals()
        page.add(self.table)
        if t.framework_signatures:
            page.add(Paragraph("单位负责人（签章）：            填报日期：    年  月  日", "note"))
        return page

    # ---- header ----------------------------------------------------------------------------------

    def _pairs(self) -> tuple[tuple[int, int, int, int], tuple[int, int, int, int]]:
        """(label col, label span, value col, value span) of the left and right halves of a header row."""
        basis = self.cols["basis"]
        return (0, 2, 2, 1), (3, basis - 3, basis, self.ncols - basis)

    def _header(self) -> None:
        form, t, w = self.form, self.template, self.w
        left, right = self._pairs()
        row = self.table.add_row("department")
        w.label(row, 0, t.framework_unit_label, colspan=2)
        w.text(row, 2, form.department, colspan=self.ncols - 2, field="department")
        if t.framework_contact_row:
            row = self.table.add_row()
            for (label_col, label_span, value_col, value_span), label in zip(
                (left, right), ("单位负责人", "单位联系电话"), strict=True
            ):
                w.label(row, label_col, label, colspan=label_span)
                w.text(row, value_col, "", colspan=value_span)
        funds = form.overall_funds
        cells: dict[str, TableCell] = {}
        pairs = list(t.framework_funds)
        for index in range(0, len(pairs), 2):
            row = self.table.add_row(*(["funds.total", "funds.carryover"] if index == 0 else []))
            for (attr, label), (label_col, label_span, value_col, value_span) in zip(
                pairs[index : index + 2], (left, right), strict=False
            ):
                w.label(row, label_col, label, colspan=label_span)
                cells[attr] = w.number(
                    row,
                    value_col,
                    getattr(funds, attr),
                    field=f"funds.{attr}",
                    colspan=value_span,
                    decimals=self.decimals,
                )
        parts = (funds.carryover, funds.initial, funds.adjustment, funds.other_adjustment, funds.executed)
        if funds.balance is not None and "balance" in cells and all(part is not None for part in parts):
            carry, initial, adjustment, other, executed = (part or _ZERO for part in parts)
            if carry + initial + adjustment + other - executed == funds.balance:
                names = ("carryover", "initial", "adjustment", "other_adjustment", "executed")
                refs = tuple((cells[name].row, cells[name].col) for name in names)
                cells["balance"].formula = Formula("={0}+{1}+{2}+{3}-{4}", refs)
        if self.remarks:
            row = self.table.add_row()
            w.label(row, 0, "绩效评价分析", colspan=2)
            w.text(row, 2, "\n".join(self.remarks), colspan=self.ncols - 2)

    def _header_rows(self) -> None:
        t, w, cols = self.template, self.w, self.cols
        labels = t.framework_columns
        split = t.framework_header_split and "reference_weight" in cols and "weight" in cols
        head = self.table.add_row()
        if not split:
            for sem, col in cols.items():
                w.head(head, col, labels[sem])
            self.table.header_rows = (head, head)
            return
        second = self.table.add_row()
        self.table.header_rows = (head, second)
        for sem, col in cols.items():
            if sem == "reference_weight":
                w.head(head, col, "指标分值", colspan=2)
                w.head(second, col, labels["reference_weight"])
                w.head(second, col + 1, labels["weight"])
            elif sem != "weight":
                w.head(head, col, labels[sem], rowspan=2)

    # ---- indicator rows --------------------------------------------------------------------------

    def _indicators(self) -> None:
        form, w, cols = self.form, self.w, self.cols
        rows = form.indicators
        level1_column: list[tuple[int, str]] = []
        level2_column: list[tuple[int, tuple[str, str]]] = []
        for index, indicator in enumerate(rows):
            level1 = indicator.level1
            if level1 is not None and level1 in form.subtotals and level1 not in self.subtotal_cells:
                row = self._subtotal_row(level1, [r for r in rows if r.level1 == level1])
                level1_column.append((row, level1))
            row = self.table.add_row(f"indicators[{index}]")
            for sem, cell in self._indicator_values(row, index, indicator).items():
                self.all_cells[sem].append(cell)
                if level1 is not None:
                    self.members[level1][sem].append(cell)
            if self._satisfaction_row(indicator):
                w.text(row, cols["level2"], indicator.name, align="center", field=f"indicators[{index}].name")
                continue
            w.text(row, cols["name"], indicator.name, field=f"indicators[{index}].name")
            level1_column.append((row, level1 or ""))
            level2_column.append((row, (level1 or "", indicator.level2 or "")))
        self._merge(cols["level1"], [(row, text, text) for row, text in level1_column])
        self._merge(cols["level2"], [(row, key, key[1]) for row, key in level2_column])
        for level1 in form.subtotals:
            if level1 not in self.subtotal_cells:
                row = self._subtotal_row(level1, [])
                w.text(row, cols["level1"], level1, align="center")
        self._subtotal_formulas()

    def _merge(self, col: int, entries: Sequence[tuple[int, object, str]]) -> None:
        """One cell per run of consecutive rows with the same key, merged down over the run."""
        index = 0
        while index < len(entries):
            row, key, text = entries[index]
            end = index + 1
            while end < len(entries) and entries[end][1] == key and entries[end][0] == entries[end - 1][0] + 1:
                end += 1
            if text:
                self.w.text(row, col, text, align="center").rowspan = end - index
            index = end

    @staticmethod
    def _satisfaction_row(indicator: Indicator) -> bool:
        """A row that is only its satisfaction group (社会公众或服务对象满意度), printed as one label cell."""
        if not indicator.level2 or indicator.name != indicator.level2:
            return False
        return vocab.department_group(indicator.level2) in _SATISFACTION_GROUPS

    def _indicator_values(self, row: int, index: int, indicator: Indicator) -> dict[str, TableCell]:
        w, cols = self.w, self.cols
        cells: dict[str, TableCell] = {}
        prefix = f"indicators[{index}]"
        if "reference_weight" in cols:
            cells["reference_weight"] = w.number(
                row, cols["reference_weight"], indicator.reference_weight, field=f"{prefix}.reference_weight"
            )
        if "weight" in cols:
            cells["weight"] = w.number(
                row, cols["weight"], indicator.weight, field=f"{prefix}.weight", decimals=self.decimals
            )
        w.text(row, cols["basis"], indicator.basis, field=f"{prefix}.basis")
        cells["score"] = w.number(row, cols["score"], indicator.score, field=f"{prefix}.score", decimals=self.decimals)
        return cells

    def _subtotal_row(self, level1: str, members: Sequence[Indicator]) -> int:
        """A level-1 subtotal row; a weight it leaves blank is the sum of its rows, as the paper form prints it."""
        w, cols = self.w, self.cols
        subtotal = self.form.subtotals[level1]
        row = self.table.add_row(f"subtotals.{level1}")
        cells: dict[str, TableCell] = {}
        for sem in ("reference_weight", "weight"):
            if sem not in cols:
                continue
            value: Decimal | None = getattr(subtotal, sem)
            parts = [getattr(member, sem) for member in members]
            if value is None and parts and all(part is not None for part in parts):
                value = sum((part for part in parts if part is not None), _ZERO)
            decimals = self.decimals if sem == "weight" else None
            cells[sem] = w.number(row, cols[sem], value, field=f"subtotals.{level1}.{sem}", decimals=decimals)
        w.text(row, cols["basis"], "")
        cells["score"] = w.number(
            row, cols["score"], subtotal.score, field=f"subtotals.{level1}.score", decimals=self.decimals
        )
        self.subtotal_cells[level1] = cells
        return row

    def _subtotal_formulas(self) -> None:
        for level1, cells in self.subtotal_cells.items():
            for sem, cell in cells.items():
                parts = self.members.get(level1, {}).get(sem, [])
                if parts and len(parts) == sum(1 for r in self.form.indicators if r.level1 == level1):
                    cell.formula = _total_of(cell.number, parts)

    def _totals(self) -> None:
        form, t, w, cols = self.form, self.template, self.w, self.cols
        row = self.table.add_row("total")
        w.label(row, 0, t.framework_total_label, colspan=3)
        grouped = all(r.level1 in self.subtotal_cells for r in form.indicators) and self.subtotal_cells
        if "reference_weight" in cols:
            w.text(row, cols["reference_weight"], "")
        if "weight" in cols:
            cell = w.number(row, cols["weight"], form.total_weight, field="total_weight", decimals=self.decimals)
            parts = [c["weight"] for c in self.subtotal_cells.values()] if grouped else self.all_cells["weight"]
            cell.formula = _total_of(form.total_weight, parts)
        w.text(row, cols["basis"], "")
        cell = w.number(row, cols["score"], form.total_score, field="total_score", decimals=self.decimals)
        parts = [c["score"] for c in self.subtotal_cells.values()] if grouped else self.all_cells["score"]
        cell.formula = _total_of(form.total_score, parts)
        if form.grade is not None:
            row = self.table.add_row("grade")
            w.label(row, 0, t.framework_grade_label, colspan=3)
            w.text(row, 3, form.grade, colspan=self.ncols - 3, align="center", field="grade")
        if t.framework_signatures:
            row = self.table.add_row()
            w.label(row, 0, "评价人员", rowspan=3)
            for col, text in zip(range(1, 4), ("姓名", "职称/职务", "科室"), strict=True):
                w.head(row, col, text)
            w.head(row, 4, "联系电话", colspan=self.ncols - 4)
            for _ in range(2):
                blank = self.table.add_row()
                for col in range(1, 4):
                    w.text(blank, col, "")
                w.text(blank, 4, "", colspan=self.ncols - 4)
