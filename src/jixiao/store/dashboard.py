"""The dashboard's figures: each chart is a table first, the chart draws the table.

Charts: execution-rate distribution, self-score against execution rate,
findings by check and by department, and year over year for the same
department and project. They are drawn from the in-memory index of the store
(:mod:`jixiao.store.facets`, exact as of the newest change): the forms and
findings in the user's scope and filters are bit sets there, so nothing is read
from the database per view, and each scope's charts are drawn once per change.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jixiao.store.access import Principal
from jixiao.store.cache import Recent, revision
from jixiao.store.facets import INDEXES, Index, positions
from jixiao.store.models import Department, StoredDocument, now
from jixiao.store.queries import SEVERITY_LABELS, Filters, check_titles

RATE_BINS: list[tuple[str, Decimal | None, Decimal | None]] = [
    ("低于60%", None, Decimal("0.6")),
    ("60%–70%", Decimal("0.6"), Decimal("0.7")),
    ("70%–80%", Decimal("0.7"), Decimal("0.8")),
    ("80%–90%", Decimal("0.8"), Decimal("0.9")),
    ("90%–95%", Decimal("0.9"), Decimal("0.95")),
    ("95%–100%", Decimal("0.95"), Decimal("1")),
    ("100%", Decimal("1"), Decimal("1")),
    ("超过100%", Decimal("1"), None),
]


@dataclass(slots=True)
class Chart:
    """One chart: its title, its table (columns and rows) and what ECharts needs to draw it."""

    key: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]]
    option: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    computed_at: datetime | None = None


_BOUNDS = [Decimal("0.6"), Decimal("0.7"), Decimal("0.8"), Decimal("0.9"), Decimal("0.95"), Decimal("1")]


def _bin(rate: Decimal) -> int:
    """The RATE_BINS index of a rate: half-open bands below 100%, then exactly 100%, then above."""
    if rate > 1:
        return len(RATE_BINS) - 1
    return bisect_right(_BOUNDS, rate)


def _percent(value: Decimal | None) -> Decimal | None:
    return None if value is None else (value * 100).quantize(Decimal("0.01"))


FormRow = tuple[int, int | None, int | None, str, str, Decimal | None, Decimal | None, str | None]


@dataclass(slots=True)
class Snapshot:
    """What one user's charts are drawn from: their forms, and their findings counted by check and department."""

    forms: list[FormRow]
    by_check: list[tuple[str, str, int]]  # check, severity, findings
    by_department: list[tuple[int | None, str, int]]  # department, severity, findings
    names: dict[int | None, str]


SEVERITIES = ("error", "warning", "info")


def _cut(session: Session, index: Index, actor: Principal, filters: Filters) -> Snapshot:
    """The user's forms and finding counts, by AND-ing bit sets of the index (scope, department, year, kind)."""
    forms, findings = index.forms, index.findings
    form_mask = forms.alive if actor.departments is None else forms.any_of("department", actor.departments)
    finding_mask = findings.alive if actor.departments is None else findings.any_of("department", actor.departments)
    if filters.department is not None:
        form_mask &= forms.mask("department", filters.department)
        finding_mask &= findings.mask("department", filters.department)
    if filters.year is not None:
        form_mask &= forms.mask("year", filters.year)
        finding_mask &= findings.mask("form_year", filters.year)
    if filters.kind:
        form_mask &= forms.mask("kind", filters.kind)
        finding_mask &= findings.mask("form_kind", filters.kind)
    rows: list[FormRow] = [forms.payload[p] for p in positions(form_mask)]
    severity = {s: findings.mask("severity", s) & finding_mask for s in SEVERITIES}
    by_check = [
        (str(check), s, n)
        for check, mask in findings.masks.get("check", {}).items()
        for s in SEVERITIES
        if (n := (mask & severity[s]).bit_count())
    ]
    by_department: list[tuple[int | None, str, int]] = [
        (department if isinstance(department, int) else None, s, n)
        for department, mask in findings.masks.get("department", {}).items()
        for s in SEVERITIES
        if (n := (mask & severity[s]).bit_count())
    ]
    names: dict[int | None, str] = {None: "（未归属部门）"}
    wanted = {row[1] for row in rows} | {d for d, _, _ in by_department}
    names.update(
        {
            int(i): str(n)
            for i, n in session.execute(
                select(Department.id, Department.name).where(Department.id.in_([d for d in wanted if d is not None]))
            ).all()
        }
    )
    return Snapshot(rows, by_check, by_department, names)


