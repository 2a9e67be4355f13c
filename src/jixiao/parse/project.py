"""项目支出绩效自评表 (and the unscored 绩效目标完成情况表) from rows of cells.

The parser walks the rows of one form block and recognises each part by its
labels: header fields, the funds block (a header row of columns, or
label/value pairs), the goals, the indicator header and its rows, the total
and the grade. Indicator rows are aligned to the header by content, so a row
whose cells shifted a column left or right (a level-2 name in the level-1
column, a ``(30分)`` fragment of a split header) still lands in place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from jixiao import vocab
from jixiao.model import Amounts, Indicator, Loc, ProjectForm
from jixiao.parse.cells import grade_cell, grade_of, loc, next_value, split_code, text_of, value_text
from jixiao.parse.numbers import parse_amount, parse_number, parse_rate
from jixiao.read.source import Cell, Row

_AMOUNT_FIELDS = ("initial", "budget", "executed")
_BARE_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_OPERATORS = frozenset(
    {"≥", "≤", "=", ">", "<", "≧", "≦", "＞", "＜", "＝", "大于等于", "小于等于", "等于", "大于", "小于"}
    | {"不低于", "不高于", "不少于", "不超过"}
)
_WIDE_GAP = re.compile(r"[ \u3000\xa0]{2,}")
_NEXT_LABEL = re.compile(r"\s+(?=[^\s:：]{1,12}[:：])")  # 项目名称：送戏下乡  实施单位：… on one line: the next label
_UNIT_NOTE = re.compile(r"(?:单位\s*[:：]\s*|[（(]\s*)(万元|亿元|元)\s*[)）]?")
# A goal line that carries its label: 预期目标：…, 实际完成情况：….
_INLINE_GOAL = re.compile(
    "^(" + "|".join(sorted((*vocab.GOAL_EXPECTED, *vocab.GOAL_ACTUAL), key=len, reverse=True)) + r")\s*[:：]\s*(\S.*)$"
)


def _is_header_label(text: str) -> bool:
    return vocab.header_field_of(text) is not None or vocab.funds_column_of(text) is not None


@dataclass(slots=True)
class _Columns:
    """Semantic column → grid column, read from a header row."""

    cols: dict[str, int] = field(default_factory=dict)

    @property
    def first(self) -> int:
        return min(self.cols.values())


def _header_columns(row: Row, classify: Callable[[str], str | None]) -> _Columns:
    columns = _Columns()
    for cell in row.cells:
        sem = classify(cell.text)
        if sem is not None and sem not in columns.cols:
            columns.cols[sem] = cell.col
    return columns


def _cell_at(row: Row, col: int) -> Cell | None:
    if 0 <= col < len(row.cells):
        return row.cells[col]
    return None


class ProjectParser:
    """Fills one :class:`ProjectForm` from the rows of its block."""

    def __init__(self, form: ProjectForm) -> None:
        self.form = form
        self.funds_cols: _Columns | None = None
        self.funds_unit = "万元"
        self.pair_cols: dict[int, str] = {}
        self.blank_expected = False
        self.goal_cols: tuple[int, int] | None = None
        self.goal_texts: list[tuple[str, Row, Cell]] = []
        self.goal_rows = 0  # goal rows read: a later row continues the texts cell by cell
        self.labelled_goals: dict[str, tuple[str, Row, Cell]] = {}
        self.ind_cols: _Columns | None = None
        self.ind_fits: list[tuple[int, tuple[int, ...]]] = []
        self.ind_numbers: tuple[int, ...] = ()
        self.level1: str | None = None
        self.level2: str | None = None
        self.level1_row: int | None = None
        self.done = False
        self.last_row_line: int | None = None  # the last table row read as an indicator row

    # ---- driver ---------------------------------------------------------------------------------

    def feed(self, row: Row) -> None:
        if not row.cells:
            return
        if self.ind_cols is not None:
            self._indicator_area(row)
            return
        if self._try_indicator_header(row):
            return
        if self._try_goal_header(row):
            return
        if self.goal_cols is not None:
            self._goal_row(row)
            return
        if self._labelled_goal(row):
            return
        self._header_fields(row)
        if self._try_funds_header(row):
            return
        self._funds_row(row)

    def finish(self) -> ProjectForm:
        form = self.form
        if self.blank_expected and len(self.goal_texts) == 1:
            actual = self.goal_texts[0]
            form.goals.actual = actual[0]
            form.provenance["goals.actual"] = loc(actual[1], actual[2])
        elif self.goal_texts:
            expected = self.goal_texts[0]
            form.goals.expected = expected[0]
            form.provenance["goals.expected"] = loc(expected[1], expected[2])
            if len(self.goal_texts) > 1:
                actual = self.goal_texts[1]
                form.goals.actual = actual[0]
                form.provenance["goals.actual"] = loc(actual[1], actual[2])
        elif self.labelled_goals:
            for field, (text, row, cell) in self.labelled_goals.items():
                setattr(form.goals, field, text)
                form.provenance[f"goals.{field}"] = loc(row, cell)
        if self.ind_cols is not None and not {"weight", "score"} & set(self.ind_cols.cols):
            form.scored = False
        return form

    # ---- header fields --------------------------------------------------------------------------

    def _header_fields(self, row: Row) -> None:
        for index, cell in enumerate(row.cells):
            if ("：" in cell.text or ":" in cell.text) and self._inline_fields(row, cell):
                continue
            attr = vocab.header_field_of(cell.text)
            if attr is None or getattr(self.form, attr) is not None:
                continue
            found = next_value(row, index, _is_header_label)
            if found is None:
                continue
            name, code = split_code(text_of(found))
            setattr(self.form, attr, name)
            setattr(self.form, f"{attr}_code", code)
            self.form.provenance[attr] = loc(row, found)

    def _inline_fields(self, row: Row, cell: Cell) -> bool:
        """Label and value in one cell (``项目名称：送戏下乡``), or several on one line (``项目名称：送戏下乡
        实施单位：鹤鸣市文化馆``, a Word paragraph set out with tabs): each field its own value."""
        found = False
        for piece in _NEXT_LABEL.split(cell.text):
            inline = vocab.inline_header_field(piece)
            if inline is None:
                continue
            found = True
            if getattr(self.form, inline[0]) is None:
                name, code = split_code(inline[1])
                setattr(self.form, inline[0], name)
                setattr(self.form, f"{inline[0]}_code", code)
                self.form.provenance[inline[0]] = loc(row, cell)
        return found

    # ---- funds ----------------------------------------------------------------------------------

    def _try_funds_header(self, row: Row) -> bool:
        unit = _UNIT_NOTE.search(row.text)
        if unit:
            self.funds_unit = unit.group(1)
        columns = _header_columns(row, vocab.funds_column_of)
        if len(columns.cols) >= 3 and ("budget" in columns.cols or "executed" in columns.cols):
            self.funds_cols = columns
            return True
        return False

    def _funds_row(self, row: Row) -> None:
        for index, cell in enumerate(row.cells):
            if cell.inherited:
                continue  # 预算执行情况 merged down its rows: below its first row the copy names no row
            name = vocab.funds_row_of(cell.text)
            if name is None:
                continue
            if self.funds_cols is not None:
                self._funds_columns_row(row, index, name)
            else:
                self._funds_pairs_row(row, index, name)
            return

    def _funds_columns_row(self, row: Row, label_col: int, name: str) -> None:
        assert self.funds_cols is not None
        columns = self.funds_cols
        best: dict[str, tuple[Cell, Decimal]] = {}
        filled = [cell.col for cell in row.cells if cell.text.strip()]
        offsets = {0, label_col + 1 - columns.first}
        label_last = filled and filled[-1] == label_col and filled[0] < label_col
        if label_last:
            offsets.add(filled[0] - columns.first)
        for offset in offsets:
            found: dict[str, tuple[Cell, Decimal]] = {}
            for sem, col in columns.cols.items():
                cell = _cell_at(row, col + offset)
                if cell is None or cell.col == label_col or (col + offset < label_col and not label_last):
                    continue
                value = self._funds_value(sem, cell.text)
                if value is not None:
                    found[sem] = (cell, value)
            if _rank(found) > _rank(best):
                best = found
        amounts = self._amounts(name)
        for sem, (cell, value) in best.items():
            if sem in _AMOUNT_FIELDS:
                setattr(amounts, sem, value)
                self.form.provenance[f"funds.{name}.{sem}"] = loc(row, cell)
            elif name == "total":
                setattr(self.form.funds, sem, value)
                self.form.provenance[f"funds.{sem}"] = loc(row, cell)

    def _funds_pairs_row(self, row: Row, label_col: int, name: str) -> None:
        """Label/value pairs: ``预算数: 10.34 执行数: 10.34``, or a source label repeated per column."""
        amounts = self._amounts(name)
        cells = row.cells
        for index, cell in enumerate(cells):
            sem = vocab.funds_column_of(cell.text)
            if sem is None and index >= label_col and vocab.funds_row_of(cell.text) == name:
                sem = self._pair_column(index)
            if sem is None or index + 1 >= len(cells):
                continue
            if vocab.funds_column_of(cell.text) is not None:
                self.pair_cols[index] = sem
            value_cell = cells[index + 1]
            value = self._funds_value(sem, value_cell.text)
            if value is None:
                continue
            if sem in _AMOUNT_FIELDS:
                setattr(amounts, sem, value)
                self.form.provenance[f"funds.{name}.{sem}"] = loc(row, value_cell)
            elif name == "total":
                setattr(self.form.funds, sem, value)
                self.form.provenance[f"funds.{sem}"] = loc(row, value_cell)

    def _pair_column(self, index: int) -> str | None:
        before = [col for col in self.pair_cols if col <= index]
        return self.pair_cols[max(before)] if before else None

    def _funds_value(self, sem: str, text: str) -> Decimal | None:
        if sem in _AMOUNT_FIELDS:
            return parse_amount(text, self.funds_unit)
        if sem == "rate":
            return parse_rate(text)
        return parse_number(text)

    def _amounts(self, name: str) -> Amounts:
        funds = self.form.funds
        current = funds.row(name)
        if current is None:
            current = Amounts()
            setattr(funds, name, current)
        return current

    # ---- goals ----------------------------------------------------------------------------------

    def _try_goal_header(self, row: Row) -> bool:
        expected = actual = None
        for cell in row.cells:
            key = vocab.bare_label(cell.text)
            if expected is None and key in vocab.GOAL_EXPECTED:
                expected = cell.col
            elif actual is None and key in vocab.GOAL_ACTUAL:
                actual = cell.col
        if expected is not None and actual is not None:
            self.goal_cols = (expected, actual)
            return True
        return False

    def _goal_row(self, row: Row) -> None:
        texts: list[tuple[str, Cell]] = []
        last_col = -2
        for cell in row.cells:
            if cell.inherited:
                continue
            text = value_text(cell.text)
            if not text or vocab.bare_label(text).startswith("年度总体目标"):
                continue
            copy = bool(texts) and text == texts[-1][0] and cell.col == last_col + 1
            last_col = cell.col
            if not copy:  # a merged cell's copies stand side by side: a dump that repeats it at every slot
                texts.append((text, cell))
        if len(texts) == 1 and not self.goal_texts:
            parts = _WIDE_GAP.split(texts[0][1].text.strip())
            if len(parts) == 2 and min(map(len, parts)) >= 6:  # expected and actual apart by a gap no splitter took
                texts = [(vocab.clean_text(part), texts[0][1]) for part in parts]
        if self.goal_rows and self._goal_continued(texts):
            return
        self.goal_rows += 1
        for text, cell in texts:
            if len(self.goal_texts) < 2:
                self.goal_texts.append((text, row, cell))
        if len(self.goal_texts) == 1 and self._blank_expected(row, self.goal_texts[0][2]):
            self.blank_expected = True

    def _goal_continued(self, texts: list[tuple[str, Cell]]) -> bool:
        """A later row whose texts stand in the goal cells' own columns is their wrapped rest (a
        ``pdftotext -layout`` dump prints a tall cell one line at a time)."""
        cols = [cell.col for _, _, cell in self.goal_texts]
        if not texts or len(cols) != 2 or any(cell.col not in cols for _, cell in texts):
            return False
        for text, cell in texts:
            index = cols.index(cell.col)
            before, first_row, first_cell = self.goal_texts[index]
            joiner = "" if not before[-1].isascii() else " "
            self.goal_texts[index] = (before + joiner + text, first_row, first_cell)
        return True

    def _labelled_goal(self, row: Row) -> bool:
        """Goals written as two labelled rows (``预期目标 | …`` then ``实际完成情况 | …``), or as two
        lines that carry label and text together (``预期目标：…`` then ``实际完成情况：…``)."""
        for index, cell in enumerate(row.cells):
            inline = _INLINE_GOAL.match(cell.text.strip()) if "：" in cell.text or ":" in cell.text else None
            if inline is not None:
                label = vocab.bare_label(inline.group(1))
                side = "expected" if label in vocab.GOAL_EXPECTED else "actual"
                said = value_text(inline.group(2))
                if side in self.labelled_goals or said is None:
                    return False
                self.labelled_goals[side] = (said, row, cell)
                return True
            key = vocab.bare_label(cell.text)
            field = "expected" if key in vocab.GOAL_EXPECTED else "actual" if key in vocab.GOAL_ACTUAL else None
            if field is None:
                continue
            found = next_value(row, index, _is_goal_label)
            if found is None or field in self.labelled_goals:
                return False
            text = value_text(found.text)
            if text is None:
                return False
            self.labelled_goals[field] = (text, row, found)
            return True
        return False

    def _blank_expected(self, row: Row, cell: Cell) -> bool:
        """The one goal text stands under 实际完成情况 while the 预期目标 cell of the same grid row is
        blank: the expected goal was left empty, the text is the actual one."""
        if self.goal_cols is None:
            return False
        expected, actual = self.goal_cols
        blank = next((other for other in row.cells if other.col == expected), None)
        return cell.col == actual and blank is not None and not blank.text.strip() and not blank.inherited

    # ---- indicators -----------------------------------------------------------------------------

    def _try_indicator_header(self, row: Row) -> bool:
        columns = _header_columns(row, vocab.indicator_column_of)
        if len(columns.cols) >= 3 and ("level1" in columns.cols or "name" in columns.cols):
            self.ind_cols = columns
            self.ind_fits = [(col, _FIT.get(sem, _NEUTRAL)) for sem, col in columns.cols.items()]
            self.ind_numbers = tuple(col for sem, col in columns.cols.items() if sem in ("weight", "score"))
            return True
        return False

    def _indicator_area(self, row: Row) -> None:
        if self.done:
            self._grade_row(row)
            return
        filled = row.filled
        if not filled:
            return
        first = vocab.norm_label(filled[0].text)
        if vocab.TOTAL_ROW.match(first):
            self._total_row(row)
            return
        if self._grade_row(row):
            return
        if any(vocab.indicator_column_of(cell.text) for cell in filled[:3]) and self._try_indicator_header(row):
            return  # the header again: a table continued on a new page repeats it; the levels carry on
        if self._sub_header(filled):
            return
        if not row.table and self._cell_continued(row):
            return
        self._indicator_row(row)
        if row.table:
            self.last_row_line = row.line

    def _cell_continued(self, row: Row) -> bool:
        """A line of text alone under an indicator row is the rest of that row's last cell (a line
        break inside the cell ends the dump's line)."""
        indicators = self.form.indicators
        if not indicators or indicators[-1].line != self.last_row_line or row.line != indicators[-1].line + 1:
            return False
        key = vocab.norm_label(row.text)
        if vocab.PAGE_MARK.match(key) or vocab.WEIGHT_FRAGMENT.match(key) or _kind_of(row.text) != _TEXT:
            return False  # a page number, a ``(10分)`` left of a split level-1 cell, a label: not cell text
        last = indicators[-1]
        for sem in ("note", "actual", "target", "name"):
            value = getattr(last, sem)
            if isinstance(value, str):
                setattr(last, sem, value + text_of(row.cells[0]))
                return True
        return False

    def _sub_header(self, filled: list[Cell]) -> bool:
        """A second header row under a merged one (年度指标值 / 实际完成值 under 指标值) places its columns."""
        assert self.ind_cols is not None
        sems = [vocab.indicator_column_of(cell.text) for cell in filled]
        if len(filled) < 2 or None in sems or {"level1", "level2", "name"} & set(sems):
            return False
        for cell, sem in zip(filled, sems, strict=True):
            assert sem is not None
            self.ind_cols.cols[sem] = cell.col
        columns = self.ind_cols.cols
        self.ind_fits = [(col, _FIT.get(sem, _NEUTRAL)) for sem, col in columns.items()]
        self.ind_numbers = tuple(col for sem, col in columns.items() if sem in ("weight", "score"))
        return True

    def _total_row(self, row: Row) -> None:
        numbers = [(cell, parse_number(cell.text)) for cell in row.cells[1:]]
        values = [(cell, value) for cell, value in numbers if value is not None]
        if len(values) == 1 and self._in_weight_column(row, values[0][0]):
            self.form.total_weight = values[0][1]
            self.form.provenance["total_weight"] = loc(row, values[0][0])
            self.done = True
            return
        if len(values) >= 2:
            self.form.total_weight = values[-2][1]
            self.form.provenance["total_weight"] = loc(row, values[-2][0])
        if values:
            self.form.total_score = values[-1][1]
            self.form.provenance["total_score"] = loc(row, values[-1][0])
        self.done = True
        self._grade_row(row)  # a grade may share the total's row: 总分 … 98  自评等级：优

    def _in_weight_column(self, row: Row, cell: Cell) -> bool:
        """A lone total standing exactly under 分值, its 得分 cell blank or trimmed off the row's end: only
        a row that keeps the grid (a workbook, a Word table, a tab dump) puts it there, so the column
        can be trusted; a dump that lost its empty cells moves it next to the label instead."""
        cols = self.ind_cols.cols if self.ind_cols is not None else {}
        weight, score = cols.get("weight"), cols.get("score")
        if weight is None or score is None or weight < 2 or cell.col != weight:
            return False
        blank = next((other for other in row.cells if other.col == score), None)
        return blank is None or not blank.text.strip()

    def _grade_row(self, row: Row) -> bool:
        _, found = grade_cell(row)
        if found is None:
            return False
        self.form.grade = grade_of(found)
        self.form.provenance["grade"] = loc(row, found)
        return True

    def _indicator_row(self, row: Row) -> None:
        assert self.ind_cols is not None
        cols = self.ind_cols.cols
        offset = _best_shift(_cell_kinds(row), self.ind_fits, self.ind_numbers)
        picked: dict[str, Cell] = {}
        for sem, col in cols.items():
            cell = _cell_at(row, col + offset)
            if cell is not None and text_of(cell):
                picked[sem] = cell
        self._levels(row, picked)
        name_cell = picked.get("name")
        if name_cell is None and "target" not in picked and "actual" not in picked and "weight" not in picked:
            return
        if self._level1_total(row, picked) or self._continued(row, picked):
            return
        level2_only = self.level2 if name_cell is None and "level2" in picked else None
        indicator = Indicator(
            level1=self.level1,
            level2=self.level2,
            name=text_of(name_cell) if name_cell is not None else level2_only,
            line=row.line,
        )
        self._fill(indicator, row, picked)
        if name_cell is not None:
            indicator.provenance["name"] = loc(row, name_cell)
        level1_cell = picked.get("level1")
        indicator.provenance["level1"] = (
            loc(row, level1_cell) if level1_cell is not None else Loc(self.level1_row or row.line, inherited=True)
        )
        if not any((indicator.name, indicator.target, indicator.actual, indicator.weight is not None)):
            return
        self.form.indicators.append(indicator)

    @staticmethod
    def _fill(indicator: Indicator, row: Row, picked: dict[str, Cell]) -> None:
        for sem in ("target", "actual", "note"):
            cell = picked.get(sem)
            if cell is not None:
                setattr(indicator, sem, value_text(cell.text))
                indicator.provenance[sem] = loc(row, cell)
        for sem in ("weight", "score"):
            cell = picked.get(sem)
            if cell is not None:
                setattr(indicator, sem, parse_number(cell.text))
                indicator.provenance[sem] = loc(row, cell)
        _with_operator_and_unit(indicator, picked)

    def _level1_total(self, row: Row, picked: dict[str, Cell]) -> bool:
        """A row with only a level-1 name and numbers is that group's subtotal: its 分值 is the group's weight."""
        if "level1" not in picked or {"level2", "name", "target", "actual"} & set(picked):
            return False
        weight = picked.get("weight")
        value = parse_number(weight.text) if weight is not None else None
        if weight is None or value is None or self.level1 is None:
            return False
        if self.form.level1_weights is None or self.level1 not in self.form.level1_weights:
            self._level1_weight(self.level1, str(value), row, weight)
        return True

    def _continued(self, row: Row, picked: dict[str, Cell]) -> bool:
        """A row broken by a page end: the row before held only the start of a name, this row the rest
        of it and the values."""
        indicators = self.form.indicators
        name = picked.get("name")
        if name is None or not indicators or {"level1", "level2"} & set(picked):
            return False
        last = indicators[-1]
        if last.line != self.last_row_line or last.name is None or last.level2 != self.level2:
            return False
        if any(value is not None for value in (last.target, last.actual, last.weight, last.score, last.note)):
            return False
        last.name += text_of(name)
        self._fill(last, row, picked)
        return True

    def _levels(self, row: Row, picked: dict[str, Cell]) -> None:
        cell = picked.get("level1")
        if cell is not None:
            text = text_of(cell)
            level1 = vocab.level1_of(text)
            fragment = vocab.WEIGHT_FRAGMENT.match(vocab.norm_label(text))
            if level1 is not None:
                name, weight = level1
                if name != self.level1:
                    self.level2 = None
                self.level1 = name
                self.level1_row = row.line
                if weight is not None:
                    self._level1_weight(name, weight, row, cell)
            elif fragment is not None and self.level1 is not None:
                self._level1_weight(self.level1, fragment.group(1), row, cell)
            elif vocab.bare_label(text):
                self.level1 = vocab.bare_label(text)
                self.level2 = None
                self.level1_row = row.line
        cell = picked.get("level2")
        if cell is not None:
            self.level2 = vocab.norm_label(text_of(cell))

    def _level1_weight(self, name: str, weight: str, row: Row, cell: Cell) -> None:
        if self.form.level1_weights is None:
            self.form.level1_weights = {}
        self.form.level1_weights[name] = Decimal(weight)
        self.form.provenance[f"level1_weights.{name}"] = loc(row, cell)


