"""``jixiao/1`` JSON → the domain model: the exact inverse of :mod:`jixiao.render.jsonout`.

Renderers, the synthetic-corpus generator and the benchmarks start from JSON
(gold annotations, saved extractions), so a document must come back as the
same typed forms the parsers fill. Numbers become ``Decimal`` through their
shortest spelling (``140.4`` stays ``Decimal("140.4")``), keys a file leaves out
take the model's defaults, and anything malformed raises :class:`ReadError`
with a Chinese message naming the place, never a ``KeyError`` deep inside.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Any, cast, get_args

import orjson

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
    Problem,
    ProjectForm,
    ProjectFunds,
    ProjectGroup,
    ReportBudget,
    ReportForm,
    ReportProject,
    Severity,
    Subtotal,
)
from jixiao.read.source import ReadError
from jixiao.render.jsonout import FORMAT

__all__ = ["document_from_dict", "load_document"]

_MAX_BYTES = 64 * 1024 * 1024
_SEVERITIES: tuple[str, ...] = get_args(Severity)
_GROUPS: tuple[str, ...] = get_args(ProjectGroup)
_OPTIONAL_ROWS = ("central", "local")


class _Reader:
    """Typed access to one JSON object; every error names where it happened."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, dict):
            raise ReadError(f"{where}应为 JSON 对象")
        self.data: dict[str, Any] = data
        self.where = where

    def fail(self, key: str, what: str) -> ReadError:
        return ReadError(f"{self.where}.{key} {what}")

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None or isinstance(value, str):
            return value
        raise self.fail(key, "应为文本")

    def required_text(self, key: str) -> str:
        value = self.text(key)
        if value is None:
            raise self.fail(key, "缺失")
        return value

    def number(self, key: str) -> Decimal | None:
        return decimal_of(self.data.get(key), f"{self.where}.{key}")

    def integer(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, "应为整数")
        return value

    def line(self, default: int) -> int:
        value = self.integer("line")
        return default if value is None else value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(key, "应为 true 或 false")
        return value

    def child(self, key: str) -> _Reader:
        value = self.data.get(key)
        return _Reader({} if value is None else value, f"{self.where}.{key}")

    def items(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, "应为数组")
        return value


