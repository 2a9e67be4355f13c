"""部门整体支出绩效自评表 from rows of cells.

Two layouts exist. The framework layout (财预〔2013〕53号: 投入 / 过程 / 产出 /
效果 with 参考分值, 设定分值, 计算分析情况, 评价得分) is read by content: in
each row the leading non-numeric cells are labels, then come the weights, the
basis text and the score, wherever a dump shifted them. Rows are grouped as
the framework groups them, whatever row a dump printed a merged label on.
The project layout (funds block, goals, 产出/效益/满意度 indicators) reuses the
project parser.
"""

from __future__ import annotations

from decimal import Decimal

from jixiao import vocab
from jixiao.model import DepartmentForm, Indicator, Loc, ProjectForm, Subtotal
from jixiao.parse.cells import grade_cell, grade_of, loc, next_value, text_of, value_text
from jixiao.parse.numbers import parse_amount, parse_number
from jixiao.parse.project import ProjectParser
from jixiao.read.source import Cell, Row

_LABEL_MAX = 40  # a label is short; long cells are narrative and never compared as labels
_SATISFACTION = ("社会公众或服务对象满意度", "满意度")
_PROJECT_LAYOUT_WORDS = ("年初预算数", "全年预算数", "全年执行数", "年度指标值", "实际完成值")


def _is_department_label(text: str) -> bool:
    key = vocab.bare_label(text)
    return any(word in key for word, _ in vocab.DEPARTMENT_FUNDS) or key in vocab.HEADER_FIELDS


def _uses_project_layout(rows: list[Row]) -> bool:
    hits = 0
    for row in rows:
        if not row.table:
            continue
        for cell in row.cells:
            if len(cell.text) <= _LABEL_MAX and vocab.bare_label(cell.text) in _PROJECT_LAYOUT_WORDS:
                hits += 1
    return hits >= 3


_NUMERIC = frozenset({"reference_weight", "weight", "score"})
_SUBTOTAL_LABELS = frozenset({"小计", "分项小计", "合计"})  # beside a level-1 label: that group's subtotal row


