"""Funds checks: the 项目资金 block of a project form (and of a 部门整体 form in the project layout).

One small pure function per CHECKS.md id. The numbers come from
:mod:`jixiao.rules.scoring`, so a finding and ``jixiao explain`` always agree.
A framework-layout 部门整体 form has no such block and is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import lru_cache
from typing import Final

from jixiao import vocab
from jixiao.checks.registry import Context, Draft, check
from jixiao.model import Amounts, DepartmentForm, Form, ProjectForm, ProjectFunds, ReportForm, project_layout
from jixiao.rules.scoring import (
    CANDIDATE_LABELS,
    ZERO,
    execution_rate,
    execution_score,
    execution_score_candidates,
    fmt,
    fmt_rate,
    round2,
    within,
)

KINDS: Final = ("project", "department")
_RATE_TOLERANCE: Final = Decimal("0.005")
_SUM_TOLERANCE: Final = Decimal("0.01")
_COLUMNS: Final[dict[str, str]] = {"initial": "年初预算数", "budget": "全年预算数", "executed": "全年执行数"}
_ROW_NAMES: Final[dict[str, str]] = {
    "fiscal": "财政拨款",
    "carryover": "上年结转",
    "other": "其他资金",
    "central": "中央财政资金",
    "local": "地方财政资金",
}

# a sentence that gives a reason, and one that is about money being spent
_REASON: Final = re.compile(
    r"原因|由于|因为|导致|致使|造成|受[^。；;]{0,12}影响|尚未|未能|未及时|未到位|滞后|延迟|延期|推迟|跨年|"
    r"结转|结余|未支付|未拨付|未使用|未执行|未完成支付|暂缓|取消|疫情"
)
_SPENDING: Final = re.compile(r"执行|支出|支付|拨付|资金|预算|经费|使用")
# a sentence that explains a change of the budget during the year (labels such as 调整后预算数 are not one)
_ADJUSTMENT: Final = re.compile(
    r"调整|调减|调增|调剂|追加|追减|压减|核减|削减|缩减|收回|统筹|调出|调入|减少预算|预算减少|增加预算|预算增加"
)
_ADJUSTMENT_LABELS: Final = re.compile(r"调整后(?:的)?(?:全年)?预算数?|预算调整率|调整率|预算调整数")
_BUDGET_WORD: Final = re.compile(r"预算|资金|经费|指标|额度|拨款")
# row and column labels that contain those words without giving a reason
_LABELS: Final = re.compile(
    r"其中|上年结转(?:资金)?|结转结余(?:变动)?率|偏差原因(?:分析)?(?:及改进措施)?|未完成原因(?:分析)?(?:和改进措施)?|"
    r"全年执行数|全年预算数|年初预算数"
)
_SENTENCE_BREAK: Final = re.compile(r"[。；;！!？?\t\n]")
_NAME_SUFFIX: Final = re.compile(r"(专项资金|专项经费|补助资金|工作经费|项目资金|项目|专项|资金|经费)+$")


# ---- helpers ---------------------------------------------------------------------------------------


def _funds_form(form: Form) -> ProjectForm | DepartmentForm | None:
    """The form when it carries a project-layout funds block with something in it."""
    found = project_layout(form)
    if found is not None:
        funds = found.funds
        rows = [funds.total, funds.fiscal, funds.carryover, funds.other, funds.central, funds.local]
        if any(row is not None and not row.is_empty() for row in rows) or funds.score is not None:
            return found
    return None


def _line(form: ProjectForm | DepartmentForm, *keys: str) -> int:
    """The source line of the first field path that has provenance, else the form's first line."""
    for key in keys:
        loc = form.provenance.get(key)
        if loc is not None:
            return loc.line
    return form.line


def _money(value: Decimal | None) -> str:
    return f"{fmt(value)}万元"


def _name(form: ProjectForm | DepartmentForm) -> str:
    if isinstance(form, ProjectForm) and form.project:
        return f"“{form.project}”"
    return f"“{form.department}”" if form.department else "本表"


def _rate_tolerance(ctx: Context) -> Decimal:
    value = ctx.profile.get("execution_rate_tolerance")
    return Decimal(str(value)) if value is not None else _RATE_TOLERANCE


def _score_known(ctx: Context) -> bool:
    return ctx.profile.get("execution_score_known", True) is not False


