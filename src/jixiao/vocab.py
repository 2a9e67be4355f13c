"""The Chinese vocabulary of the forms, in one place.

Parsers recognise the parts of a form by what its labels mean, never by fixed
column positions: every label and its variants live here, and ``norm_label``
is the one normalisation every comparison goes through (labels broken inside
a word — ``分 值``, ``年初 预算数`` — and full-width punctuation are common in
dumps).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

_SPACE = re.compile(r"\s+")
_ARTEFACT = re.compile(r"</?[a-zA-Z][^>]*>|\[bookmark:[^\]]*\]|^#+\s*")
_PAREN_NOTE = re.compile(r"[（(][^（()）]*[)）]")
_QUOTES = str.maketrans({"“": "", "”": "", '"': "", "‘": "", "’": "", "「": "", "」": "", "'": ""})


@lru_cache(maxsize=65536)
def clean_text(text: str) -> str:
    """Drop conversion artefacts (HTML tags, bookmarks, heading marks) and collapse whitespace."""
    if "<" in text or "[bookmark" in text or text.startswith("#"):
        text = _ARTEFACT.sub("", text)
    if text.isprintable() and "  " not in text:
        return text.strip()  # its only whitespace is single ASCII spaces: nothing to collapse
    return _SPACE.sub(" ", text).strip()


# The characters that keep most Chinese text from being NFKC already, with their NFKC forms.
_NFKC_COMMON: Final = tuple(
    (char, unicodedata.normalize("NFKC", char)) for char in "，：；（）！？％．　０１２３４５６７８９"
)


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, several times faster on Chinese text.

    NFKC of a string holding full-width punctuation decomposes and recomposes the whole string
    (~15 µs a cell). Those characters are swapped for their own NFKC forms by ``str.replace``;
    what is then NFKC already (the quick check is cheap) is the same as NFKC of the original,
    anything else still goes through ``normalize``.
    """
    if unicodedata.is_normalized("NFKC", text):
        return text
    for wide, narrow in _NFKC_COMMON:
        if wide in text:
            text = text.replace(wide, narrow)
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=65536)
def norm_label(text: str) -> str:
    """A label as compared: NFKC, no whitespace, no artefacts, trailing colon dropped."""
    text = nfkc(clean_text(text))
    if " " in text or not text.isprintable():  # a label has no whitespace more often than not
        text = _SPACE.sub("", text)
    return text.rstrip(":：")


@lru_cache(maxsize=65536)
def bare_label(text: str) -> str:
    """A label without its parenthesised notes: ``全年预算数 (A)`` → ``全年预算数``."""
    return _PAREN_NOTE.sub("", norm_label(text))


@lru_cache(maxsize=16384)
def unquoted(text: str) -> str:
    return norm_label(text).translate(_QUOTES)


# ---- form titles -------------------------------------------------------------------------------

PROJECT_TITLE: Final = re.compile(
    r"(项目支出|项目|转移支付(?:区域)?|专项资金?)绩效(自评表?|目标完成情况表|评价表|自评结果表)$"
)
DEPARTMENT_TITLE: Final = re.compile(r"部门整体(支出)?绩效(自评表?|评价表|目标完成情况表)$")
REPORT_TITLE: Final = re.compile(r"(报告|总结|决算说明|决算情况说明|自评情况|(?:部门|单位)决算)$")
PART_HEADING: Final = re.compile(
    r"^(第[一二三四五六七八九十\d]+部分|[一二三四五六七八九十]+、|\d+[、.．]|[（(][一二三四五六七八九十\d]+[)）])"
)
NUMBERED_HEADING: Final = re.compile(
    r"^\s*(?:(第[一二三四五六七八九十\d]+部分)|([一二三四五六七八九十]+[、.．])|([（(][一二三四五六七八九十]+[)）])"
    r"|(\d+\s*[、.．](?!\d))|([（(]\d+[)）]))\s*"
)


def heading_level(text: str) -> int | None:
    """0 第一部分, 1 一、, 2 （一）, 3 1. / 1、, 4 （1）; None for a paragraph that is no numbered heading."""
    match = NUMBERED_HEADING.match(text)
    if not match:
        return None
    return next(level for level, group in enumerate(match.groups()) if group)


SENTENCE_CLOSERS: Final = "。；！？：:.;!?”」）)"


def continues_paragraph(previous: str, following: str) -> bool:
    """Whether a page end broke ``previous`` mid-sentence and ``following`` carries it on.

    A long line that ends without closing punctuation continues, unless the next line is a heading.
    """
    return len(previous) >= 30 and previous[-1] not in SENTENCE_CLOSERS and heading_level(following) is None


