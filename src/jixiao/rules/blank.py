"""A 项目支出绩效自评表 filled in online: the blank form, and the cells a spreadsheet would compute.

A department that fills its form in the web app starts from the national form
(财预〔2020〕10号 附件1): the funds rows, and one row under every standard
二级指标, with the 预算执行率 weight of the profile that applies. What an Excel
form computes by formula (the execution rate, the total, the grade) is
derived here the same way, so only what a person states is left to check.
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.model import Indicator, ProjectForm
from jixiao.rules.profile import Profile
from jixiao.rules.scoring import grade_for

# 财预〔2020〕10号 附件1: the 二级指标 printed under each 一级指标
STANDARD_INDICATORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("产出指标", ("数量指标", "质量指标", "时效指标", "成本指标")),
    ("效益指标", ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")),
    ("满意度指标", ("服务对象满意度指标",)),
)
_RATE_PLACES = Decimal("0.0001")


def blank_project_form(project: str, department: str, year: int, profile: Profile) -> ProjectForm:
    """The national form with nothing stated but its names and the 预算执行率 weight."""
    weights = profile.get("level1_weights") or {}
    form = ProjectForm(line=1, year=year, title="项目支出绩效自评表", project=project, department=department)
    execution = weights.get("预算执行率")
    form.funds.weight = Decimal(str(execution)) if execution is not None else None
    form.indicators = [
        Indicator(level1=level1, level2=level2, name=None, line=1)
        for level1, level2s in STANDARD_INDICATORS
        for level2 in level2s
    ]
    return form


def new_row(form: ProjectForm, after: int | None) -> int:
    """Insert an empty indicator row under the same 一级/二级指标 as row ``after`` (at the end when None)."""
    if after is None or not 0 <= after < len(form.indicators):
        last = form.indicators[-1] if form.indicators else None
        position = len(form.indicators)
    else:
        last = form.indicators[after]
        position = after + 1
    row = Indicator(
        level1=last.level1 if last else "产出指标", level2=last.level2 if last else "数量指标", name=None, line=1
    )
    form.indicators.insert(position, row)
    return position


def derive_cells(form: ProjectForm, profile: Profile) -> None:
    """The execution rate, the total score and the grade, as the form's formulas would give them.

    A total is given only when every weighted row has its score, so a half-filled form shows no
    total rather than a wrong one.
    """
    funds = form.funds.total
    if funds.budget and funds.executed is not None:
        form.funds.rate = (funds.executed / funds.budget).quantize(_RATE_PLACES)
    else:
        form.funds.rate = None
    scores = [form.funds.score] if form.funds.weight is not None else []
    scores += [row.score for row in form.indicators if row.weight is not None]
    if scores and all(score is not None for score in scores):
        form.total_score = sum((score for score in scores if score is not None), Decimal(0))
        form.grade = grade_for(form.total_score, profile)
    else:
        form.total_score = None
        form.grade = None