def decimal_of(value: object, where: str) -> Decimal | None:
    """A JSON number as the Decimal it spells (floats through ``repr``, so 140.4 stays 140.4)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ReadError(f"{where} 应为数字")
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ReadError(f"{where} 不是有限的数字")
        return Decimal(repr(value))
    return Decimal(value)


def _loc(data: object, where: str) -> Loc:
    reader = _Reader(data, where)
    line = reader.integer("line")
    if line is None:
        raise reader.fail("line", "缺失")
    return Loc(
        line=line,
        row=reader.integer("row"),
        col=reader.integer("col"),
        page=reader.integer("page"),
        sheet=reader.text("sheet"),
        inherited=reader.boolean("inherited", False),
    )


def _provenance(reader: _Reader) -> dict[str, Loc]:
    raw = reader.data.get("provenance")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise reader.fail("provenance", "应为 JSON 对象")
    return {str(key): _loc(value, f"{reader.where}.provenance.{key}") for key, value in raw.items()}


def _amounts(reader: _Reader) -> Amounts:
    return Amounts(initial=reader.number("initial"), budget=reader.number("budget"), executed=reader.number("executed"))


def _project_funds(reader: _Reader) -> ProjectFunds:
    funds = ProjectFunds(
        total=_amounts(reader.child("total")),
        fiscal=_amounts(reader.child("fiscal")),
        carryover=_amounts(reader.child("carryover")),
        other=_amounts(reader.child("other")),
        weight=reader.number("weight"),
        rate=reader.number("rate"),
        score=reader.number("score"),
    )
    for name in _OPTIONAL_ROWS:
        if reader.has(name):
            setattr(funds, name, _amounts(reader.child(name)))
    return funds


def _goals(reader: _Reader) -> Goals:
    return Goals(expected=reader.text("expected"), actual=reader.text("actual"))


def _weights(reader: _Reader, key: str) -> dict[str, Decimal] | None:
    raw = reader.data.get(key)
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise reader.fail(key, "应为 JSON 对象")
    out: dict[str, Decimal] = {}
    for name, value in raw.items():
        number = decimal_of(value, f"{reader.where}.{key}.{name}")
        if number is None:
            raise ReadError(f"{reader.where}.{key}.{name} 不能为空")
        out[str(name)] = number
    return out


def _indicator(data: object, where: str, form_line: int) -> Indicator:
    reader = _Reader(data, where)
    return Indicator(
        level1=reader.text("level1"),
        level2=reader.text("level2"),
        name=reader.text("name"),
        line=reader.line(form_line),
        target=reader.text("target"),
        actual=reader.text("actual"),
        weight=reader.number("weight"),
        score=reader.number("score"),
        note=reader.text("note"),
        reference_weight=reader.number("reference_weight"),
        basis=reader.text("basis"),
        provenance=_provenance(reader),
    )


def _indicators(reader: _Reader, line: int) -> list[Indicator]:
    return [
        _indicator(item, f"{reader.where}.indicators[{index}]", line)
        for index, item in enumerate(reader.items("indicators"))
    ]


def _project_form(reader: _Reader) -> ProjectForm:
    line = reader.line(1)
    return ProjectForm(
        line=line,
        year=reader.integer("year"),
        title=reader.text("title"),
        project=reader.text("project"),
        project_code=reader.text("project_code"),
        department=reader.text("department"),
        department_code=reader.text("department_code"),
        implementer=reader.text("implementer"),
        implementer_code=reader.text("implementer_code"),
        funds=_project_funds(reader.child("funds")),
        goals=_goals(reader.child("goals")),
        level1_weights=_weights(reader, "level1_weights"),
        indicators=_indicators(reader, line),
        total_score=reader.number("total_score"),
        total_weight=reader.number("total_weight"),
        grade=reader.text("grade"),
        scored=reader.boolean("scored", True),
        provenance=_provenance(reader),
    )


def _department_layout(reader: _Reader) -> str:
    """The layout a file names, else the one its funds block shows (source rows mean the project layout)."""
    layout = reader.text("layout")
    if layout is not None:
        if layout not in ("framework", "project"):
            raise reader.fail("layout", "只能是 framework 或 project")
        return layout
    funds = reader.data.get("funds")
    if isinstance(funds, dict) and any(isinstance(funds.get(key), dict) for key in ("total", "fiscal")):
        return "project"
    if any(isinstance(item, dict) and "target" in item for item in reader.items("indicators")):
        return "project"
    return "framework"


def _department_form(reader: _Reader) -> DepartmentForm:
    line = reader.line(1)
    form = DepartmentForm(
        line=line,
        year=reader.integer("year"),
        title=reader.text("title"),
        department=reader.text("department"),
        department_code=reader.text("department_code"),
        indicators=_indicators(reader, line),
        total_score=reader.number("total_score"),
        total_weight=reader.number("total_weight"),
        grade=reader.text("grade"),
        provenance=_provenance(reader),
    )
    if _department_layout(reader) == "framework":
        funds = reader.child("funds")
        form.overall_funds = DepartmentFunds(
            carryover=funds.number("carryover"),
            initial=funds.number("initial"),
            adjustment=funds.number("adjustment"),
            other_adjustment=funds.number("other_adjustment"),
            executed=funds.number("executed"),
            balance=funds.number("balance"),
        )
        subtotals = reader.child("subtotals")
        for name in subtotals.data:
            sub = subtotals.child(str(name))
            form.subtotals[str(name)] = Subtotal(
                weight=sub.number("weight"), score=sub.number("score"), reference_weight=sub.number("reference_weight")
            )
    else:
        form.layout = "project"
        form.funds = _project_funds(reader.child("funds"))
        form.goals = _goals(reader.child("goals"))
        form.level1_weights = _weights(reader, "level1_weights")
    return form


def _report_project(data: object, where: str, form_line: int) -> ReportProject:
    reader = _Reader(data, where)
    group = reader.text("group") or "project"
    if group not in _GROUPS:
        raise reader.fail("group", f"只能是 {'、'.join(_GROUPS)}")
    return ReportProject(
        name=reader.required_text("name"),
        group=cast(ProjectGroup, group),
        line=reader.line(form_line),
        initial=reader.number("initial"),
        budget=reader.number("budget"),
        executed=reader.number("executed"),
        rate=reader.number("rate"),
        score=reader.number("score"),
        grade=reader.text("grade"),
        provenance=_provenance(reader),
    )


def _report_form(reader: _Reader) -> ReportForm:
    line = reader.line(1)
    budget = reader.child("budget")
    return ReportForm(
        line=line,
        year=reader.integer("year"),
        department=reader.text("department"),
        title=reader.text("title"),
        budget=ReportBudget(
            budget=budget.number("budget"),
            adjusted=budget.number("adjusted"),
            executed=budget.number("executed"),
            rate=budget.number("rate"),
        ),
        projects=[
            _report_project(item, f"{reader.where}.projects[{index}]", line)
            for index, item in enumerate(reader.items("projects"))
        ],
        score_breakdown=_weights(reader, "score_breakdown"),
        total_score=reader.number("total_score"),
        grade=reader.text("grade"),
        provenance=_provenance(reader),
    )


def form_from_dict(data: object, where: str = "forms[0]") -> Form:
    reader = _Reader(data, where)
    kind = reader.text("kind")
    if kind == "project":
        return _project_form(reader)
    if kind == "department":
        return _department_form(reader)
    if kind == "report":
        return _report_form(reader)
    raise reader.fail("kind", f"未知的表单类型：{kind!r}（应为 project、department 或 report）")


def _plain(value: object, where: str) -> object:
    """A finding's expected/found value: JSON scalars and lists as they are."""
    if value is None or isinstance(value, (str, bool, int, float, list, dict)):
        return value
    raise ReadError(f"{where} 的值类型不受支持")