ATTACHMENT: Final = re.compile(r"^附件[\d一二三四五六七八九十]*(?:[-—－]\d+)?[:：]?$")
YEAR_IN_HEADER: Final = re.compile(r"[（(]\s*(\d{4})\s*年度?\s*[)）]")
YEAR_WORD: Final = re.compile(r"(\d{4})\s*年度?")
ORG_NAME: Final = re.compile(
    r"^[\u4e00-\u9fff（）()]{2,30}(总工会|工会|委员会|局|厅|委|办公室|中心|部|院|站|所|协会|政府|联合会)$"
)

# ---- project form: header fields ---------------------------------------------------------------

HEADER_FIELDS: Final[dict[str, str]] = {
    "项目名称": "project",
    "转移支付名称": "project",
    "转移支付项目": "project",
    "地方主管部门": "department",
    "部门名称": "department",
    "主管部门": "department",
    "预算单位": "department",
    "单位名称": "department",
    "主管单位": "department",
    "实施单位": "implementer",
    "项目单位": "implementer",
    "资金使用单位": "implementer",
}


_INLINE_FIELD = re.compile(r"^([^:：]{2,12})[:：]\s*(\S.*)$")


@lru_cache(maxsize=16384)
def inline_header_field(text: str) -> tuple[str, str] | None:
    """A header label and its value in one cell (``项目名称：职工疗休养``) → (field, value)."""
    match = _INLINE_FIELD.match(clean_text(text))
    if match is None:
        return None
    attr = header_field_of(match.group(1))
    return (attr, match.group(2).strip()) if attr is not None else None


@lru_cache(maxsize=16384)
def header_field_of(label: str) -> str | None:
    """The header field a label names; a qualified 实施单位 (``地方资金组织实施单位``) is the implementer."""
    key = bare_label(label)
    found = HEADER_FIELDS.get(key)
    if found is None and key.endswith("实施单位") and len(key) <= 12:
        return "implementer"
    return found


# ---- project form: funds block ------------------------------------------------------------------

FUNDS_COLUMNS: Final[dict[str, str]] = {
    "年初预算数": "initial",
    "年初预算": "initial",
    "全年预算数": "budget",
    "调整后预算数": "budget",
    "预算数": "budget",
    "全年执行数": "executed",
    "执行数": "executed",
    "实际执行数": "executed",
    "预算执行数": "executed",
    "分值": "weight",
    "权重": "weight",
    "执行率": "rate",
    "预算执行率": "rate",
    "得分": "score",
}

FUNDS_ROWS: Final[tuple[tuple[str, str], ...]] = (
    ("年度资金总额", "total"),
    ("资金总额", "total"),
    ("预算执行情况", "total"),
    ("中央财政资金", "central"),
    ("中央补助", "central"),
    ("中央资金", "central"),
    ("地方财政资金", "local"),
    ("地方资金", "local"),
    ("上年结转", "carryover"),
    ("财政拨款", "fiscal"),
    ("其他资金", "other"),
    ("其它资金", "other"),
)


@lru_cache(maxsize=16384)
def funds_row_of(label: str) -> str | None:
    """Which funds row a label names (``其中: 本年财政拨款`` → fiscal)."""
    key = norm_label(label)
    if len(key) > 30:
        return None
    for word, row in FUNDS_ROWS:
        if word in key:
            return row
    return None


@lru_cache(maxsize=16384)
def funds_column_of(label: str) -> str | None:
    key = bare_label(label)
    return FUNDS_COLUMNS.get(key)


# ---- project form: goals and indicators ---------------------------------------------------------

GOAL_EXPECTED: Final = ("预期目标", "年度目标", "绩效目标")
GOAL_ACTUAL: Final = ("实际完成情况", "实际完成目标", "全年实际完成情况", "实际完成")

INDICATOR_COLUMNS: Final[dict[str, str]] = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "name",
    "指标名称": "name",
    "年度指标值": "target",
    "预期指标值": "target",
    "指标值": "target",
    "年度目标值": "target",
    "目标值": "target",
    "实际完成值": "actual",
    "全年实际完成值": "actual",
    "实际完成指标值": "actual",
    "实际值": "actual",
    "完成值": "actual",
    "分值": "weight",
    "权重": "weight",
    "得分": "score",
    "偏差原因分析及改进措施": "note",
    "偏差原因分析": "note",
    "未完成原因分析": "note",
    "未完成原因和改进措施": "note",
    "偏差原因": "note",
    "备注": "note",
    "指标性质": "operator",
    "度量单位": "unit",
    "计量单位": "unit",
}


@lru_cache(maxsize=16384)
def indicator_column_of(label: str) -> str | None:
    key = bare_label(label)
    found = INDICATOR_COLUMNS.get(key)
    if found is None and key.startswith(("偏差原因", "未完成原因")):
        return "note"
    return found


LEVEL1: Final = re.compile(
    r"^(产出|效益|满意度|项目完成|成本|效果|社会效益|经济效益)指标\s*[（(]?\s*(\d+(?:\.\d+)?)?\s*分?\s*[)）]?$"
)
WEIGHT_FRAGMENT: Final = re.compile(r"^[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]$")
LEVEL1_NAMES: Final = ("产出指标", "效益指标", "满意度指标", "项目完成指标", "成本指标")

