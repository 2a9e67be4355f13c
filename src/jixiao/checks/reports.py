"""Narrative reports: the outline a reviewer expects, an empty 存在问题, template text left in.

A report's text is its source lines (``form.line`` … ``form.end_line``) minus
the lines of the table forms that sit inside it. Sections are found by their
numbered headings (第一部分, 一、, （一）, 1., （1）) and by inline labels
(``存在问题：…``), and named by what they say, never by their number: the same
section is 四、 in one template and （八） in another.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao import vocab
from jixiao.checks import prose
from jixiao.checks.prose import clean_line
from jixiao.checks.registry import Context, Draft, check
from jixiao.checks.totals import fmt
from jixiao.model import DepartmentForm, Form, ProjectForm, ReportForm

# ---- the text of a report ------------------------------------------------------------------------


@dataclass(slots=True)
class ReportText:
    """The cleaned lines of a report, and the same text joined with a map back to line numbers."""

    lines: list[tuple[int, str]]
    joined: str = ""
    starts: list[int] = field(default_factory=list)
    heading_cache: list[Heading] | None = None

    def __post_init__(self) -> None:
        parts: list[str] = []
        offset = 0
        for _, text in self.lines:
            self.starts.append(offset)
            parts.append(text)
            offset += len(text) + 1
        self.joined = "\n".join(parts)

    def line_at(self, position: int) -> int:
        """The source line of a character of ``joined``."""
        if not self.lines:
            return 0
        index = max(0, bisect.bisect_right(self.starts, position) - 1)
        return self.lines[index][0]


def report_text(form: Form, ctx: Context) -> ReportText:
    """The report's lines, without the lines of the table forms nested inside it (read once per form)."""
    return ctx.cached("report_text", form, lambda: _report_text(form, ctx))


def _report_text(form: Form, ctx: Context) -> ReportText:
    first = form.line
    last = min(form.end_line or len(ctx.lines), len(ctx.lines))
    skip: set[int] = set()
    for other in ctx.forms:
        if other is form or other.kind == "report":
            continue
        if first <= other.line <= last:
            skip.update(range(other.line, (other.end_line or other.line) + 1))
    lines = []
    for number in range(first, last + 1):
        if number in skip:
            continue
        text = clean_line(ctx.lines[number - 1])
        if text:
            lines.append((number, text))
    return ReportText(lines)


# ---- headings and sections -----------------------------------------------------------------------