def rate_distribution(rows: list[tuple[Any, ...]]) -> Chart:
    counts = Counter(_bin(row[5]) for row in rows if row[5] is not None)
    table = [{"bin": label, "forms": counts.get(i, 0)} for i, (label, _, _) in enumerate(RATE_BINS)]
    unknown = sum(1 for row in rows if row[5] is None)
    return Chart(
        "rates",
        "预算执行率分布",
        [("bin", "执行率区间"), ("forms", "表单数")],
        table,
        {
            "tooltip": {},
            "xAxis": {
                "type": "category",
                "data": [r["bin"] for r in table],
                "axisLabel": {"interval": 0, "fontSize": 11},
            },
            "yAxis": {"type": "value", "name": "表单数", "minInterval": 1},
            "series": [{"type": "bar", "data": [r["forms"] for r in table], "name": "表单数"}],
        },
        f"另有 {unknown} 张表无法计算执行率（缺全年预算数或执行数）" if unknown else "",
    )


def score_vs_rate(rows: list[tuple[Any, ...]]) -> Chart:
    points = [(row[5], row[6], row[4]) for row in rows if row[5] is not None and row[6] is not None]
    groups: dict[int, list[Decimal]] = defaultdict(list)
    for rate, score, _ in points:
        groups[_bin(rate)].append(score)
    table = []
    for index, (label, _, _) in enumerate(RATE_BINS):
        scores = groups.get(index, [])
        mean = (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01")) if scores else None
        table.append(
            {
                "bin": label,
                "forms": len(scores),
                "mean_score": mean,
                "min_score": min(scores) if scores else None,
                "max_score": max(scores) if scores else None,
            }
        )
    shown = points[:2000]
    return Chart(
        "scores",
        "自评得分与预算执行率",
        [
            ("bin", "执行率区间"),
            ("forms", "表单数"),
            ("mean_score", "平均自评分"),
            ("min_score", "最低分"),
            ("max_score", "最高分"),
        ],
        table,
        {
            "tooltip": {"trigger": "item"},
            "xAxis": {"type": "value", "name": "执行率（%）", "nameLocation": "middle", "nameGap": 28, "scale": True},
            "yAxis": {"type": "value", "name": "自评总分", "scale": True},
            "series": [
                {
                    "type": "scatter",
                    "symbolSize": 6,
                    "name": "表单",
                    "data": [[float(_percent(rate) or 0), float(score), name] for rate, score, name in shown],
                }
            ],
        },
        f"共 {len(points)} 张表同时有执行率和自评总分" + ("；散点图显示前 2000 个" if len(points) > 2000 else ""),
    )


def _severity_table(counts: list[tuple[Any, str, int]], label: dict[Any, str]) -> list[dict[str, Any]]:
    table: dict[Any, dict[str, Any]] = {}
    for key, severity, count in counts:
        row = table.setdefault(key, {"key": key, "name": label.get(key, str(key)), "error": 0, "warning": 0, "info": 0})
        row[severity] = row.get(severity, 0) + count
    rows = list(table.values())
    for row in rows:
        row["total"] = row["error"] + row["warning"] + row["info"]
    rows.sort(key=lambda r: (-r["total"], str(r["name"])))
    return rows


def _stacked(rows: list[dict[str, Any]], horizontal: bool) -> dict[str, Any]:
    names = [r["name"] for r in rows][::-1] if horizontal else [r["name"] for r in rows]
    ordered = rows[::-1] if horizontal else rows
    category = {"type": "category", "data": names, "axisLabel": {"interval": 0, "width": 220, "overflow": "truncate"}}
    value = {"type": "value", "minInterval": 1}
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {},
        "grid": {"left": 230 if horizontal else 60, "right": 30},
        "xAxis": value if horizontal else category,
        "yAxis": category if horizontal else value,
        "series": [
            {"type": "bar", "stack": "n", "name": SEVERITY_LABELS[s], "data": [r[s] for r in ordered]}
            for s in ("error", "warning", "info")
        ],
    }


def findings_by_check(snapshot: Snapshot) -> Chart:
    titles = check_titles()
    rows = _severity_table(list(snapshot.by_check), {})
    for row in rows:
        row["title"] = titles.get(row["key"], "")
    return Chart(
        "checks",
        "各检查项发现的问题",
        [
            ("name", "检查项"),
            ("title", "检查名称"),
            ("error", "错误"),
            ("warning", "警告"),
            ("info", "提示"),
            ("total", "合计"),
        ],
        rows,
        _stacked(rows[:30], horizontal=True),
        "图中显示问题最多的 30 项" if len(rows) > 30 else "",
    )