LEVEL2_WORDS: Final = (
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
    "满意度指标",
    "经济成本指标",
    "社会成本指标",
    "生态环境成本指标",
)
_LEVEL2_BARE = re.compile(
    r"^(数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|服务对象满意度|满意度|经济成本|社会成本|生态环境成本)(指标)?$"
)


@lru_cache(maxsize=16384)
def level1_of(text: str) -> tuple[str, str | None] | None:
    """``产出指标 (50分)`` → (``产出指标``, ``50``); None when the text is no level-1 name."""
    key = norm_label(text)
    match = LEVEL1.match(key)
    if not match:
        return None
    return match.group(1) + "指标", match.group(2)


@lru_cache(maxsize=16384)
def is_level2(text: str) -> bool:
    return bool(_LEVEL2_BARE.match(norm_label(text)))


PAGE_MARK: Final = re.compile(r"^(?:[-—–－]*\d+[-—–－]*|第\d+页(?:共\d+页)?|\d+/\d+)$")
TOTAL_ROW: Final = re.compile(r"^(总分|合计|总计|综合得分|自评得分|得分合计|总得分)")
GRADE_LABEL: Final = re.compile(r"^(评价结果等次|自评等级|评价等级|等级|自评结论|绩效等级|评价结果)")
GRADES: Final = ("优", "良", "中", "差", "优秀", "良好", "合格", "不合格", "较差")

# ---- department-overall framework (财预〔2013〕53号) ----------------------------------------------

DEPARTMENT_LEVEL1: Final = ("投入", "过程", "产出", "效果")

DEPARTMENT_FUNDS: Final[tuple[tuple[str, str], ...]] = (
    ("上年结转", "carryover"),
    ("年初预算", "initial"),
    ("其他调整", "other_adjustment"),
    ("预算调整", "adjustment"),
    ("预算执行", "executed"),
    ("年末结余", "balance"),
)

DEPARTMENT_COLUMNS: Final[dict[str, str]] = {
    "参考分值": "reference_weight",
    "设定分值": "weight",
    "指标分值": "weight",
    "分值": "weight",
    "权重": "weight",
    "计算分析情况": "basis",
    "评分依据": "basis",
    "评价得分": "score",
    "得分": "score",
}

# level-2 group of the framework → its level-1 group
DEPARTMENT_GROUPS: Final[dict[str, str]] = {
    "目标设定": "投入",
    "预算配置": "投入",
    "预算执行": "过程",
    "预算管理": "过程",
    "资产管理": "过程",
    "职责履行": "产出",
    "履职效益": "效果",
    "社会公众或服务对象满意度": "效果",
    "满意度": "效果",
}

# level-3 indicator (unquoted, no spaces) → the framework's level-2 group
DEPARTMENT_INDICATORS: Final[dict[str, str]] = {
    "绩效目标合理性": "目标设定",
    "绩效指标明确性": "目标设定",
    "工作规划合理性": "目标设定",
    "工作目标明确性": "目标设定",
    "在职人员控制率": "预算配置",
    "三公经费变动率": "预算配置",
    "重点支出安排率": "预算配置",
    "预算完成率": "预算执行",
    "预算调整率": "预算执行",
    "支付进度率": "预算执行",
    "支付进度": "预算执行",
    "结转结余率": "预算执行",
    "结转结余变动率": "预算执行",
    "公用经费控制率": "预算执行",
    "三公经费控制率": "预算执行",
    "政府采购执行率": "预算执行",
    "财务管理制度健全性": "预算管理",
    "管理制度健全性": "预算管理",
    "资金使用合规性": "预算管理",
    "预决算信息公开性": "预算管理",
    "基础信息完善性": "预算管理",
    "资产管理制度健全性": "资产管理",
    "资产管理安全性": "资产管理",
    "固定资产利用率": "资产管理",
}


# level-3 names the framework prints under more than one level-2 group (RULES.md §3: 管理制度健全性
# under both 预算管理 and 资产管理): the group printed beside the name decides
DEPARTMENT_SHARED_INDICATORS: Final[dict[str, frozenset[str]]] = {
    "管理制度健全性": frozenset({"预算管理", "资产管理"}),
}


@lru_cache(maxsize=16384)
def department_group(label: str) -> str | None:
    """The canonical framework group a printed level-2 label names (``工作目标设定`` → 目标设定)."""
    key = unquoted(label)
    for group in DEPARTMENT_GROUPS:
        if key == group or key.endswith(group):
            return group
    return None


@lru_cache(maxsize=16384)
def department_indicator_group(name: str) -> str | None:
    key = unquoted(name)
    return DEPARTMENT_INDICATORS.get(key)


def department_level1(label: str) -> str | None:
    key = unquoted(label)
    return key if key in DEPARTMENT_LEVEL1 else None