def _name_core(name: str | None) -> str | None:
    """A project name without its generic tail (``困难帮扶专项资金`` → ``困难帮扶``), for finding it in prose."""
    if not name:
        return None
    key = re.sub(r"[\s“”\"'‘’「」]", "", vocab.nfkc(name))
    core = _NAME_SUFFIX.sub("", key)
    return core if len(core) >= 2 else (key if len(key) >= 2 else None)


def _range(start: int, end: int | None, total: int) -> range:
    return range(max(start, 1), min(end if end is not None else total, total) + 1)


def _span(form: Form, forms: list[Form], total: int) -> range:
    """The lines of a form: to its end line, or else up to the next form's first line."""
    end = form.end_line
    if end is None:
        later = [other.line for other in forms if other.line > form.line]
        end = min(later) - 1 if later else total
    return _range(form.line, end, total)


def _sentences(lines: list[str], numbers: Iterable[int]) -> Iterator[str]:
    for number in numbers:
        yield from _line_sentences(lines[number - 1])


@lru_cache(maxsize=8192)
def _line_sentences(line: str) -> tuple[str, ...]:
    """The sentences of a source line, NFKC-folded: read once, however many forms look for reasons."""
    pieces = (piece.strip() for piece in _SENTENCE_BREAK.split(vocab.nfkc(line)))
    return tuple(piece for piece in pieces if piece)


def _related_text(form: ProjectForm | DepartmentForm, ctx: Context) -> Iterator[str]:
    """Sentences that may explain this form's funds: its own rows, and the narrative of the same file.

    The narrative is every report form, a 部门整体 form's narrative cells, and any
    prose outside the forms. A sentence outside the form counts when the narrative
    is about this project only (its title or only project names it), or when the
    sentence itself names the project; a form without a project name (部门整体)
    takes every narrative sentence.
    """
    lines = ctx.lines
    total = len(lines)
    if not total:
        return
    own = _span(form, ctx.forms, total)
    yield from _sentences(lines, own)
    core = _name_core(form.project) if isinstance(form, ProjectForm) else None
    covered: set[int] = set(own)
    for other in ctx.forms:
        if other is form or isinstance(other, ReportForm):
            continue
        span = set(_span(other, ctx.forms, total))
        if isinstance(other, DepartmentForm) and other.narrative_lines is not None:
            span -= set(_range(*other.narrative_lines, total))
        covered.update(span)
    narrative: list[tuple[range, bool]] = []
    for other in ctx.forms:
        if isinstance(other, ReportForm):
            about = core is None or _report_about(other, core)
            narrative.append((_span(other, ctx.forms, total), about))
        elif isinstance(other, DepartmentForm) and other.narrative_lines is not None and other is not form:
            narrative.append((_range(*other.narrative_lines, total), core is None))
    seen: set[int] = set(covered)
    for numbers, about in narrative:
        fresh = [number for number in numbers if number not in seen]
        seen.update(fresh)
        for sentence in _sentences(lines, fresh):
            if about or (core is not None and core in sentence):
                yield sentence
    loose = [number for number in range(1, total + 1) if number not in seen]
    for sentence in _sentences(lines, loose):
        if core is None or core in sentence:
            yield sentence


def _report_about(report: ReportForm, core: str) -> bool:
    """A narrative about this project alone: its title names it, or it lists only this project."""
    if report.title and core in re.sub(r"\s", "", report.title):
        return True
    names = [re.sub(r"\s", "", project.name) for project in report.projects]
    return len(names) == 1 and core in names[0]


def _explains_low_rate(sentence: str) -> bool:
    if _REASON.search(sentence) is None:
        return False  # taking labels out cannot add a reason
    text = _LABELS.sub("", sentence)
    return bool(_REASON.search(text) and _SPENDING.search(text))


def _explains_adjustment(sentence: str) -> bool:
    if _ADJUSTMENT.search(sentence) is None:
        return False  # taking labels out cannot add an adjustment word
    text = _LABELS.sub("", _ADJUSTMENT_LABELS.sub("", sentence))
    return bool(_ADJUSTMENT.search(text) and _BUDGET_WORD.search(text))


# ---- checks ----------------------------------------------------------------------------------------


