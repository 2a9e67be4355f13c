"""The Chinese name of every check, as reviewers read it in reports and the web app."""

from __future__ import annotations

from typing import Final

TITLES: Final[dict[str, str]] = {
    "funds.rate_mismatch": "执行率与全年执行数÷全年预算数不符",
    "funds.score_mismatch": "预算执行得分不符合计分规则",
    "funds.score_rule_unknown": "预算执行得分规则不明，与候选规则比对",
    "funds.denominator_initial": "执行率或得分以年初预算数为分母",
    "funds.overspent": "全年执行数超过全年预算数",
    "funds.zero_budget": "全年预算数为0或空白却有支出或得分",
    "funds.sources_sum": "财政拨款、上年结转、其他资金之和与资金总额不符",
    "funds.adjusted_budget": "全年预算数较年初预算调整20%以上且未说明",
    "funds.low_rate_no_reason": "执行率低于90%且未说明原因",
    "indicator.score_over_weight": "指标得分超过分值",
    "indicator.score_mismatch": "定量指标得分不符合计分公式",
    "indicator.band_mismatch": "定性指标得分不在其完成档次的分数区间内",
    "indicator.full_score_unmet": "未达到目标值却得满分",
    "indicator.reason_missing": "扣分或未达标却未填写偏差原因",
    "indicator.overachieved": "实际值超过目标值120%以上且满分无说明（目标可能偏低）",
    "indicator.unquantified": "数量或成本指标的目标值未量化",
    "indicator.vague_actual": "目标为数量，实际完成值却未给出数量",
    "indicator.placeholder": "名称或目标值为“无”或空白的指标仍占分值",
    "indicator.unit_mismatch": "目标值与实际值单位不一致",
    "indicator.boilerplate": "偏差原因雷同，或实际值全部照抄目标值",
    "weights.level1_stated": "一级指标下各指标分值之和与表头分值不符",
    "weights.total": "分值合计不等于100",
    "weights.nonstandard": "一级指标权重与规则默认不同",
    "total.sum_mismatch": "总分与各项得分之和不符",
    "total.grade_mismatch": "评价等级与总分所在档次不符",
    "dept.balance": "部门资金收支不平衡（结转+预算+调整−执行≠结余）",
    "dept.subtotal_mismatch": "投入/过程/产出/效果小计与其下各项之和不符",
    "dept.weight_sum": "设定分值（或参考分值）合计不等于100",
    "dept.score_over_weight": "评价得分超过设定分值",
    "dept.ratio_mismatch": "表中比率与据表内数字复算的结果不符",
    "dept.ratio_direction_full": "比率处于不利方向却得满分",
    "text.table_mismatch": "文字中的数字与表格不符",
    "arith.sum_mismatch": "合计数与分项之和不符",
    "arith.rate_mismatch": "百分比与两个金额之比不符",
    "arith.change_mismatch": "增减额或增减幅度与两年数字不符",
    "narrative.unsupported_claim": "声称目标完成，但执行率为0或目标未达成",
    "year.mismatch": "套用模板，年份与评价年度不符",
    "report.problems_empty": "有扣分或偏差，“存在问题”却写无或空白",
    "report.section_missing": "报告缺少应有的章节",
    "report.template_residue": "模板内容未填写（增加/减少、XX 等）",
    "accounts.three_public_breakdown": "三公经费与各分项之和不符",
    "accounts.structure_sum": "收入或支出的分项之和与合计不符",
}


def title_of(check_id: str) -> str:
    return TITLES.get(check_id, check_id)
