"""Clean synthetic documents: forms whose every figure obeys the rules, so review finds nothing.

A :class:`Build` holds one document while it is made: the forms (a narrative
report first, then project forms, a 部门整体 form, sometimes a 部门决算说明),
the numbers behind the prose, and the defects planted so far. Scores are
computed with :mod:`jixiao.rules.scoring` under the profile the unit's place
name selects, so a clean form states exactly what the rules give.
``finish`` derives the report's figures from the final forms (a defect planted
in a project's funds shows in the report as it would in a real one) and
writes the prose that goes beside the forms.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from jixiao.model import (
    Amounts,
    DepartmentForm,
    DepartmentFunds,
    Document,
    Form,
    Goals,
    Indicator,
    ProjectForm,
    ProjectFunds,
    ReportBudget,
    ReportForm,
    ReportProject,
    Subtotal,
)
from jixiao.render.forms.narrative import item_name
from jixiao.rules.profile import Profile, load_profile, profile_name_for
from jixiao.rules.scoring import execution_score, grade_for, indicator_score, quantity_pair, target_met
from jixiao.synth import catalog
from jixiao.synth.catalog import Archetype, Tpl, UnitType
from jixiao.synth.spec import Expected, Sample, TextLayout, money, percent, plain, q2, q4

D = Decimal
ZERO = D(0)
ReportKind = Literal["department", "single"]

LEVEL1_NAMES = {"产出": "产出指标", "效益": "效益指标", "满意度": "满意度指标"}
QUAL_TARGETS = ("明显改善", "有效提升", "持续发挥作用", "稳步提高", "进一步完善")
TIER_MET = "达成年度指标"
TIER_MET_ANHUI = "达成预期指标"
TIER_PARTIAL = "部分达成年度指标并具有一定效果"
# a deviation note names no reason word (尚未, 滞后 …) so that it never explains a low execution rate
CAUSES = (
    "部分服务对象申报材料不齐全",
    "项目点位分散、组织难度较大",
    "工学矛盾使部分人员无法参加",
    "施工期间遇持续降雨",
    "部分乡镇基础数据不够准确",
    "前期摸底的需求数量偏大",
)
FIXES = (
    "加强前期调研和需求摸底",
    "建立月度调度和通报机制",
    "优化组织方式、分批实施",
    "强化与乡镇的沟通对接",
    "科学合理设定年度指标值",
    "完善项目实施方案",
)
LOW_RATE_REASONS = (
    "受项目实施进度影响，部分资金尚未支付，预算执行率未达到预期。",
    "由于部分工程尚未完成结算，资金未能全部拨付。",
)
ADJUSTMENT_REASONS = ("年中根据实际需要追加预算{amount}万元。", "年中按规定调减预算{amount}万元。")


def _split_weight(total: Decimal, parts: int, rng: random.Random) -> list[Decimal]:
    """Integer weights ≥ 2 that add up to ``total``, multiples of 5 where they fit."""
    whole = int(total)
    if parts <= 0:
        return []
    if whole % 5 == 0 and whole // 5 >= parts:
        units = [1] * parts
        for _ in range(whole // 5 - parts):
            units[rng.randrange(parts)] += 1
        return [D(unit * 5) for unit in units]
    base = [2] * parts
    for _ in range(whole - 2 * parts):
        base[rng.randrange(parts)] += 1
    return [D(value) for value in base]


def _nice(value: int) -> int:
    """A target as units write it: round hundreds and tens for large counts."""
    if value >= 10000:
        return round(value, -3)
    if value >= 1000:
        return round(value, -2)
    if value >= 100:
        return round(value, -1)
    return value


@dataclass(slots=True)
class Facts:
    """The numbers behind the clean prose (万元 unless said), kept so a defect can alter one."""

    unit_initial: Decimal = ZERO
    unit_adjusted: Decimal = ZERO
    unit_executed: Decimal = ZERO
    basic: Decimal = ZERO
    project_spend: Decimal = ZERO
    personnel: Decimal = ZERO
    public: Decimal = ZERO
    income_fiscal: Decimal = ZERO
    income_other: Decimal = ZERO
    three_public_last: Decimal = ZERO
    three_public_parts: list[Decimal] = field(default_factory=list)  # 出国(境), 公务用车, 公务接待
    three_public_total: Decimal | None = None  # the total as written, when a defect makes it differ
    structure_total: Decimal | None = None
    accounts_spend: Decimal | None = None
    basic_first: bool = False
    change_amount: Decimal | None = None
    change_percent: Decimal | None = None


@dataclass(slots=True)
class Build:
    """One document while it is being made and spoilt."""

    rng: random.Random
    stem: str
    profile_name: str
    year: int
    unit: str
    unit_type: UnitType
    kind: ReportKind
    profile: Profile = field(init=False)
    forms: list[Form] = field(default_factory=list)
    report: int = 0
    projects: list[int] = field(default_factory=list)
    dept: int | None = None
    accounts: int | None = None
    archetypes: dict[int, Archetype] = field(default_factory=dict)
    goal_sentences: dict[int, list[str]] = field(default_factory=dict)
    facts: Facts = field(default_factory=Facts)
    planted: dict[int, list[str]] = field(default_factory=dict)
    overrides: dict[str, Any] = field(default_factory=dict)
    analysis: dict[str, Decimal] = field(default_factory=dict)  # 部门整体 narrative: group → stated score
    analysis_plain: bool = False  # the 部门整体 narrative says nothing of problems or measures
    layout: TextLayout = field(default_factory=TextLayout)
    expected: list[Expected] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    text_expected: list[Expected] = field(default_factory=list)
    notes: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.profile = load_profile(self.profile_name, self.year)

    # ---- shared facts -----------------------------------------------------------------------------

    @property
    def tier_met(self) -> str:
        return TIER_MET_ANHUI if self.profile_name == "anhui" else TIER_MET

    def split(self) -> dict[str, Decimal]:
        """The level-1 weights this profile expects (预算执行率 first)."""
        raw = self.profile.get("level1_weights") or {}
        found = {str(key): D(str(value)) for key, value in raw.items()}
        if not found:  # a profile that leaves the split to the form (Guizhou before 2020)
            choice = self.rng.choice(((10, 40, 40, 10), (10, 50, 30, 10), (10, 55, 25, 10)))
            found = dict(zip(("预算执行率", "产出指标", "效益指标", "满意度指标"), map(D, choice), strict=True))
        return found

    def note(self, name: str, partial: bool = False) -> str:
        """A deviation note naming the row, different on every row of the document."""
        for _ in range(20):
            cause, fix = self.rng.choice(CAUSES), self.rng.choice(FIXES)
            lead = f"{name}仍有提升空间" if partial else f"{name}未达到年度指标值"
            text = f"{lead}，主要是{cause}，下一步将{fix}。"
            if text not in self.notes:
                self.notes.add(text)
                return text
        return f"{name}存在偏差，下一步将{self.rng.choice(FIXES)}。"

    # ---- indicator rows ---------------------------------------------------------------------------

    def indicator(self, tpl: Tpl, level1: str, weight: Decimal, outcome: str = "met") -> Indicator:
        """One row of the indicator table, scored by the profile's rules."""
        rng = self.rng
        row = Indicator(level1=level1, level2=tpl.level2, name=tpl.name, line=0, weight=weight)
        kind, year = tpl.kind, self.year
        if kind == "qual":
            row.target = rng.choice(QUAL_TARGETS)
            if outcome == "partial":
                row.actual = TIER_PARTIAL
                row.score = q2(weight * D(str(rng.uniform(0.62, 0.78))))
            else:
                row.actual = self.tier_met
                row.score = weight if rng.random() < 0.6 else q2(weight * D(str(rng.uniform(0.85, 0.98))))
            if row.score < weight:
                row.note = self.note(tpl.name, partial=True)
            return row
        if kind == "date":
            month = rng.choice((10, 11, 12))
            row.target = f"{year}年{month}月底前完成"
            row.actual = f"{year}年{month - rng.randint(0, 2)}月完成"
            row.score = weight
            return row
        row.target, row.actual = self._quantities(tpl, outcome)
        self.score_row(row)
        return row

    def _quantities(self, tpl: Tpl, outcome: str) -> tuple[str, str]:
        rng, unit = self.rng, tpl.unit
        kind = tpl.kind
        if kind == "count":
            small = unit.startswith("万")
            t = rng.randint(tpl.low, tpl.high)
            t = t if small else _nice(t)
            style = rng.choice(("≥{}", "不少于{}", "{}以上", "{}"))
            target = style.format(f"{t}{unit}")
            if outcome == "missed":
                a = D(str(round(t * rng.uniform(0.75, 0.95), 1 if small else 0)))
                a = min(a, D(t) - (D("0.1") if small else 1))
            elif small:
                a = D(str(round(t * rng.uniform(1.0, 1.15), 1)))
            else:
                a = D(t + rng.randint(0, max(0, int(t * 0.15))))
            return target, f"{plain(a)}{unit}"
        if kind in ("pct", "satisfaction"):
            t = rng.randint(tpl.low, tpl.high)
            style = "≥{}%" if kind == "satisfaction" else rng.choice(("≥{}%", "不低于{}%", "{}%以上"))
            target = style.format(t)
            if outcome == "missed":
                a = D(str(round(t - rng.uniform(1, 6), 1)))
            else:
                ceiling = min(99.8, t * 1.18)
                low = t + 0.3 if kind == "satisfaction" else t
                a = D(str(round(rng.uniform(low, max(low, ceiling)), 1)))
                a = max(a, D(t) + (D("0.3") if kind == "satisfaction" else 0))
            return target, f"{plain(a)}%"
        if kind == "pct_eq":
            return rng.choice(("=100%", "100%", "达到100%")), "100%"
        if kind == "unit_cost":
            t = _nice(rng.randint(tpl.low, tpl.high))
            style = rng.choice(("≤{}", "不高于{}"))
            factor = D(str(round(rng.uniform(0.82, 0.99), 3)))
            a = q2(D(t) * factor) if t < 20 else D(int(t * factor))
            return style.format(f"{t}{unit}"), f"{plain(a)}{unit}"
        if kind == "days":
            t = rng.randint(tpl.low, tpl.high)
            style = rng.choice(("≤{}", "不超过{}", "控制在{}以内"))
            days = max(1, t - rng.randint(1, max(1, t // 4)))
            return style.format(f"{t}{unit}"), f"{days}{unit}"
        # reverse: a count that should stay low (事故, 死亡)
        t = rng.randint(tpl.low, tpl.high)
        target = f"≤{t}{unit}" if t > 0 else rng.choice((f"=0{unit}", f"0{unit}"))
        return target, f"0{unit}"

    def score_row(self, row: Indicator) -> None:
        """Score a quantitative row by the profile's formula; a missed target gets a note."""
        explanation = indicator_score(row, self.profile)
        assert explanation is not None and isinstance(explanation.result, Decimal), row
        row.score = explanation.result
        pair = quantity_pair(row)
        missed = pair is not None and not target_met(pair)
        if (missed or row.score < (row.weight or ZERO)) and row.note is None:
            row.note = self.note(row.name or "")

    # ---- project forms ----------------------------------------------------------------------------

    def funds(self, weight: Decimal, mode: str, budget: Decimal | None = None) -> tuple[ProjectFunds, list[str]]:
        """A funds block: sources that add up, the stated rate and the profile's score; the sentences
        the form must carry to explain a low rate or a large adjustment."""
        rng = self.rng
        a = budget if budget is not None else q2(D(str(rng.uniform(8, 600))))
        if mode == "full":
            rate = D(1)
        elif mode == "low":
            rate = D(str(round(rng.uniform(0.62, 0.88), 4)))
        else:
            rate = D(str(round(rng.uniform(0.9, 0.995), 4)))
        b = q2(a * rate)
        sentences: list[str] = []
        roll = rng.random()
        if roll < 0.65:
            initial = a
        elif roll < 0.9:
            initial = q2(a * D(str(round(rng.uniform(0.88, 1.12), 3))))
        else:
            initial = q2(
                a / D(str(round(rng.uniform(1.25, 1.4) if rng.random() < 0.5 else rng.uniform(0.65, 0.78), 3)))
            )
            template = ADJUSTMENT_REASONS[0] if a > initial else ADJUSTMENT_REASONS[1]
            sentences.append(template.format(amount=money(abs(a - initial))))
        if mode == "low":
            sentences.append(rng.choice(LOW_RATE_REASONS))
        funds = ProjectFunds(weight=weight)
        funds.total = Amounts(initial, a, b)
        shape = rng.random()
        carry_share = D(str(round(rng.uniform(0.05, 0.3), 2))) if shape > 0.55 else None
        other_share = D(str(round(rng.uniform(0.05, 0.2), 2))) if shape > 0.8 else None
        blank = rng.random() < 0.4
        carry = (
            Amounts()
            if carry_share is None and blank
            else Amounts(*(q2(v * (carry_share or ZERO)) for v in (initial, a, b)))
        )
        other = (
            Amounts()
            if other_share is None and blank
            else Amounts(*(q2(v * (other_share or ZERO)) for v in (initial, a, b)))
        )
        fiscal = Amounts(
            *(
                total - (getattr(carry, column) or ZERO) - (getattr(other, column) or ZERO)
                for column, total in (("initial", initial), ("budget", a), ("executed", b))
            )
        )
        funds.fiscal, funds.carryover, funds.other = fiscal, carry, other
        self.restate_funds(funds)
        return funds, sentences

    def restate_funds(self, funds: ProjectFunds) -> None:
        """The stated rate and score as the profile computes them from the amounts."""
        total = funds.total
        funds.rate = q4(total.executed / total.budget) if total.budget and total.executed is not None else None
        result = execution_score(funds, self.profile).result
        funds.score = result if isinstance(result, Decimal) else None

    def indicators(self, archetype: Archetype, split: dict[str, Decimal], quality: float = 0.15) -> list[Indicator]:
        """The indicator table: outputs, benefits and satisfaction under the profile's split."""
        rng = self.rng
        rows: list[Indicator] = []
        groups: list[tuple[str, tuple[Tpl, ...]]] = [("产出指标", archetype.outputs), ("效益指标", archetype.benefits)]
        if "满意度指标" in split:
            groups.append(("满意度指标", (archetype.satisfaction,)))
        for level1, templates in groups:
            weights = _split_weight(split[level1], len(templates), rng)
            for tpl, weight in zip(templates, weights, strict=True):
                outcome = "met"
                roll = rng.random()
                if tpl.kind == "qual" and roll < quality:
                    outcome = "partial"
                elif tpl.kind in ("count", "pct") and roll < quality:
                    outcome = "missed"
                rows.append(self.indicator(tpl, level1, weight, outcome))
        self._two_above_target(rows)
        return rows

    def _two_above_target(self, rows: list[Indicator]) -> None:
        """At least two quantitative actuals differ from their targets (else the form looks copied)."""
        differing = 0
        for row in rows:
            pair = quantity_pair(row)
            if pair is not None and pair.target.value != pair.actual.value:
                differing += 1
        if differing >= 2:
            return
        for row in rows:
            pair = quantity_pair(row)
            if pair is None or pair.target.value != pair.actual.value or pair.direction != "higher":
                continue
            target = pair.target.value
            if pair.target.kind == "count" and pair.actual.unit and not pair.actual.unit.startswith("万"):
                bump = max(D(1), (target * D("0.05")).to_integral_value())
                row.actual = f"{plain(pair.actual.value + bump)}{pair.actual.unit}"
                if pair.actual.value + bump >= target * D("1.2"):  # explained, so not a target set too low
                    row.note = f"{row.name}超额完成，主要是{self.rng.choice(CAUSES)}，下一步将科学合理设定年度指标值。"
            elif pair.target.kind == "percent" and target < D("0.99"):
                row.actual = f"{plain(pair.actual.value * 100 + D('0.5'))}%"
            else:
                continue
            self.score_row(row)
            differing += 1
            if differing >= 2:
                return

    def project_form(self, archetype: Archetype, implementer: str, index: int) -> ProjectForm:
        split = self.split()
        mode = self.rng.choices(("full", "high", "low"), weights=(0.25, 0.6, 0.15))[0]
        funds, sentences = self.funds(split["预算执行率"], mode)
        form = ProjectForm(line=0, year=self.year, title="项目支出绩效自评表", project=archetype.name)
        form.department, form.implementer = self.unit, implementer
        form.funds = funds
        form.indicators = self.indicators(archetype, split)
        if self.rng.random() < 0.8:
            form.level1_weights = {key: value for key, value in split.items() if key != "预算执行率"}
        form.goals = self.goals(archetype, form.indicators, sentences)
        retotal(form, self.profile, grade=self.rng.random() < 0.85)
        self.goal_sentences[index] = sentences
        return form

    def refresh_goals(self, index: int, sentences: list[str] | None = None) -> None:
        """Rewrite a project's 实际完成情况 after its rows changed (and drop or replace its explanations)."""
        form = self._project(index)
        if sentences is not None:
            self.goal_sentences[index] = sentences
        kept = self.goal_sentences.get(index, [])
        form.goals = self.goals(self.archetypes[index], form.indicators, kept)

    def goals(self, archetype: Archetype, rows: list[Indicator], sentences: list[str]) -> Goals:
        counts = [row for row in rows if quantity_pair(row) is not None][:2]
        planned = "、".join(f"{row.name}{row.target}" for row in counts)
        done = "，".join(f"{row.name}{row.actual}" for row in counts)
        expected = f"{archetype.goal}，{planned}。" if planned else f"{archetype.goal}。"
        actual = f"全年{done}，项目按计划组织实施。" if done else "项目按计划组织实施。"
        return Goals(expected=expected, actual=actual + "".join(sentences))

    # ---- the 部门整体 form --------------------------------------------------------------------------

    def department_project_layout(self) -> DepartmentForm:
        """A 部门整体 form filled in the project layout (funds block and 产出/效益/满意度 rows)."""
        split = self.split()
        facts = self.facts
        funds = ProjectFunds(weight=split["预算执行率"])
        funds.total = Amounts(facts.unit_initial, facts.unit_adjusted, facts.unit_executed)
        funds.fiscal = Amounts(facts.unit_initial, facts.unit_adjusted, facts.unit_executed)
        self.restate_funds(funds)
        archetype = Archetype(
            "部门整体履职",
            self.unit_type.duties,
            (
                Tpl("数量指标", "完成年度重点工作任务", "count", "项", 8, 30),
                Tpl("质量指标", "重点工作任务完成质量达标率", "pct", "%", 90, 96),
                Tpl("时效指标", "重点工作按时完成率", "pct", "%", 90, 96),
            ),
            (Tpl("社会效益指标", "部门履职社会效果", "qual"), _sustain()),
            Tpl("服务对象满意度指标", "社会公众满意度", "satisfaction", "%", 85, 95),
        )
        form = DepartmentForm(line=0, layout="project", year=self.year, title="部门整体支出绩效自评表")
        form.department = self.unit
        form.funds = funds
        form.indicators = self.indicators(archetype, split, quality=0.1)
        if self.rng.random() < 0.8:
            form.level1_weights = {key: value for key, value in split.items() if key != "预算执行率"}
        form.goals = Goals(expected=f"{self.unit_type.duties}。", actual="全年重点工作任务按计划完成。")
        retotal(form, self.profile, grade=True)
        return form

    def department_framework(self) -> DepartmentForm:
        """A framework-layout 部门整体 form (投入/过程/产出/效果) with ratios computed from its figures."""
        rng, facts = self.rng, self.facts
        form = DepartmentForm(line=0, layout="framework", year=self.year, title="部门整体支出绩效自评表")
        form.department = self.unit
        carry = q2(facts.unit_initial * D(str(round(rng.uniform(0, 0.05), 3)))) if rng.random() < 0.6 else ZERO
        adjustment = facts.unit_adjusted - facts.unit_initial
        other = ZERO
        if rng.random() < 0.3 and adjustment > 1:
            other = q2(adjustment * D(str(round(rng.uniform(0.1, 0.4), 2))))
            adjustment -= other
        funds = DepartmentFunds(
            carryover=carry,
            initial=facts.unit_initial,
            adjustment=adjustment,
            other_adjustment=other,
            executed=facts.unit_executed,
        )
        funds.balance = carry + facts.unit_initial + adjustment + other - facts.unit_executed
        form.overall_funds = funds
        weights = self._framework_weights()
        for (level1, level2, name, kind), (reference, weight) in zip(catalog.FRAMEWORK, weights, strict=True):
            row = Indicator(level1=level1, level2=level2, name=name, line=0, reference_weight=reference, weight=weight)
            row.basis, row.score = self._framework_row(name, kind, weight, funds)
            form.indicators.append(row)
        restate_subtotals(form)
        form.total_weight = sum((row.weight or ZERO for row in form.indicators), ZERO)
        retotal_framework(form, self.profile)
        return form

    def _framework_weights(self) -> list[tuple[Decimal, Decimal]]:
        """(参考分值, 设定分值) per framework row: groups of 20/40/20/20, rows weighted within them."""
        rng = self.rng
        out: list[tuple[Decimal, Decimal]] = []
        for level1, total in (("投入", 20), ("过程", 40), ("产出", 20), ("效果", 20)):
            count = sum(1 for row in catalog.FRAMEWORK if row[0] == level1)
            reference = _split_weight(D(total), count, rng)
            weight = list(reference) if rng.random() < 0.6 else _split_weight(D(total), count, rng)
            out.extend(zip(reference, weight, strict=True))
        return out

    def _framework_row(self, name: str, kind: str, weight: Decimal, funds: DepartmentFunds) -> tuple[str, Decimal]:
        """计算分析情况 and 评价得分 of one framework row; every ratio is computed from the figures it writes."""
        rng = self.rng
        adjusted = (funds.initial or ZERO) + (funds.adjustment or ZERO) + (funds.other_adjustment or ZERO)
        if kind == "check":
            if rng.random() < 0.25 and weight >= 2:
                return catalog.CHECK_DEDUCTED[name], weight - 1
            return catalog.CHECK_BASIS[name], weight
        if kind == "staff":
            quota = rng.randint(20, 120)
            staff = quota - rng.randint(0, 5)
            return f"在职人员{staff}人，编制数{quota}人，在职人员控制率{percent(D(staff) / D(quota))}", weight
        if kind == "three_public":
            last = self.facts.three_public_last
            now = sum(self.facts.three_public_parts, ZERO)
            change = (now - last) / last
            return f"本年“三公”经费{money(now)}万元，上年{money(last)}万元，“三公”经费变动率{percent(change)}", weight
        if kind == "completion":
            rate = (funds.executed or ZERO) / adjusted
            spent = money(funds.executed or ZERO)
            basis = f"预算执行数{spent}万元，调整后预算数{money(adjusted)}万元，预算完成率{percent(rate)}"
            return basis, weight if rate >= D("0.95") else q2(weight * min(D(1), rate))
        if kind == "adjustment":
            change = abs((funds.adjustment or ZERO) + (funds.other_adjustment or ZERO))
            rate = change / (funds.initial or D(1))
            initial = money(funds.initial or ZERO)
            basis = f"预算调整数{money(change)}万元，年初预算数{initial}万元，预算调整率{percent(rate)}"
            return basis, weight if rate <= D("0.05") else max(ZERO, weight - 1)
        if kind == "balance":
            balance = funds.balance or ZERO
            rate = balance / adjusted
            basis = f"结转结余总额{money(balance)}万元，支出预算数{money(adjusted)}万元，结转结余率{percent(rate)}"
            return basis, weight if rate <= D("0.05") else max(ZERO, weight - 1)
        if kind == "procurement":
            plan = q2(D(str(rng.uniform(30, 300))))
            done = q2(plan * D(str(round(rng.uniform(0.9, 1.0), 3))))
            basis = (
                f"实际政府采购金额{money(done)}万元，政府采购预算数{money(plan)}万元，"
                f"政府采购执行率{percent(done / plan)}"
            )
            return basis, weight
        if kind == "assets":
            total = q2(D(str(rng.uniform(200, 3000))))
            used = q2(total * D(str(round(rng.uniform(0.9, 1.0), 3))))
            basis = (
                f"在用固定资产{money(used)}万元，固定资产总额{money(total)}万元，固定资产利用率{percent(used / total)}"
            )
            return basis, weight
        if kind == "duty":
            planned = rng.randint(8, 30)
            finished = planned - (1 if rng.random() < 0.3 else 0)
            basis = f"年度计划重点工作{planned}项，完成{finished}项"
            return basis, weight if finished == planned else q2(weight * D(finished) / D(planned))
        if kind == "effect":
            if rng.random() < 0.3 and weight >= 2:
                return "部分工作长效机制仍需完善", weight - 1
            return "履职成效明显，服务对象获得感增强", weight
        share = D(str(round(rng.uniform(90, 99), 1)))
        return f"问卷调查满意度{plain(share)}%", weight if share >= 95 else q2(weight * share / 100)

    # ---- finishing ------------------------------------------------------------------------------

    def plant(self, form: int, text: str) -> None:
        self.planted.setdefault(form, []).append(text)

    def expect(self, check: str, form: int | None, field_path: str | None) -> None:
        self.expected.append(Expected(check, form, field_path))

    def finish(self) -> Sample:
        """Fill in the report's figures from the final forms and write the prose beside the forms."""
        self._fill_report()
        if self.accounts is not None:
            self._fill_accounts()
        extras: dict[int, list[str]] = {}
        report_prose = self._report_prose()
        if report_prose:
            extras[self.report] = report_prose
        if self.dept is not None:
            dept = self.forms[self.dept]
            if isinstance(dept, DepartmentForm) and dept.layout == "framework":
                extras[self.dept] = [self._analysis(dept)]
        if self.accounts is not None:
            extras[self.accounts] = self._accounts_prose()
        for index, texts in self.planted.items():
            extras.setdefault(index, []).extend(texts)
        document = Document(source=f"{self.stem}.txt", forms=self.forms, profile=self.profile_name)
        return Sample(
            stem=self.stem,
            profile=self.profile_name,
            document=document,
            extras=extras,
            expected=sorted(set(self.expected)),
            text_expected=sorted(set(self.text_expected)),
            defects=list(self.defects),
            layout=self.layout,
        )

    def _fill_report(self) -> None:
        report = self.forms[self.report]
        assert isinstance(report, ReportForm)
        report.projects = []
        for index in self.projects:
            form = self.forms[index]
            assert isinstance(form, ProjectForm)
            total = form.funds.total
            rate = self.overrides.get(f"report.rate.{index}", form.funds.rate)
            project = ReportProject(
                name=item_name(form.project or ""),
                group="project",
                line=0,
                initial=total.initial,
                budget=total.budget,
                executed=total.executed,
                rate=rate,
            )
            report.projects.append(project)
        if self.kind == "single":
            form = self.forms[self.projects[0]]
            assert isinstance(form, ProjectForm)
            report.total_score = self.overrides.get("report.total_score", form.total_score)
            report.grade = self.overrides.get("report.grade", form.grade)
            report.projects[0].score, report.projects[0].grade = report.total_score, report.grade
            report.budget = ReportBudget()
            return
        facts = self.facts
        report.budget = ReportBudget(
            budget=facts.unit_initial,
            adjusted=facts.unit_adjusted,
            executed=facts.unit_executed,
            rate=q4(facts.unit_executed / facts.unit_adjusted),
        )
        dept = self.forms[self.dept] if self.dept is not None else None
        if isinstance(dept, DepartmentForm):
            report.total_score = self.overrides.get("report.total_score", dept.total_score)
            report.grade = self.overrides.get("report.grade", dept.grade)
        else:
            report.total_score = report.grade = None

    def _fill_accounts(self) -> None:
        assert self.accounts is not None
        accounts = self.forms[self.accounts]
        assert isinstance(accounts, ReportForm)
        accounts.budget = ReportBudget(executed=self.facts.unit_executed)

    def _report_prose(self) -> list[str]:
        """Clean prose a report carries beside its drafted figures: an itemised total and a change."""
        facts, year = self.facts, self.year
        if self.kind == "single":
            form = self.forms[self.projects[0]]
            assert isinstance(form, ProjectForm)
            executed = form.funds.total.executed or ZERO
            first = q2(executed * D(str(round(self.rng.uniform(0.4, 0.7), 2))))
            stated = self.overrides.get("structure.total", executed)
            return [
                f"项目实际支出{money(stated)}万元，其中业务实施经费{money(first)}万元、"
                f"购买服务和物资经费{money(executed - first)}万元。"
            ]
        total = facts.structure_total if facts.structure_total is not None else facts.unit_executed
        out = [
            f"{year}年度全年支出{money(total)}万元，其中基本支出{money(facts.basic)}万元、项目支出{money(facts.project_spend)}万元。"
        ]
        now = sum(facts.three_public_parts, ZERO)
        last = facts.three_public_last
        change = facts.change_amount if facts.change_amount is not None else last - now
        share = facts.change_percent if facts.change_percent is not None else (last - now) / last
        out.append(
            f"{year}年“三公”经费支出{money(now)}万元，较{year - 1}年的{money(last)}万元减少{money(change)}万元，"
            f"下降{percent(share)}。"
        )
        return out

    def _accounts_prose(self) -> list[str]:
        facts = self.facts
        income = facts.income_fiscal + facts.income_other
        parts = facts.three_public_parts
        total = facts.three_public_total if facts.three_public_total is not None else sum(parts, ZERO)
        spend = facts.accounts_spend if facts.accounts_spend is not None else facts.unit_executed
        year, unit = self.year, self.unit
        spending = [
            f"本年支出合计{money(spend)}万元，其中基本支出{money(facts.basic)}万元、项目支出{money(facts.project_spend)}万元。",
            f"“三公”经费支出合计{money(total)}万元，其中因公出国（境）费{money(parts[0])}万元，"
            f"公务用车购置及运行维护费{money(parts[1])}万元，公务接待费{money(parts[2])}万元。",
            f"基本支出{money(facts.basic)}万元，其中人员经费{money(facts.personnel)}万元、公用经费{money(facts.public)}万元。",
        ]
        if facts.basic_first:  # the 基本支出 breakdown right after the total it is part of
            spending = [spending[0], spending[2], spending[1]]
        return [
            "第一部分 部门概况",
            f"{unit}主要负责本行业领域的政策执行、业务管理和公共服务工作。内设办公室、计划财务股和业务股，无下属预算单位。",
            f"第二部分 {year}年度部门决算情况说明",
            f"{year}年度收入总计{money(income)}万元，支出总计{money(facts.unit_executed)}万元。",
            f"本年收入合计{money(income)}万元，其中一般公共预算财政拨款收入{money(facts.income_fiscal)}万元、"
            f"其他收入{money(facts.income_other)}万元。",
            *spending,
            "第三部分 名词解释",
            "财政拨款收入：指本级财政当年拨付的资金。基本支出：指为保障机构正常运转、完成日常工作任务而发生的支出。",
            "第四部分 决算报表",
            "收入支出决算总表、收入决算表、支出决算表等报表详见附件。",
        ]

    def _analysis(self, dept: DepartmentForm) -> str:
        """The 部门整体支出绩效评价分析 text: what each group earned, problems and measures."""
        said = {group: self.analysis.get(group, sub.score) for group, sub in dept.subtotals.items()}
        lines = {
            "投入": "绩效目标设定合理，在职人员和“三公”经费控制较好",
            "过程": "预算执行、预算管理和资产管理总体规范",
            "产出": "年度重点工作任务基本完成",
            "效果": "履职效益明显，服务对象总体满意",
        }
        parts = [f"{group}方面，{lines[group]}，得{plain(score or ZERO)}分" for group, score in said.items()]
        text = "；".join(parts) + "。"
        if self.analysis_plain:
            return (
                text
                + "全年各项工作按照年初部署稳步推进，部门职能得到较好履行，财政资金使用安全规范，社会各界反映良好。"
            )
        return text + "存在的问题是部分项目支出进度不够均衡，下一步将加强预算执行监控，提高资金使用效益。"

    # ---- whole documents ------------------------------------------------------------------------

    def generate(self, with_dept: str | None, with_accounts: bool, project_count: int) -> None:
        """The forms of a clean document, in the order they are printed."""
        rng = self.rng
        self.forms.append(ReportForm(line=0, year=self.year, department=self.unit))
        self.report = 0
        archetypes = rng.sample(self.unit_type.projects, k=min(project_count, len(self.unit_type.projects)))
        for archetype in archetypes:
            form = self.project_form(archetype, rng.choice(catalog.IMPLEMENTERS), len(self.forms))
            self.archetypes[len(self.forms)] = archetype
            self.projects.append(len(self.forms))
            self.forms.append(form)
        self._unit_facts()
        if with_dept == "framework":
            self.dept = len(self.forms)
            self.forms.append(self.department_framework())
        elif with_dept == "project":
            self.dept = len(self.forms)
            self.forms.append(self.department_project_layout())
        if with_accounts:
            self.accounts = len(self.forms)
            self.forms.append(ReportForm(line=0, year=self.year, department=self.unit, title=accounts_title(self)))
        report = self.forms[self.report]
        assert isinstance(report, ReportForm)
        report.title = report_title(self)

    def _unit_facts(self) -> None:
        """The unit's budget, expenditure structure and "三公" figures, consistent with its projects."""
        rng, facts = self.rng, self.facts
        project_budget = sum((self._project(i).funds.total.budget or ZERO for i in self.projects), ZERO)
        project_spent = sum((self._project(i).funds.total.executed or ZERO for i in self.projects), ZERO)
        facts.unit_initial = q2(project_budget * D(str(round(rng.uniform(2.5, 4.0), 3))) + D(50))
        facts.unit_adjusted = q2(facts.unit_initial * D(str(round(rng.uniform(1.0, 1.06), 3))))
        facts.unit_executed = q2(facts.unit_adjusted * D(str(round(rng.uniform(0.93, 0.995), 4))))
        facts.project_spend = q2(project_spent + D(str(round(rng.uniform(0, 40), 2))))
        facts.basic = facts.unit_executed - facts.project_spend
        facts.personnel = q2(facts.basic * D(str(round(rng.uniform(0.7, 0.85), 3))))
        facts.public = facts.basic - facts.personnel
        facts.income_fiscal = q2(facts.unit_executed * D(str(round(rng.uniform(0.9, 0.98), 3))))
        facts.income_other = q2(facts.unit_executed * D(str(round(rng.uniform(0.02, 0.08), 3))))
        abroad = ZERO if rng.random() < 0.7 else q2(D(str(rng.uniform(1, 5))))
        cars = q2(D(str(rng.uniform(2, 15))))
        reception = q2(D(str(rng.uniform(0.5, 6))))
        facts.three_public_parts = [abroad, cars, reception]
        now = abroad + cars + reception
        facts.three_public_last = q2(now * D(str(round(rng.uniform(1.02, 1.25), 3))))
        facts.basic_first = rng.random() < 0.5

    def _project(self, index: int) -> ProjectForm:
        form = self.forms[index]
        assert isinstance(form, ProjectForm)
        return form


def _sustain() -> Tpl:
    return Tpl("可持续影响指标", "长效管理机制运行情况", "qual")


def report_title(build: Build) -> str:
    if build.kind == "single":
        form = build.forms[build.projects[0]]
        assert isinstance(form, ProjectForm)
        return f"{build.year}年度{build.unit}{form.project}绩效自评报告"
    return f"{build.year}年度{build.unit}部门整体支出绩效自评报告"


def accounts_title(build: Build) -> str:
    return f"{build.year}年度{build.unit}部门决算说明"


def retotal(form: ProjectForm | DepartmentForm, profile: Profile, grade: bool = True) -> None:
    """总分 as the sum of the stated scores, 总分值 as the sum of the weights, and the grade of the total."""
    scores = [row.score for row in form.indicators if row.score is not None]
    form.total_score = (form.funds.score or ZERO) + sum(scores, ZERO)
    form.total_weight = (form.funds.weight or ZERO) + sum((row.weight or ZERO for row in form.indicators), ZERO)
    if grade:
        form.grade = grade_for(form.total_score, profile)


def restate_subtotals(form: DepartmentForm) -> None:
    form.subtotals = {}
    for group in ("投入", "过程", "产出", "效果"):
        rows = [row for row in form.indicators if row.level1 == group]
        form.subtotals[group] = Subtotal(
            weight=sum((row.weight or ZERO for row in rows), ZERO),
            score=sum((row.score or ZERO for row in rows), ZERO),
            reference_weight=sum((row.reference_weight or ZERO for row in rows), ZERO),
        )


def retotal_framework(form: DepartmentForm, profile: Profile) -> None:
    form.total_score = sum((row.score or ZERO for row in form.indicators), ZERO)
    form.grade = grade_for(form.total_score, profile)


PROFILES = ("national", "anhui", "jiangxi", "hubei", "zhejiang", "sichuan", "shanxi", "gansu", "guizhou", "hebei")


def unit_name(rng: random.Random, profile: str, unit_type: UnitType) -> str:
    """A unit in an invented county of a city whose name selects ``profile``."""
    for _ in range(50):
        city = rng.choice(catalog.CITIES[profile])
        county = rng.choice(catalog.COUNTIES)
        name = f"{city}{county}{unit_type.suffix}"
        if profile_name_for(name) == profile:
            return name
    raise ValueError(f"无法为规则配置 {profile} 生成单位名称")


def year_for(rng: random.Random, profile: str) -> int:
    if profile == "guizhou":
        return rng.choice((2019, 2019, 2021, 2022))
    if profile == "sichuan":
        return rng.randint(2019, 2023)
    return rng.randint(2020, 2024)


def new_build(seed: int, index: int, profile: str | None = None) -> Build:
    """A clean document, deterministic from ``(seed, index)``."""
    rng = random.Random(f"{seed}:{index}")
    chosen = profile or PROFILES[index % len(PROFILES)]
    unit_type = rng.choice(catalog.UNIT_TYPES)
    unit = unit_name(rng, chosen, unit_type)
    year = year_for(rng, chosen)
    kind: ReportKind = "single" if rng.random() < 0.3 else "department"
    build = Build(rng, f"synth_{seed}_{index:04d}", chosen, year, unit, unit_type, kind)
    if kind == "single":
        build.generate(None, False, 1)
    else:
        dept = rng.choices(("framework", "project", None), weights=(0.6, 0.2, 0.2))[0]
        build.generate(dept, rng.random() < 0.4, rng.choice((2, 2, 3)))
    return build