@check("funds.rate_mismatch", "error", kinds=KINDS)
def rate_mismatch(form: Form, ctx: Context) -> Iterator[Draft]:
    """The stated 执行率 differs from 全年执行数 ÷ 全年预算数 by more than 0.005."""
    found = _funds_form(form)
    if found is None:
        return
    funds = found.funds
    rate, stated = execution_rate(funds), funds.rate
    if rate is None or stated is None or abs(rate - stated) <= _rate_tolerance(ctx):
        return
    yield Draft(
        field="funds.rate",
        line=_line(found, "funds.rate", "funds.total.executed"),
        message=(
            f"{_name(found)}执行率应为 全年执行数 {_money(funds.total.executed)} ÷ 全年预算数 "
            f"{_money(funds.total.budget)} = {fmt_rate(rate)}，表中填 {fmt_rate(funds.rate)}"
        ),
        expected=round2(rate, 4),
        found=funds.rate,
    )


def _matching_candidates(funds: ProjectFunds, ctx: Context) -> list[str]:
    stated = funds.score
    if stated is None:
        return []
    candidates = execution_score_candidates(funds, ctx.profile)
    return [key for key, value in candidates.items() if within(value, stated)]


@check("funds.score_mismatch", "error", kinds=KINDS)
def score_mismatch(form: Form, ctx: Context) -> Iterator[Draft]:
    """The stated funds 得分 differs from the profile's execution score."""
    found = _funds_form(form)
    if found is None or not _score_known(ctx):
        return
    funds = found.funds
    stated = funds.score
    explanation = execution_score(funds, ctx.profile)
    expected = explanation.result
    if stated is None or not isinstance(expected, Decimal) or within(expected, stated):
        return
    rate = execution_rate(funds)
    weight = explanation.parameters.get("分值")
    basis = f"执行率 {fmt_rate(rate)}" if rate is not None else "全年预算数为 0"
    matches = [key for key in _matching_candidates(funds, ctx) if key != "proportional"]
    hint = f"；表中分值与“{CANDIDATE_LABELS[matches[0]]}”计算的结果一致" if matches else ""
    yield Draft(
        field="funds.score",
        line=_line(found, "funds.score", "funds.total.executed"),
        message=(
            f"{_name(found)}预算执行：{basis}（执行 {_money(funds.total.executed)} / 预算 "
            f"{_money(funds.total.budget)}），按“{explanation.rule}”应得 {fmt(expected)} 分"
            f"（分值 {fmt(weight)} 分），表中填 {fmt(funds.score)} 分{hint}"
        ),
        expected=expected,
        found=funds.score,
    )


@check("funds.score_rule_unknown", "warning", kinds=KINDS)
def score_rule_unknown(form: Form, ctx: Context) -> Iterator[Draft]:
    """In a profile with no known rule, the score is not the proportional one; name the candidate that gives it."""
    found = _funds_form(form)
    if found is None or _score_known(ctx):
        return
    funds = found.funds
    stated = funds.score
    candidates = execution_score_candidates(funds, ctx.profile)
    proportional = candidates.get("proportional")
    if stated is None or proportional is None or within(proportional, stated):
        return
    listed = "，".join(f"{CANDIDATE_LABELS[key]} {fmt(value)} 分" for key, value in candidates.items())
    matches = _matching_candidates(funds, ctx)
    verdict = (
        f"表中 {fmt(funds.score)} 分与“{'、'.join(CANDIDATE_LABELS[key] for key in matches)}”一致，请确认所用规则"
        if matches
        else f"表中 {fmt(funds.score)} 分与各候选规则均不一致，请说明计分依据"
    )
    yield Draft(
        field="funds.score",
        line=_line(found, "funds.score", "funds.total.executed"),
        message=f"{_name(found)}预算执行得分规则未明确：{listed}；{verdict}",
        expected=proportional,
        found=funds.score,
    )


