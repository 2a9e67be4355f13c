"""The dashboard's figures: each chart is a table first, the chart draws the table.

Charts: execution-rate distribution, self-score against execution rate,
findings by check and by department, and year over year for the same
department and project. Results are cached per user scope and filters until
the store changes (the newest audit entry id is the revision).
"""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from jixiao.store.access import Principal
from jixiao.store.models import Department, StoredDocument, StoredFinding, StoredForm, now
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


def _bin(rate: Decimal) -> int:
    """The RATE_BINS index of a rate: half-open bands below 100%, then exactly 100%, then above."""
    if rate == 1:
        return len(RATE_BINS) - 2
    if rate > 1:
        return len(RATE_BINS) - 1
    for index, (_, low, high) in enumerate(RATE_BINS[:-2]):
        if (low is None or rate >= low) and high is not None and rate < high:
            return index
    return 0


def _percent(value: Decimal | None) -> Decimal | None:
    return None if value is None else (value * 100).quantize(Decimal("0.01"))


def _form_rows(session: Session, actor: Principal, filters: Filters) -> list[tuple[Any, ...]]:
    f = StoredForm
    conditions = [actor.scope(f.department_id)]
    if filters.department is not None:
        conditions.append(f.department_id == filters.department)
    if filters.year is not None:
        conditions.append(f.year == filters.year)
    if filters.kind:
        conditions.append(f.kind == filters.kind)
    statement = select(
        f.id, f.department_id, f.year, f.kind, f.name, f.execution_rate, f.total_score, f.stated_department
    ).where(and_(*conditions))
    return list(session.execute(statement).all())


def _names(session: Session) -> dict[int | None, str]:
    names: dict[int | None, str] = {None: "（未归属部门）"}
    names.update(dict(session.execute(select(Department.id, Department.name)).all()))
    return names


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
    shown = points[:5000]
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
        f"共 {len(points)} 张表同时有执行率和自评总分" + ("；散点图显示前 5000 个" if len(points) > 5000 else ""),
    )


def _finding_counts(session: Session, actor: Principal, filters: Filters, by: Any) -> list[tuple[Any, str, int]]:
    x = StoredFinding
    statement = select(by, x.severity, func.count()).where(actor.scope(x.department_id))
    if filters.department is not None:
        statement = statement.where(x.department_id == filters.department)
    if filters.year is not None or filters.kind:
        statement = statement.join(StoredForm, StoredForm.id == x.form_id)
        if filters.year is not None:
            statement = statement.where(StoredForm.year == filters.year)
        if filters.kind:
            statement = statement.where(StoredForm.kind == filters.kind)
    return [(k, str(s), int(c)) for k, s, c in session.execute(statement.group_by(by, x.severity))]


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


def findings_by_check(session: Session, actor: Principal, filters: Filters) -> Chart:
    titles = check_titles()
    rows = _severity_table(_finding_counts(session, actor, filters, StoredFinding.check_id), {})
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


def findings_by_department(session: Session, actor: Principal, filters: Filters) -> Chart:
    rows = _severity_table(_finding_counts(session, actor, filters, StoredFinding.department_id), _names(session))
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


_CACHE: dict[tuple[Any, ...], tuple[int, float, list[Chart]]] = {}
_LOCK = threading.Lock()
# while edits stream in, figures up to this many seconds old are shown rather than recomputed on every view
STALE_SECONDS = 3.0


def charts(session: Session, actor: Principal, filters: Filters, series: str | None, revision: int) -> list[Chart]:
    """Every chart for the user's departments and the filters.

    Recomputed when the store has changed since, but at most every STALE_SECONDS: each
    chart says when its figures were computed.
    """
    key = (id(session.get_bind()), actor.departments, filters.department, filters.year, filters.kind, series)
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None and (cached[0] == revision or time.monotonic() - cached[1] < STALE_SECONDS):
            return cached[2]
    rows = _form_rows(session, actor, filters)
    names = _names(session)
    result = [
        rate_distribution(rows),
        score_vs_rate(rows),
        findings_by_check(session, actor, filters),
        findings_by_department(session, actor, filters),
        year_over_year(rows, names, series),
    ]
    for chart in result:
        chart.computed_at = now()
        if chart.option:
            # drawn at once: no animation to wait for, in a browser or a screenshot
            chart.option["animation"] = False
    with _LOCK:
        if len(_CACHE) > 512:
            _CACHE.clear()
        _CACHE[key] = (revision, time.monotonic(), result)
    return result


def years_in_scope(session: Session, actor: Principal) -> list[int]:
    statement = (
        select(StoredDocument.year)
        .where(actor.scope(StoredDocument.department_id), StoredDocument.year.is_not(None))
        .distinct()
        .order_by(StoredDocument.year.desc())
    )
    return [int(y) for y in session.scalars(statement) if y is not None]