class FrameworkParser:
    def __init__(self, form: DepartmentForm) -> None:
        self.form = form
        self.columns: list[str] = []
        self.positions: dict[str, int] = {}  # grid column of each numeric header, where the header says
        self.level1: str | None = None
        self.level2: str | None = None
        self.level2_labels: dict[str, str] = {}
        self.done = False

    def feed(self, row: Row) -> None:
        if not row.cells:
            return
        if not self.columns:
            self._header_fields(row)
            self._funds(row)
            self._try_header(row)
            return
        if self._grade(row):
            return
        if self.done:
            return
        self._indicator_row(row)

    # ---- header ---------------------------------------------------------------------------------

    def _header_fields(self, row: Row) -> None:
        for index, cell in enumerate(row.cells):
            if len(cell.text) > _LABEL_MAX:
                continue
            attr = vocab.HEADER_FIELDS.get(vocab.bare_label(cell.text))
            if attr != "department" or self.form.department is not None:
                continue
            found = next_value(row, index, _is_department_label)
            if found is not None:
                self.form.department = text_of(found)
                self.form.provenance["department"] = loc(row, found)

    def _funds(self, row: Row) -> None:
        for index, cell in enumerate(row.cells):
            if len(cell.text) > _LABEL_MAX:
                continue
            key = vocab.bare_label(cell.text)
            attr = next((a for word, a in vocab.DEPARTMENT_FUNDS if word in key), None)
            if attr is None:
                continue
            found = next_value(row, index, _is_department_label)
            if found is None:
                continue
            value = parse_amount(found.text) if len(text_of(found)) <= 24 else None
            if value is not None and getattr(self.form.overall_funds, attr) is None:
                setattr(self.form.overall_funds, attr, value)
                self.form.provenance[f"funds.{attr}"] = loc(row, found)

    def _try_header(self, row: Row) -> None:
        found: list[str] = []
        positions: dict[str, int] = {}
        for cell in row.cells:
            if len(cell.text) > _LABEL_MAX or cell.inherited:
                continue
            sem = vocab.DEPARTMENT_COLUMNS.get(vocab.bare_label(cell.text))
            if sem is not None and sem not in found:
                found.append(sem)
                positions[sem] = cell.col
        if ("score" in found and len(found) >= 2) or {"reference_weight", "weight"} <= set(found):
            self.columns = found
            self.positions = {sem: col for sem, col in positions.items() if sem in _NUMERIC}
            if "score" not in self.columns:
                self.columns.append("score")

    def _extend_header(self, row: Row) -> bool:
        """A second header row (参考分值 / 设定分值 under 指标分值) refines the weight columns."""
        subs = [vocab.DEPARTMENT_COLUMNS.get(vocab.bare_label(c.text)) for c in row.cells]
        subs_found = [s for s in subs if s is not None]
        if len(subs_found) < 2 or any(parse_number(c.text) is not None for c in row.cells):
            return False
        merged: list[str] = []
        for sem in self.columns:
            if sem == "weight" and "reference_weight" in subs_found:
                merged.extend(s for s in subs_found if s in ("reference_weight", "weight") and s not in merged)
            elif sem not in merged:
                merged.append(sem)
        self.columns = merged
        for cell, sub in zip(row.cells, subs, strict=True):
            if sub is not None and sub in _NUMERIC and not cell.inherited:
                self.positions[sub] = cell.col
        return True

    # ---- rows -----------------------------------------------------------------------------------

    def _grade(self, row: Row) -> bool:
        is_grade_row, found = grade_cell(row)
        if found is not None:
            self.form.grade = grade_of(found)
            self.form.provenance["grade"] = loc(row, found)
        return is_grade_row

    def _indicator_row(self, row: Row) -> None:
        if not row.table:
            return
        if self._extend_header(row):
            return
        labels: list[Cell] = []
        values: list[Cell] = []
        for cell in row.cells:
            if cell.inherited:
                continue  # a merged cell's copy: its first slot holds the value, and the header's column
            text = text_of(cell)
            if not values and (not text or parse_number(text) is None):
                if text:
                    labels.append(cell)
                continue
            values.append(cell)
        if not values:
            return
        first = vocab.norm_label(labels[0].text) if labels else ""
        if vocab.TOTAL_ROW.match(first):
            self._total(row, values)
            return
        fields = self._read_values(values)
        name_cell: Cell | None = None
        subtotal = False
        for position, cell in enumerate(labels):
            text = vocab.norm_label(text_of(cell))
            group = vocab.department_group(text)
            if text in _SUBTOTAL_LABELS:
                subtotal = not any(vocab.department_group(vocab.norm_label(text_of(c))) for c in labels[:position])
            elif vocab.department_level1(text) is not None:
                self.level1 = text
                self.level2 = None
            elif vocab.department_indicator_group(text) is not None:
                name_cell = cell
            elif group is not None:
                self.level2 = text
                self.level2_labels.setdefault(group, text)
                self.level1 = vocab.DEPARTMENT_GROUPS[group]
                if len(labels) == 1 and group in _SATISFACTION:
                    name_cell = cell
            elif position == len(labels) - 1 and name_cell is None:
                name_cell = cell
        if subtotal and self.level1 is not None:
            self._subtotal(row, fields)  # 投入 | 小计 | 15 | 15 | — | 14.6, first or last under a merged 投入
            return
        if name_cell is None:
            if self.level1 is not None and labels and vocab.department_level1(text_of(labels[-1])):
                self._subtotal(row, fields)
            return
        name = text_of(name_cell)
        level1, level2 = self._groups(name)
        indicator = Indicator(level1=level1, level2=level2, name=name, line=row.line)
        indicator.provenance["name"] = loc(row, name_cell)
        for sem, (cell, value) in fields.items():
            setattr(indicator, sem, value)
            indicator.provenance[sem] = loc(row, cell)
        self.form.indicators.append(indicator)

    def _groups(self, name: str) -> tuple[str | None, str | None]:
        group = vocab.department_indicator_group(name)
        current = vocab.department_group(self.level2) if self.level2 else None
        if current in vocab.DEPARTMENT_SHARED_INDICATORS.get(vocab.unquoted(name), ()):
            return self.level1, self.level2
        if group is not None and group != current:
            label = self.level2_labels.get(group, group)
            return vocab.DEPARTMENT_GROUPS[group], label
        return self.level1, self.level2

    def _read_values(self, values: list[Cell]) -> dict[str, tuple[Cell, object]]:
        fields: dict[str, tuple[Cell, object]] = {}
        numeric = [c for c in values if parse_number(c.text) is not None]
        texts = [c for c in values if text_of(c) and parse_number(c.text) is None]
        by_position = {col: sem for sem, col in self.positions.items()}
        if len(by_position) == len(self.positions) >= 2 and numeric and all(c.col in by_position for c in numeric):
            # the row keeps the header's grid: a blank 参考分值 leaves its column empty, it does not shift
            for cell in numeric:
                fields[by_position[cell.col]] = (cell, parse_number(cell.text))
        else:
            weight_cols = [s for s in self.columns if s in ("reference_weight", "weight")]
            for sem, cell in zip(weight_cols, numeric, strict=False):
                fields[sem] = (cell, parse_number(cell.text))
            if len(numeric) > len(weight_cols):
                cell = numeric[-1]
                fields["score"] = (cell, parse_number(cell.text))
        if texts:
            basis = value_text(texts[0].text)
            if basis is not None:
                fields["basis"] = (texts[0], basis)
        return fields

    def _subtotal(self, row: Row, fields: dict[str, tuple[Cell, object]]) -> None:
        assert self.level1 is not None
        subtotal = Subtotal(line=row.line)
        for sem in ("reference_weight", "weight", "score"):
            if sem in fields:
                value = fields[sem][1]
                assert isinstance(value, Decimal)
                setattr(subtotal, sem, value)
        self.form.subtotals[self.level1] = subtotal
        self.form.provenance[f"subtotals.{self.level1}"] = loc(row)

    def _total(self, row: Row, values: list[Cell]) -> None:
        numbers = [(c, parse_number(c.text)) for c in values]
        present = [(c, v) for c, v in numbers if v is not None]
        if len(present) >= 2:
            self.form.total_weight = present[0][1]
        if present:
            cell, value = present[-1]
            self.form.total_score = value
            self.form.provenance["total_score"] = loc(row, cell)
        self.done = True


def parse_department(rows: list[Row], line: int, title: str | None, year: int | None) -> DepartmentForm:
    form = DepartmentForm(line=line, year=year, title=title)
    if _uses_project_layout(rows):
        project = ProjectForm(line=line, year=year, title=title)
        parser = ProjectParser(project)
        for row in rows:
            parser.feed(row)
        parser.finish()
        form.layout = "project"
        form.department = project.department or project.implementer
        form.department_code = project.department_code
        form.funds = project.funds
        form.goals = project.goals
        form.level1_weights = project.level1_weights
        form.indicators = project.indicators
        form.total_score = project.total_score
        form.total_weight = project.total_weight
        form.grade = project.grade
        form.provenance = project.provenance
    else:
        framework = FrameworkParser(form)
        for row in rows:
            framework.feed(row)
    if rows:
        form.end_line = rows[-1].end_line
    narrative = [row.line for row in rows if not row.table and len(row.text) > 40]
    if narrative:
        form.narrative_lines = (min(narrative), max(narrative))
    form.provenance.setdefault("line", Loc(line=line))
    return form