@check("funds.denominator_initial", "warning", kinds=KINDS)
def denominator_initial(form: Form, ctx: Context) -> Iterator[Draft]:
    """The stated rate or score matches 执行数 ÷ 年初预算数 rather than ÷ 全年预算数."""
    found = _funds_form(form)
    if found is None:
        return
    funds = found.funds
    initial, budget, executed = funds.total.initial, funds.total.budget, funds.total.executed
    if initial is None or executed is None or initial <= 0 or budget is None or budget <= 0:
        return
    if abs(initial - budget) <= _SUM_TOLERANCE:
        return
    on_initial, on_budget = executed / initial, executed / budget
    margin = _rate_tolerance(ctx)
    line = _line(found, "funds.rate", "funds.score", "funds.total.initial")
    if funds.rate is not None and abs(on_initial - funds.rate) <= margin and abs(on_budget - funds.rate) > margin:
        yield Draft(
            field="funds.rate",
            line=line,
            message=(
                f"{_name(found)}执行率 {fmt_rate(funds.rate)} 是以年初预算数 {_money(initial)} 为分母算出的；"
                f"应以全年预算数 {_money(budget)} 为分母，执行率为 {fmt_rate(on_budget)}"
            ),
            expected=round2(on_budget, 4),
            found=funds.rate,
        )
        return
    if funds.score is None:
        return
    candidates = execution_score_candidates(funds, ctx.profile)
    on_budget_keys = ("proportional", "tiered") if not _score_known(ctx) else ()
    known = execution_score(funds, ctx.profile).result
    matches_budget = (isinstance(known, Decimal) and within(known, funds.score)) or any(
        key in candidates and within(candidates[key], funds.score) for key in on_budget_keys
    )
    initial_keys = ("initial", "tiered_initial") if not _score_known(ctx) else _known_initial_keys(ctx)
    matches = [key for key in initial_keys if key in candidates and within(candidates[key], funds.score)]
    if matches_budget or not matches:
        return
    yield Draft(
        field="funds.score",
        line=_line(found, "funds.score", "funds.total.initial"),
        message=(
            f"{_name(found)}预算执行得分 {fmt(funds.score)} 分与以年初预算数 {_money(initial)} 为分母"
            f"（执行率 {fmt_rate(on_initial)}）计算的结果一致；应以全年预算数 {_money(budget)} 为分母，"
            f"执行率为 {fmt_rate(on_budget)}"
        ),
        expected=known if isinstance(known, Decimal) else candidates.get("proportional"),
        found=funds.score,
    )


def _known_initial_keys(ctx: Context) -> tuple[str, ...]:
    """In a profile with a known rule, only that rule applied to 年初预算数 is a candidate."""
    raw = ctx.profile.get("execution_score") or {}
    return ("tiered_initial",) if isinstance(raw, dict) and raw.get("method") == "tiered" else ("initial",)


@check("funds.overspent", "error", kinds=KINDS)
def overspent(form: Form, ctx: Context) -> Iterator[Draft]:
    """全年执行数 > 全年预算数 (a warning in profiles that allow it)."""
    found = _funds_form(form)
    if found is None:
        return
    total = found.funds.total
    if total.budget is None or total.executed is None or total.budget <= 0:
        return
    if total.executed - total.budget <= _SUM_TOLERANCE / 2:
        return
    allowed = bool(ctx.profile.get("overspend_allowed", False))
    yield Draft(
        field="funds.total.executed",
        line=_line(found, "funds.total.executed", "funds.total.budget"),
        message=(
            f"{_name(found)}全年执行数 {_money(total.executed)} 超过全年预算数 {_money(total.budget)}"
            f"（执行率 {fmt_rate(total.executed / total.budget)}），"
            + ("本地区允许超过 100%，请说明超支来源" if allowed else "执行数不应大于预算数，请核实")
        ),
        expected=total.budget,
        found=total.executed,
        severity="warning" if allowed else None,
    )


@check("funds.zero_budget", "error", kinds=KINDS)
def zero_budget(form: Form, ctx: Context) -> Iterator[Draft]:
    """全年预算数 is 0 or blank while money was spent or a score given."""
    found = _funds_form(form)
    if found is None:
        return
    funds = found.funds
    budget, executed = funds.total.budget, funds.total.executed
    if budget is not None and budget != 0:
        return
    spent = executed is not None and executed > 0
    scored = funds.score is not None and funds.score > 0
    if scored and not spent and budget == 0 and ctx.profile.get("zero_budget_full", False):
        scored = False  # A = B = 0 is 100% in this profile
    if not (spent or scored):
        return
    stated = "为 0" if budget == 0 else "未填写"
    what = f"却有执行数 {_money(executed)}" if spent else f"却给了 {fmt(funds.score)} 分"
    yield Draft(
        field="funds.total.budget",
        line=_line(found, "funds.total.budget", "funds.total.executed", "funds.score"),
        message=f"{_name(found)}全年预算数{stated}，{what}；无预算时执行率按 0 计、得分为 0",
        expected=ZERO if scored and not spent else None,
        found=budget,
    )