def _with_operator_and_unit(indicator: Indicator, picked: dict[str, Cell]) -> None:
    """A layout that writes the operator (指标性质 ≥ / ≤ / =) and the unit (度量单位) in columns of their own
    (Sichuan): a bare number under 指标值 / 完成值 is read with them, ``≥`` ``24`` ``次`` as ``≥24次``, so the
    target says its direction and both values their unit, as a form that writes them in one cell does."""
    operator_cell, unit_cell = picked.get("operator"), picked.get("unit")
    operator = value_text(operator_cell.text) if operator_cell is not None else None
    unit = value_text(unit_cell.text) if unit_cell is not None else None
    if operator not in _OPERATORS:
        operator = None
    if unit is not None and (len(unit) > 6 or parse_number(unit) is not None):
        unit = None
    if operator is None and unit is None:
        return
    if indicator.target is not None and _BARE_NUMBER.match(indicator.target):
        indicator.target = (operator or "") + indicator.target + (unit or "")
    if unit is not None and indicator.actual is not None and _BARE_NUMBER.match(indicator.actual):
        indicator.actual += unit


_EMPTY, _LEVEL1, _LEVEL2, _NUMBER, _TEXT, _EITHER = range(6)


@lru_cache(maxsize=16384)
def _is_goal_label(text: str) -> bool:
    key = vocab.bare_label(text)
    return key in vocab.GOAL_EXPECTED or key in vocab.GOAL_ACTUAL