_NUMBERING = re.compile(
    r"^(?:(?P<part>第[一二三四五六七八九十\d]+部分)|(?P<cn>[一二三四五六七八九十]+)\s*[、.．]"
    r"|[（(]\s*(?P<paren_cn>[一二三四五六七八九十]+)\s*[)）]|(?P<arabic>\d+)\s*[、.．](?!\d)"
    r"|[（(]\s*(?P<paren_arabic>\d+)\s*[)）])\s*"
)
_LEVELS = {"part": 0, "cn": 1, "paren_cn": 2, "arabic": 3, "paren_arabic": 4}
_INLINE_LABEL = re.compile(r"^(?P<label>[^\d，,。；;：:（(]{2,14})[：:]")
_LABEL_END = re.compile(r"[。：:；;]")
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _ordinal(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text in _CN_DIGITS:
        return _CN_DIGITS[text]
    return 0


@dataclass(slots=True)
class Heading:
    index: int  # position in ReportText.lines
    line: int
    level: int  # 0 第X部分 … 4 （1）; 9 an inline label
    ordinal: int
    label: str  # the heading's words (or the inline label)
    rest: str  # text on the same line after the label


def headings(text: ReportText) -> list[Heading]:
    """The numbered headings and inline labels of a report, found once per report text."""
    if text.heading_cache is None:
        text.heading_cache = _find_headings(text)
    return text.heading_cache


def _find_headings(text: ReportText) -> list[Heading]:
    found = _numbered_headings(text)
    if not any(heading.level <= 1 for heading in found):
        found = sorted(found + _plain_headings(text), key=lambda heading: heading.index)
    return found


_PLAIN_HEADING_MAX = 16
_NOT_A_HEADING = re.compile(r"[\d，,。；;：:、！？!?（(]")


def _plain_headings(text: ReportText) -> list[Heading]:
    """Section titles with no number: a line of a few words naming an outline section (项目基本情况,
    存在的问题), as a report whose headings are Word 标题 paragraphs reads. Looked for only when the
    report has no top-level numbered heading, so a numbered report's own subtitles stay body text."""
    found = []
    for index, (line, content) in enumerate(text.lines[1:], start=1):
        if len(content) > _PLAIN_HEADING_MAX or _NOT_A_HEADING.search(content):
            continue
        if _SECTION_WORDS.search(content):
            found.append(Heading(index, line, 1, 0, content.strip(), ""))
    return found


def _numbered_headings(text: ReportText) -> list[Heading]:
    found = []
    for index, (line, content) in enumerate(text.lines):
        match = _NUMBERING.match(content)
        if match:
            kind = match.lastgroup or "arabic"
            number = match.group(kind)
            body = content[match.end() :]
            cut = _LABEL_END.search(body)
            label = body[: cut.start()] if cut and cut.start() <= 40 else body[:40]
            rest = body[len(label) :].lstrip("。：:；; ")
            found.append(Heading(index, line, _LEVELS[kind], _ordinal(number or ""), label.strip(), rest.strip()))
            continue
        inline = _INLINE_LABEL.match(content)
        if inline:
            found.append(Heading(index, line, 9, 0, inline["label"].strip(), content[inline.end() :].strip()))
    return found


def _closes(heading: Heading, following: Heading) -> bool:
    """Whether ``following`` ends the section ``heading`` opens (a sibling or a shallower heading).

    A first item (（一）, 1.) right under a heading is read as its child even when a dump
    numbers both alike; an inline label closes only another inline label.
    """
    if heading.level == 9:
        return True
    if following.level == 9:
        return False
    return following.level <= heading.level and following.ordinal != 1


def section_body(text: ReportText, all_headings: list[Heading], heading: Heading) -> str:
    """The text of a section: the rest of its heading line and the lines up to the next section."""
    end = len(text.lines)
    for following in all_headings:
        if following.index > heading.index and _closes(heading, following):
            end = following.index
            break
    parts = [heading.rest] + [content for _, content in text.lines[heading.index + 1 : end]]
    return "\n".join(part for part in parts if part)


# ---- what kind of report, and its outline --------------------------------------------------------

BASIC = r"基本情况|概况|项目情况|单位情况|部门情况|项目简介"
CONCLUSION = r"结论|总评|综合评价|评价得分|自评得分|评价结果|自评结果|得分情况|评分情况"
PERFORMANCE = r"绩效|目标完成|指标完成|结论|自评情况|评价情况"
PROBLEMS = r"问题|偏离.{0,6}原因|偏差.{0,2}原因|不足"  # 偏离绩效目标的原因
MEASURES = r"措施|建议|整改|下一步|改进"
GOALS = r"目标.{0,6}(?:完成|实现)|完成情况|分解下达"
ACCOUNTS_OVERVIEW = r"部门概况|单位概况|基本职能|机构设置|部门基本情况"
ACCOUNTS_NOTES = r"决算.{0,8}说明|情况说明"
ACCOUNTS_TERMS = r"名词解释"
ACCOUNTS_TABLES = r"报表|附表|决算表|决算总表"


@dataclass(frozen=True, slots=True)
class Outline:
    name: str
    reference: str
    sections: tuple[tuple[str, str], ...]  # (section name, what its heading says)


OUTLINES: dict[str, Outline] = {
    "project": Outline(
        "项目支出绩效自评报告",
        "RULES.md §7.1",
        (("基本情况", BASIC), ("自评结论", CONCLUSION), ("存在的问题", PROBLEMS), ("改进措施", MEASURES)),
    ),
    "evaluation": Outline(
        "绩效评价报告",
        "财预〔2020〕10号附件3",
        (("基本情况", BASIC), ("评价结论", CONCLUSION), ("存在的问题", PROBLEMS), ("有关建议", MEASURES)),
    ),
    "department": Outline(
        "部门整体支出绩效自评报告",
        "RULES.md §7.3",
        (("基本情况", BASIC), ("绩效情况", PERFORMANCE), ("存在的问题", PROBLEMS), ("改进措施", MEASURES)),
    ),
    "transfer": Outline(
        "转移支付绩效自评报告",
        "RULES.md §4",
        (("绩效目标完成情况", GOALS), ("偏离目标的原因", PROBLEMS), ("改进措施", MEASURES)),
    ),
    "accounts": Outline(
        "部门决算",
        "财预〔2016〕143号",
        (
            ("部门概况", ACCOUNTS_OVERVIEW),
            ("决算情况说明", ACCOUNTS_NOTES),
            ("名词解释", ACCOUNTS_TERMS),
            ("决算报表", ACCOUNTS_TABLES),
        ),
    ),
}

_SECTION_WORDS = re.compile("|".join(dict.fromkeys(p for outline in OUTLINES.values() for _, p in outline.sections)))
_EVALUATED = re.compile(r"自评|评价|绩效")
_TABLE_TITLE = re.compile(r"^[^，。；]{0,30}(?:决算总表|决算表|决算明细表)$")


def is_final_accounts(form: ReportForm, text: ReportText) -> bool:
    """A 部门决算 / 决算说明: by its title, or (untitled) by its 决算情况说明 and 部门概况 parts."""
    title = vocab.norm_label(form.title or "")
    if "决算" in title and not _EVALUATED.search(title):
        return True
    if title and _EVALUATED.search(title):
        return False
    labels = " ".join(heading.label for heading in headings(text) if heading.level <= 3)
    return bool(re.search(r"决算.{0,8}说明", labels) and re.search(ACCOUNTS_OVERVIEW, labels))


def report_type(form: ReportForm, text: ReportText) -> str:
    title = vocab.norm_label(form.title or "")
    if is_final_accounts(form, text):
        return "accounts"
    if "转移支付" in title:
        return "transfer"
    if "部门整体" in title or (re.search(r"部门.{0,6}(?:预算执行|支出|整体)", title) and "项目" not in title):
        return "department"
    if "评价报告" in title and "自评" not in title:
        return "evaluation"
    return "project"


def _has_content(text: ReportText, all_headings: list[Heading], heading: Heading) -> bool:
    return bool(section_body(text, all_headings, heading).strip("。.：: \n"))


def _present(text: ReportText, all_headings: list[Heading], pattern: str) -> tuple[bool, Heading | None]:
    """(found with content, a heading found without content)."""
    empty: Heading | None = None
    for heading in all_headings:
        if not re.search(pattern, heading.label):
            continue
        if _has_content(text, all_headings, heading):
            return True, None
        empty = empty or heading
    return False, empty


def _tables_present(text: ReportText) -> bool:
    return any(_TABLE_TITLE.match(content) for _, content in text.lines)


@check("report.section_missing", "warning", kinds=("report", "department"))
def section_missing(form: Form, ctx: Context) -> Iterator[Draft]:
    """A section of the outline RULES.md §7 expects for this kind of report is absent (or left empty)."""
    if isinstance(form, DepartmentForm):
        yield from _department_narrative(form, ctx)
        return
    if not isinstance(form, ReportForm):
        return
    text = report_text(form, ctx)
    if len(text.lines) < 5:
        return
    outline = OUTLINES[report_type(form, text)]
    all_headings = headings(text)
    for name, pattern in outline.sections:
        found, empty = _present(text, all_headings, pattern)
        if found or (name == "决算报表" and _tables_present(text)):
            continue
        if empty is not None:
            message = f"{outline.name}的“{empty.label}”部分只有标题、没有内容（应写明{name}，参照{outline.reference}）"
            line = empty.line
        else:
            message = f"{outline.name}缺少“{name}”部分（参照{outline.reference}的提纲）"
            line = form.line
        yield Draft(field=None, line=line, message=message, expected=name, found=None)


def _department_narrative(form: DepartmentForm, ctx: Context) -> Iterator[Draft]:
    """A framework 部门整体 form's narrative says nothing of problems or of measures. The narrative is
    the prose above the indicator table: paragraph lines, or the long cell of a 评价分析 row."""
    if form.layout != "framework":
        return
    table = [row.line for row in form.indicators] + [sub.line for sub in form.subtotals.values() if sub.line]
    last = (min(table) - 1) if table else (form.end_line or form.line)
    if form.narrative_lines is not None:
        line = form.narrative_lines[0]
    else:
        in_cells = [paragraph.line for paragraph in prose.narrative(form, ctx) if paragraph.line <= last]
        if not in_cells:
            return
        line = in_cells[0]
    narrative = "\n".join(clean_line(raw) for raw in ctx.lines[form.line - 1 : min(last, len(ctx.lines))])
    if len(narrative) < 200 or re.search(PROBLEMS, narrative) or re.search(MEASURES, narrative):
        return
    yield Draft(
        field=None,
        line=line,
        message="部门整体支出绩效自评表的文字部分没有写存在的问题和改进措施",
        expected="存在的问题及改进措施",
        found=None,
    )


# ---- report.problems_empty -----------------------------------------------------------------------

_PROBLEM_LABEL = re.compile(r"存在(?:的)?(?:主要)?问题|问题及原因|问题和原因|主要问题")
_NOTHING = re.compile(r"^(?:无|暂无|没有|无问题|暂无问题|没有问题|不存在问题|无明显问题|未发现问题|无其他问题)?$")


def _deduction(form: ReportForm, ctx: Context) -> str | None:
    """A deduction or a deviation the file shows, described; None when there is none."""
    if form.total_score is not None and form.total_score < 100:
        return f"报告所写得分为 {fmt(form.total_score)} 分，未得满分"
    if form.budget.rate is not None and form.budget.rate < 1:
        return f"预算执行率为 {fmt((form.budget.rate * 100).quantize(Decimal('0.01')))}%"
    for project in form.projects:
        if project.rate is not None and project.rate < 1:
            return f"{project.name}执行率为 {fmt((project.rate * 100).quantize(Decimal('0.01')))}%"
        if project.score is not None and project.score < 100:
            return f"{project.name}得分 {fmt(project.score)} 分"
    for other in ctx.forms:
        if isinstance(other, ProjectForm | DepartmentForm):
            name = (other.project if isinstance(other, ProjectForm) else other.department) or "自评表"
            funds = other.funds
            if funds.rate is not None and funds.rate < 1:
                return f"{name}的预算执行率为 {fmt((funds.rate * 100).quantize(Decimal('0.01')))}%"
            if funds.score is not None and funds.weight is not None and funds.score < funds.weight:
                return f"{name}的预算执行得分 {fmt(funds.score)} 分（满分 {fmt(funds.weight)} 分）"
            for row in other.indicators:
                if row.score is not None and row.weight is not None and row.score < row.weight:
                    return f"{name}的“{row.name or row.level2}”得分 {fmt(row.score)} 分（满分 {fmt(row.weight)} 分）"
    return None


@check("report.problems_empty", "warning", kinds=("report",))
def problems_empty(form: Form, ctx: Context) -> Iterator[Draft]:
    """The 存在问题 section says 无 or is empty although the file shows a deduction or a deviation."""
    if not isinstance(form, ReportForm):
        return
    text = report_text(form, ctx)
    all_headings = headings(text)
    for heading in all_headings:
        if not _PROBLEM_LABEL.search(heading.label):
            continue
        body = section_body(text, all_headings, heading)
        said = re.sub(r"[\s。.，,；;：:、]", "", body)
        if not _NOTHING.match(said):
            continue
        deduction = _deduction(form, ctx)
        if deduction is None:
            return
        yield Draft(
            field=None,
            line=heading.line,
            message=f"“{heading.label}”部分写为“{said or '（空白）'}”，但{deduction}，应说明扣分或偏差的原因",
            expected="问题及原因",
            found=said or None,
        )


# ---- report.template_residue ---------------------------------------------------------------------

# Each kind of residue with the literal cue it cannot match without: a text is scanned by a pattern
# only when its cue is in it (substring tests are C-fast; a regex scan of CJK text is not).
_RESIDUE_KINDS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    (
        ("/", "／"),
        re.compile(r"(?:增加|增长|上升|提高|升高)\s*[/／]\s*(?:减少|下降|降低)(?=\s*了?\s*-?\d)"),
    ),
    (("增加", "增长"), re.compile(r"(?:增加|增长)\s*[（(]\s*(?:减少|下降)\s*[)）](?=\s*了?\s*-?\d)")),
    (("X", "x", "Ｘ", "ｘ"), re.compile(r"[XxＸｘ](?<![A-Za-z][XxＸｘ])[XxＸｘ]+(?![A-Za-z])")),
    (("××",), re.compile(r"××+")),
    (("具体",), re.compile(r"[（(]\s*具体[^（）()]{0,10}[)）]")),
    (("填写", "请输入"), re.compile(r"请填写|请输入|此处填写|[（(]\s*填写[^（）()]{0,10}[)）]")),
)