def _column_parts(funds: ProjectFunds, column: str) -> list[tuple[list[str], Decimal]]:
    """The ways the source rows add up in one column: 财政拨款 + 上年结转 + 其他, or 中央 + 地方 + 其他."""
    out: list[tuple[list[str], Decimal]] = []
    layouts = (("fiscal", "carryover", "other"), ("central", "local", "other"))
    for names in layouts:
        values: list[tuple[str, Decimal]] = []
        for name in names:
            row: Amounts | None = funds.row(name)
            value = getattr(row, column) if row is not None else None
            if value is not None:
                values.append((name, value))
        if any(name != "other" for name, _ in values):
            out.append(([name for name, _ in values], sum((value for _, value in values), ZERO)))
    return out


@check("funds.sources_sum", "error", kinds=KINDS)
def sources_sum(form: Form, ctx: Context) -> Iterator[Draft]:
    """In any column, 财政拨款 + 上年结转 + 其他资金 differs from 年度资金总额 (a total row left at 0 included)."""
    found = _funds_form(form)
    if found is None:
        return
    funds = found.funds
    differing: list[tuple[str, Decimal, Decimal, str]] = []
    for column, label in _COLUMNS.items():
        total = getattr(funds.total, column)
        if total is None:
            continue
        ways = _column_parts(funds, column)
        if not ways or any(abs(total - value) <= _SUM_TOLERANCE for _, value in ways):
            continue
        names, value = ways[0]
        parts = " + ".join(f"{_ROW_NAMES[name]} {fmt(getattr(funds.row(name), column))}" for name in names)
        differing.append(
            (column, total, value, f"{label}：年度资金总额 {_money(total)}，各来源合计 {parts} = {_money(value)}")
        )
    if not differing:
        return
    # one finding per form: a total row left at 0 is one defect, however many columns it spans
    column, total, value, _ = next((entry for entry in differing if entry[0] == "budget"), differing[0])
    yield Draft(
        field=f"funds.total.{column}",
        line=_line(found, f"funds.total.{column}", f"funds.fiscal.{column}"),
        message=f"{_name(found)}年度资金总额与各来源之和不符——" + "；".join(entry[3] for entry in differing),
        expected=value,
        found=total,
    )


@check("funds.adjusted_budget", "warning", kinds=KINDS)
def adjusted_budget(form: Form, ctx: Context) -> Iterator[Draft]:
    """全年预算数 differs from 年初预算数 by 20% or more and nothing explains the change."""
    found = _funds_form(form)
    if found is None:
        return
    total = found.funds.total
    initial, budget = total.initial, total.budget
    if initial is None or budget is None or initial <= 0:
        return
    threshold = Decimal(str(ctx.profile.get("adjusted_budget_ratio", 0.2)))
    change = (budget - initial) / initial
    if abs(change) < threshold:
        return
    if any(_explains_adjustment(sentence) for sentence in _related_text(found, ctx)):
        return
    direction = "调增" if change > 0 else "调减"
    executed = total.executed
    extra = f"；按年初预算数计算的执行率为 {fmt_rate(executed / initial)}" if executed is not None else ""
    yield Draft(
        field="funds.total.budget",
        line=_line(found, "funds.total.budget", "funds.total.initial"),
        message=(
            f"{_name(found)}全年预算数由年初 {_money(initial)} {direction}为 {_money(budget)}"
            f"（{'+' if change > 0 else ''}{fmt(round2(change * 100, 1))}%），表内和报告中均未说明调整原因{extra}"
        ),
        expected=initial,
        found=budget,
    )


@check("funds.low_rate_no_reason", "warning", kinds=KINDS)
def low_rate_no_reason(form: Form, ctx: Context) -> Iterator[Draft]:
    """Execution rate below 90% with no reason in the form or the report."""
    found = _funds_form(form)
    if found is None:
        return
    funds = found.funds
    rate = execution_rate(funds)
    if rate is None:
        rate = funds.rate
    threshold = Decimal(str(ctx.profile.get("low_rate_threshold", 0.9)))
    if rate is None or rate >= threshold:
        return
    if any(_explains_low_rate(sentence) for sentence in _related_text(found, ctx)):
        return
    yield Draft(
        field="funds.rate",
        line=_line(found, "funds.rate", "funds.total.executed"),
        message=(
            f"{_name(found)}预算执行率 {fmt_rate(rate)}，低于 {fmt_rate(threshold)}，"
            "但自评表和报告中均未说明执行率偏低的原因"
        ),
        expected=threshold,
        found=round2(rate, 4),
    )