def _rank(found: dict[str, tuple[Cell, Decimal]]) -> tuple[int, int]:
    """How well a column alignment reads a funds row: amounts first (a 其中 row's 分值/得分 are dashes,
    so an alignment that puts its amounts under 分值 and 执行率 must not win on count), then all."""
    return sum(1 for sem in found if sem in _AMOUNT_FIELDS), len(found)


def _kind_of(raw: str) -> int:
    text = vocab.clean_text(raw)
    if not text:
        return _EMPTY
    if vocab.level1_of(text) or vocab.WEIGHT_FRAGMENT.match(vocab.norm_label(text)):
        return _EITHER if vocab.is_level2(text) else _LEVEL1
    if vocab.is_level2(text):
        return _LEVEL2
    if parse_number(text) is not None:
        return _NUMBER
    return _TEXT


def _cell_kinds(row: Row) -> list[int]:
    """What each cell of a row looks like, computed once for all the shifts tried."""
    return [_kind_of(cell.text) for cell in row.cells]


# points for (semantic column, kind of the cell read there)
_NEUTRAL = (0, 0, 0, 0, 0, 0)
_FIT: dict[str, tuple[int, int, int, int, int, int]] = {
    #        empty level1 level2 number text either
    "level1": (1, 1, -3, -2, -2, 1),
    "level2": (1, -2, 1, 0, 0, 1),
    "name": (0, -3, -3, 0, 1, -3),
    "weight": (0, -2, -2, 2, -2, -2),
    "score": (0, -2, -2, 2, -2, -2),
}