def findings_by_department(snapshot: Snapshot) -> Chart:
    rows = _severity_table(list(snapshot.by_department), snapshot.names)
    return Chart(
        "departments",
        "各部门发现的问题",
        [("name", "部门"), ("error", "错误"), ("warning", "警告"), ("info", "提示"), ("total", "合计")],
        rows,
        _stacked(rows[:30], horizontal=True),
        "图中显示问题最多的 30 个部门" if len(rows) > 30 else "",
    )


def year_over_year(rows: list[tuple[Any, ...]], names: dict[int | None, str], series: str | None) -> Chart:
    """The same department and project across years: self-score and execution rate per year."""
    by_key: dict[tuple[int | None, str], dict[int, tuple[Decimal | None, Decimal | None]]] = defaultdict(dict)
    for _, department, year, kind, name, rate, score, _ in rows:
        if year is None or not name or kind == "report":
            continue
        by_key[(department, name)].setdefault(year, (score, rate))
    years = sorted({year for values in by_key.values() for year in values})
    multi = {key: values for key, values in by_key.items() if len(values) >= 2}
    table = []
    for (department, name), values in sorted(multi.items(), key=lambda item: (names.get(item[0][0], ""), item[0][1])):
        row: dict[str, Any] = {
            "series": f"{department or 0}:{name}",
            "department": names.get(department, ""),
            "project": name,
        }
        for year in years:
            score, rate = values.get(year, (None, None))
            row[f"score_{year}"] = score
            row[f"rate_{year}"] = _percent(rate)
        table.append(row)
    chosen = next((r for r in table if r["series"] == series), table[0] if table else None)
    option: dict[str, Any] = {}
    if chosen is not None:
        option = {
            "tooltip": {"trigger": "axis"},
            "legend": {},
            "xAxis": {"type": "category", "data": [str(y) for y in years]},
            "yAxis": [
                {"type": "value", "name": "自评总分", "scale": True},
                {"type": "value", "name": "执行率（%）", "scale": True},
            ],
            "series": [
                {
                    "type": "line",
                    "name": "自评总分",
                    "connectNulls": True,
                    "data": [_num(chosen[f"score_{y}"]) for y in years],
                },
                {
                    "type": "line",
                    "name": "执行率（%）",
                    "yAxisIndex": 1,
                    "connectNulls": True,
                    "data": [_num(chosen[f"rate_{y}"]) for y in years],
                },
            ],
        }
    columns = [("department", "部门"), ("project", "项目/表单")]
    for year in years:
        columns += [(f"score_{year}", f"{year} 自评分"), (f"rate_{year}", f"{year} 执行率%")]
    return Chart(
        "years",
        "同一部门、同一项目的历年对比" + (f"：{chosen['department']} · {chosen['project']}" if chosen else ""),
        columns,
        table,
        option,
        "" if table else "还没有同一部门、同一项目两个以上年度的表",
    )


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


_DRAWN: Recent[list[Chart]] = Recent(stale_seconds=3.0)


def charts(session: Session, actor: Principal, filters: Filters, series: str | None) -> list[Chart]:
    """Every chart for the user's departments and the filters.

    Drawn at most once per change of the store, and under a stream of changes reused for a few seconds
    (see :mod:`jixiao.store.cache`): each chart says when it was drawn.
    """
    index = INDEXES.get(session, revision(session))
    engine = session.get_bind().engine
    key = (str(engine.url), actor.departments, filters.department, filters.year, filters.kind, series)

    def draw() -> list[Chart]:
        with Session(engine) as own:
            return _draw(_cut(own, index, actor, filters), series)

    return _DRAWN.get(key, index.revision, draw)


def _draw(snapshot: Snapshot, series: str | None) -> list[Chart]:
    rows = snapshot.forms
    result = [
        rate_distribution(rows),
        score_vs_rate(rows),
        findings_by_check(snapshot),
        findings_by_department(snapshot),
        year_over_year(rows, snapshot.names, series),
    ]
    at = now()
    for chart in result:
        chart.computed_at = at
        if chart.option:
            # drawn at once: no animation to wait for, in a browser or a screenshot
            chart.option["animation"] = False
    return result


def years_in_scope(session: Session, actor: Principal) -> list[int]:
    statement = (
        select(StoredDocument.year)
        .where(actor.scope(StoredDocument.department_id), StoredDocument.year.is_not(None))
        .distinct()
        .order_by(StoredDocument.year.desc())
    )
    return [int(y) for y in session.scalars(statement) if y is not None]