def _finding(data: object, where: str) -> Finding:
    reader = _Reader(data, where)
    severity = reader.text("severity") or "error"
    if severity not in _SEVERITIES:
        raise reader.fail("severity", "只能是 error、warning 或 info")
    return Finding(
        check=reader.required_text("check"),
        severity=cast(Severity, severity),
        form=reader.integer("form"),
        field=reader.text("field"),
        line=reader.integer("line"),
        message=reader.text("message") or "",
        expected=_plain(reader.data.get("expected"), f"{where}.expected"),
        found=_plain(reader.data.get("found"), f"{where}.found"),
    )


def document_from_dict(data: object) -> Document:
    """A ``jixiao/1`` document (as ``document_to_dict`` writes it, or a gold file) → :class:`Document`."""
    reader = _Reader(data, "文档")
    fmt = reader.text("format")
    if fmt != FORMAT:
        raise ReadError(f"不是 {FORMAT} 格式的文档（format 为 {fmt!r}）")
    source = reader.text("source") or ""
    document = Document(source=source, profile=reader.text("profile"))
    document.forms = [form_from_dict(item, f"forms[{index}]") for index, item in enumerate(reader.items("forms"))]
    if "findings" in reader.data and reader.data["findings"] is not None:
        document.findings = [
            _finding(item, f"findings[{index}]") for index, item in enumerate(reader.items("findings"))
        ]
    for index, message in enumerate(reader.items("problems")):
        if not isinstance(message, str):
            raise ReadError(f"文档.problems[{index}] 应为文本")
        document.problems.append(Problem(source, message, fatal=False))
    return document


def load_document(path: str | os.PathLike[str]) -> Document:
    """Read a ``jixiao/1`` JSON file; :class:`ReadError` with the reason when it is not one."""
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > _MAX_BYTES:
            raise ReadError(f"文件过大（{size / 1024 / 1024:.0f} MB，上限 {_MAX_BYTES // 1024 // 1024} MB）")
        raw = file.read_bytes()
    except OSError as error:
        raise ReadError(f"无法读取文件：{error.strerror or error}") from error
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise ReadError(f"不是有效的 JSON：{error}") from error
    return document_from_dict(data)