def _plausibility(kinds: list[int], fits: list[tuple[int, tuple[int, ...]]], shift: int) -> tuple[int, bool]:
    """How well a row fits the header when read ``shift`` columns over, and whether nothing jarred."""
    score = 0
    clean = True
    width = len(kinds)
    used = 0
    for col, fit in fits:
        index = col + shift
        kind = kinds[index] if 0 <= index < width else _EMPTY
        if kind != _EMPTY:
            used += 1
        points = fit[kind]
        score += points
        clean = clean and points >= 0
    stray = width - kinds.count(_EMPTY) - used
    return score - stray, clean and stray == 0


_FAR_SHIFTS = (-3, 3, -4)


def _best_shift(kinds: list[int], fits: list[tuple[int, tuple[int, ...]]], numbers: tuple[int, ...]) -> int:
    """The shift that fits best; a row already in place (clean, numbers where the scores go) is kept.

    A dump that set its cells apart by spaces loses the blank ones a row starts with (under merged
    一级/二级 cells, up to three or four): a row of three cells or more may move that far, a lone
    label (a page footer, a stray note) no further than two."""
    best, best_score = 0, None
    far = _FAR_SHIFTS if len(kinds) - kinds.count(_EMPTY) >= 3 else ()
    for shift in (0, -1, 1, -2, 2, *far):
        score, clean = _plausibility(kinds, fits, shift)
        if shift == 0 and clean and numbers and all(0 <= c < len(kinds) and kinds[c] == _NUMBER for c in numbers):
            return 0
        if best_score is None or score > best_score:
            best, best_score = shift, score
    return best


def parse_project(rows: list[Row], line: int, title: str | None, year: int | None) -> ProjectForm:
    form = ProjectForm(line=line, year=year, title=title)
    parser = ProjectParser(form)
    for row in rows:
        parser.feed(row)
    form = parser.finish()
    if rows:
        form.end_line = rows[-1].end_line
    return form
