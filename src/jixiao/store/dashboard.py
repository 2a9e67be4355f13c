"""The dashboard's figures: each chart is a table first, the chart draws the table.

Charts: execution-rate distribution, self-score against execution rate,
findings by check and by department, and year over year for the same
department and project. The figures of all departments are read once (see
:mod:`jixiao.store.cache` for how long they are reused) and each user's charts
are cut from them in memory.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jixiao.store.access import Principal
from jixiao.store.cache import Recent, revision
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


FormRow = tuple[int, int | None, int | None, str, str, Decimal | None, Decimal | None, str | None]
FindingRow = tuple[int | None, int | None, str | None, str, str, int]


@dataclass(slots=True)
class Snapshot:
    """What every chart is drawn from, for all departments: read once, then cut to each user's scope."""

    forms: list[FormRow]
    findings: list[FindingRow]  # department, year, kind, check, severity, count
    names: dict[int | None, str]
    at: datetime = field(default_factory=now)
    drawn: dict[tuple[Any, ...], list[Chart]] = field(default_factory=dict)  # each scope's charts, once


def _snapshot(session: Session) -> Snapshot:
    f, x = StoredForm, StoredFinding
    forms = [
        (int(i), d, y, str(k), str(n), r, t, s)
        for i, d, y, k, n, r, t, s in session.execute(
            select(f.id, f.department_id, f.year, f.kind, f.name, f.execution_rate, f.total_score, f.stated_department)
        ).all()
    ]
    findings: list[FindingRow] = [
        (d, y, k, str(c), str(v), int(n))
        for d, y, k, c, v, n in session.execute(
            select(x.department_id, f.year, f.kind, x.check_id, x.severity, func.count())
            .outerjoin(f, f.id == x.form_id)
            .group_by(x.department_id, f.year, f.kind, x.check_id, x.severity)
        ).all()
    ]
    names: dict[int | None, str] = {None: "（未归属部门）"}
    names.update({int(i): str(n) for i, n in session.execute(select(Department.id, Department.name)).all()})
    return Snapshot(forms, findings, names)


def _wanted(actor: Principal, filters: Filters, department: int | None, year: int | None, kind: str | None) -> bool:
    return (
        actor.sees(department)
        and (filters.department is None or department == filters.department)
        and (filters.year is None or year == filters.year)
        and (not filters.kind or kind == filters.kind)
    )


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


def _finding_counts(
    snapshot: Snapshot, actor: Principal, filters: Filters, by_check: bool
) -> list[tuple[Any, str, int]]:
    totals: Counter[tuple[Any, str]] = Counter()
    for department, year, kind, check, severity, count in snapshot.findings:
        if _wanted(actor, filters, department, year, kind):
            totals[(check if by_check else department, severity)] += count
    return [(key, severity, count) for (key, severity), count in totals.items()]


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


def findings_by_check(snapshot: Snapshot, actor: Principal, filters: Filters) -> Chart:
    titles = check_titles()
    rows = _severity_table(_finding_counts(snapshot, actor, filters, by_check=True), {})
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


def findings_by_department(snapshot: Snapshot, actor: Principal, filters: Filters) -> Chart:
    rows = _severity_table(_finding_counts(snapshot, actor, filters, by_check=False), snapshot.names)
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


_SNAPSHOTS: Recent[Snapshot] = Recent(size=8)


def charts(session: Session, actor: Principal, filters: Filters, series: str | None) -> list[Chart]:
    """Every chart for the user's departments and the filters.

    The figures of all departments are read once (reused as :mod:`jixiao.store.cache`
    says) and each scope's charts are cut from them once. Each chart says when its
    figures were computed.
    """
    current = revision(session)
    engine = session.get_bind().engine
    database = str(engine.url)

    def read() -> Snapshot:
        with Session(engine) as own:
            return _snapshot(own)

    snapshot = _SNAPSHOTS.get(database, current, read)
    key = (actor.departments, filters.department, filters.year, filters.kind, series)
    drawn = snapshot.drawn.get(key)
    if drawn is None:
        drawn = snapshot.drawn[key] = _draw(snapshot, actor, filters, series)
    return drawn


def _draw(snapshot: Snapshot, actor: Principal, filters: Filters, series: str | None) -> list[Chart]:
    rows = [row for row in snapshot.forms if _wanted(actor, filters, row[1], row[2], row[3])]
    result = [
        rate_distribution(rows),
        score_vs_rate(rows),
        findings_by_check(snapshot, actor, filters),
        findings_by_department(snapshot, actor, filters),
        year_over_year(rows, snapshot.names, series),
    ]
    for chart in result:
        chart.computed_at = snapshot.at
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