def _residue(text: str) -> list[tuple[int, str]]:
    """(offset, words) of every piece of template residue in ``text``, by offset."""
    spans: list[tuple[int, int, str]] = []
    for cues, pattern in _RESIDUE_KINDS:
        if any(cue in text for cue in cues):
            spans.extend((match.start(), match.end(), match.group()) for match in pattern.finditer(text))
    found: list[tuple[int, str]] = []
    reached = -1
    for start, end, words in sorted(spans):
        if start >= reached:  # a piece inside another (请填写 in （具体请填写）) is not listed twice
            found.append((start, words))
            reached = end
    return found


@check("report.template_residue", "warning", kinds=("report",))
def template_residue(form: Form, ctx: Context) -> Iterator[Draft]:
    """Template text left unfilled: alternatives never chosen (增加/减少), placeholders (XX, （具体工作）)."""
    if not isinstance(form, ReportForm):
        return
    text = report_text(form, ctx)
    by_line: dict[int, list[str]] = {}
    for offset, words in _residue(text.joined):  # one pass over the whole report
        if "\n" not in words:  # residue is read line by line: a match across lines is none
            by_line.setdefault(text.line_at(offset), []).append(words)
    for line, found in by_line.items():
        listed = "、".join(f"“{item}”" for item in dict.fromkeys(found))
        yield Draft(
            field=None,
            line=line,
            message=f"模板文字未按实际填写：{listed}（应选定其一或填入实际内容）",
            expected=None,
            found="；".join(dict.fromkeys(found)),
        )
