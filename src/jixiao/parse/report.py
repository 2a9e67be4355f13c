"""Narrative reports (自评报告 / 评价报告 / 决算说明): their figures, not their prose.

Lines broken by page ends are joined back into paragraphs (keeping a map from
each character to its source line), headings are recognised by their
numbering (一、 （一） 1. （1）), and the figures are read from sentences by
the words around them, as FORMAT.md prescribes: 预算 / 安排 / 拨入 → budget,
年初 → initial, 调整 → adjusted, 支出 / 使用 / 发放 / 决算 / 执行 → executed.
Projects are the items listed under a heading about 项目 or 转移支付, or the
parts of a 其中 list that itemises a project total, or the single project a
project report's title names.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao import vocab
from jixiao.model import Loc, ProjectGroup, ReportForm, ReportProject
from jixiao.parse.cells import loc, year_of
from jixiao.parse.numbers import parse_amount, parse_number, parse_rate
from jixiao.read.source import Row

# Digits are taken as written, full width too (６４．３６万元): ``\d`` reads them, the point is either.
_AMOUNT = re.compile(r"(\d[\d,，]*+(?:[.．]\d+)?+)\s*+(?:余|多)?+\s*+(万元|亿元|元)(?!/)")
_RATE = re.compile(
    r"(执行率|完成率|完成预算(?:的)?|预算完成率)\s*(?:为|达到|是|约)?\s*[:：]?\s*"
    r"(\d+(?:[.．]\d+)?\s*[%％]|(?<=[为是])\s*[01０１](?![\d.．分%％]))"
)
# A score or grade statement, found from its literal 得分 / 等级 (a pattern that starts with optional
# words is tried at every character of the text); the words before it are read back from there.
_SCORE = re.compile(r"得分\s*(?:为|是)?\s*[:：]?\s*(\d+(?:[.．]\d+)?)\s*分")
# The report's total written as a qualified 总分 (自评总分99.82分); a bare 总分 is often the scale (总分100分).
_TOTAL = re.compile(r"(?:自评|评价|综合|绩效)总分\s*(?:为|是)?\s*[:：]?\s*(\d+(?:[.．]\d+)?)\s*分")
_SCORE_LEAD = re.compile(r"(最终|总体|综合|项目|自评|评价|绩效)?(?:评价|自评)?$")
_GRADE = re.compile(r"等[级次]\s*(?:为|是)?\s*[:：]?\s*[“\"「]?(优秀|良好|优|良|中|差)")
_GRADE_LEAD = re.compile(r"(?:评价|自评|绩效)?$")
# The listed projects' scores in their order (得分分别为97分、100分和96分), and one grade for all of them
# (等级均为优).
_SCORES_EACH = re.compile(
    r"得分\s*分别\s*(?:为|是)\s*[:：]?\s*(\d+(?:\.\d+)?\s*分(?:\s*[、，,和及与]\s*\d+(?:\.\d+)?\s*分)+)"
)
_GRADE_ALL = re.compile(r"等[级次]\s*均\s*(?:为|是)\s*[“\"「]?(优秀|良好|优|良|中|差)")
_SENTENCE = re.compile(r"[^。；;！？]+[。；;！？]?")
_CLAUSE_SPLIT = re.compile(r"[，,、：:；;]")
_CLAUSE_MARKS = "，,、：:；;"
_CLAUSE_END = re.compile(r"[，,；;。]")
_ANALYSIS_END = re.compile(
    r"(情况|分析|原因|措施|说明|结果|综述|问题|建议|做法|结论|目标|概况|依据|评价|过程)[。.：:]?$"
)
_CLASS_ITEM = re.compile(r"[（(](类|款|项)[)）]")
_ORG_IN_TITLE = re.compile(r"^(.{2,24}?(?:总工会|工会|委员会|局|厅|办公室|中心|政府|联合会))")
_PROJECT_TITLE = re.compile(r"^(.+?)(?:项目)?(?:支出)?的?(?:绩效)?(?:自评|评价)报告$")  # …项目的绩效自评报告
_YEAR_PREFIX = re.compile(r"^\s*(?:关于)?\s*\d{4}\s*年度?\s*")
_CONTEXT_WORDS = ("项目", "转移支付", "专项")
_TOTAL_WORDS = frozenset(("合计", "共计", "总计", "累计", "共", "计"))
_ALL_TRANSFERS = re.compile(r"^(?:中央(?:对地方)?|省级?(?:对下)?|市级?)?(?:专项)?转移支付(?:资金)?$")

# An amount right after a change verb is the change, not a level: 年中调整增加35.20万元, 追加预算112万元.
_CHANGE_LEAD = re.compile(r"(?:增加|减少|追加|追减|调增|调减|核减|压减|增长|下降)了?(?:预算|资金|经费)?$")
# A clause spanning several years (2021—2023年累计安排) does not give the evaluated year's figure.
_YEAR_SPAN = re.compile(r"\d{4}\s*年?\s*[—–\-－~～至到]\s*\d{4}")
# A sentence about one kind of spending (三公经费, 机关运行经费, 政府采购) is not the unit's budget line.
_SPENDING_KIND = re.compile(r"三公|机关运行经费|政府采购|公务接待|公务用车|会议费|培训费|公用经费")

_INITIAL_WORDS = ("年初",)
_ADJUSTED_WORDS = ("调整",)
_BUDGET_WORDS = ("预算", "安排", "拨入")
_EXECUTED_WORDS = ("支出", "使用", "发放", "决算", "执行")


@dataclass(slots=True)
class _Text:
    """Paragraph text with a map back to source lines."""

    text: str
    starts: list[int]
    lines: list[int]

    def line_at(self, offset: int) -> int:
        return self.lines[max(0, bisect.bisect_right(self.starts, offset) - 1)]


@dataclass(slots=True)
class _Heading:
    level: int
    text: str
    offset: int
    paragraph: int


@dataclass(slots=True)
class _Figures:
    initial: Decimal | None = None
    budget: Decimal | None = None
    adjusted: Decimal | None = None
    executed: Decimal | None = None
    rate: Decimal | None = None
    lines: dict[str, int] = field(default_factory=dict)

    def found(self) -> bool:
        return any(v is not None for v in (self.initial, self.budget, self.adjusted, self.executed))


def _paragraphs(rows: list[Row]) -> list[_Text]:
    """Join lines a page end broke mid-sentence; a heading always starts a paragraph."""
    paragraphs: list[_Text] = []
    current: _Text | None = None
    for row in rows:
        if row.table:
            current = None
            continue
        text = vocab.clean_text(row.text)
        if not text:
            continue
        if current is not None and vocab.continues_paragraph(current.text, text):
            current.starts.append(len(current.text))
            current.lines.append(row.line)
            current.text += text
        else:
            current = _Text(text=text, starts=[0], lines=[row.line])
            paragraphs.append(current)
    return paragraphs


def _field_of(clause_before: str, clause_after: str) -> str | None:
    if _CHANGE_LEAD.search(clause_before.rstrip()) or _YEAR_SPAN.search(clause_before):
        return None
    if any(word in clause_before for word in _INITIAL_WORDS):
        return "initial"
    if any(word in clause_before for word in _ADJUSTED_WORDS):
        return "adjusted"
    best: tuple[int, str] | None = None
    for words, name in ((_BUDGET_WORDS, "budget"), (_EXECUTED_WORDS, "executed")):
        for word in words:
            position = clause_before.rfind(word)
            if position >= 0 and (best is None or position > best[0]):
                best = (position, name)
    if best is not None:
        return best[1]
    for word in _EXECUTED_WORDS:
        if word in clause_after:
            return "executed"
    return None


def _figures(text: str, base: int, paragraph: _Text) -> _Figures:
    """Amounts and the execution rate of one sentence, by the words around each amount."""
    figures = _Figures()
    if "元" not in text and "率" not in text and "完成预算" not in text:
        return figures
    for match in _AMOUNT.finditer(text):
        start = max(text.rfind(mark, 0, match.start()) for mark in _CLAUSE_MARKS) + 1
        end_match = _CLAUSE_END.search(text, match.end())
        end = end_match.start() if end_match else len(text)
        name = _field_of(text[start : match.start()], text[match.end() : end])
        if name is None and text[start : match.start()].strip() in _TOTAL_WORDS:
            name = _field_of(text[: match.start()], "")  # 安排资金2项，合计165万元: the sentence's verb
        if name is None or getattr(figures, name) is not None:
            continue
        value = parse_amount(match.group(0))
        if value is None:
            continue
        setattr(figures, name, value)
        figures.lines[name] = paragraph.line_at(base + match.start())
    rate = _RATE.search(text)
    if rate:
        value = parse_rate(rate.group(2).strip())
        if value is not None:
            figures.rate = value
            figures.lines["rate"] = paragraph.line_at(base + rate.start())
    return figures


def _sentences(paragraph: _Text) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0)) for m in _SENTENCE.finditer(paragraph.text) if m.group(0).strip()]


_TABLE_COLUMNS = (
    ("name", ("项目名称", "项目", "名称")),
    ("initial", ("年初预算",)),
    ("rate", ("执行率", "完成率")),
    ("budget", ("全年预算", "调整后预算", "预算数", "预算")),
    ("executed", ("执行数", "实际支出", "决算数", "支出数", "执行金额")),
    ("score", ("自评得分", "评价得分", "得分")),
    ("grade", ("等级", "等次", "评价结果")),
)
# Score-table columns besides 产出 / 效益 / 满意度: the funds line and the evaluation framework's
# level-1 names (财预〔2020〕10号附件2: 决策 / 过程 / 产出 / 效益; 财预〔2013〕53号: 投入 / 过程 / 产出 / 效果).
_BREAKDOWN_NAMES = frozenset(("预算执行率", "预算执行", "决策", "过程", "投入", "产出", "效益", "效果", "满意度"))
_SCORE_TABLE_FIRST = frozenset(("一级指标", "指标", "评价指标", "指标名称", "项目"))
_QUALIFIER = re.compile(r"^(?:全年|年度|本年|当年|实际|自评|评价|绩效|综合)+")  # 全年执行数, 自评等级


def _project_columns(row: Row) -> dict[int, tuple[str, str]] | None:
    """Column → (field, unit) of a table header naming projects and at least two of their figures, one of
    them an amount (a score table, 项目 / 产出指标 / … / 得分合计, names no project)."""
    found: dict[int, tuple[str, str]] = {}
    for cell in row.cells:
        label = vocab.norm_label(cell.text)
        if cell.inherited or not label or len(label) > 16:
            continue
        bare = _QUALIFIER.sub("", label)
        for attr, words in _TABLE_COLUMNS:
            if attr == "rate":
                matches = any(word in label for word in words)
            else:
                matches = label.startswith(words) or (bare != label and bare.startswith(words))
            if matches and attr not in {a for a, _ in found.values()}:
                found[cell.col] = (attr, "元" if re.search(r"[(（]元[)）]", label) else "万元")
                break
    attrs = {attr for attr, _ in found.values()}
    money = attrs & {"initial", "budget", "executed"}
    return found if "name" in attrs and money and len(attrs & {*money, "rate", "score"}) >= 2 else None


def _table_value(attr: str, text: str, unit: str) -> Decimal | str | None:
    if attr == "grade":
        grade = vocab.norm_label(text)
        return grade if grade in vocab.GRADES else None
    if attr == "rate":
        return parse_rate(text)
    if attr == "score":
        return parse_number(text)
    return parse_amount(text, unit)


class ReportParser:
    def __init__(self, rows: list[Row], line: int, title: str | None, prefix: list[Row]) -> None:
        self.rows = rows
        self.form = ReportForm(line=line, title=title)
        self.prefix = prefix
        self.paragraphs = _paragraphs(rows[1:] if title else rows)
        self.project_sentences: set[tuple[int, int]] = set()
        self.section_owner: dict[int, ReportProject] = {}  # paragraph index → the listed project it is about
        self.itemised: list[ReportProject] = []
        self.figures_cache: dict[int, list[tuple[int, _Figures]]] = {}

    def _sentence_figures(self, index: int) -> list[tuple[int, _Figures]]:
        """The figures of each sentence of a paragraph, read once however often they are asked for."""
        cached = self.figures_cache.get(index)
        if cached is None:
            paragraph = self.paragraphs[index]
            cached = [(offset, _figures(sentence, offset, paragraph)) for offset, sentence in _sentences(paragraph)]
            self.figures_cache[index] = cached
        return cached

    def parse(self) -> ReportForm:
        form = self.form
        texts = ([form.title] if form.title else []) + [p.text for p in self.paragraphs[:12]]
        form.year = year_of(texts)
        form.department = self._department()
        single = self._single_project()
        if single is not None:
            self._single(single)
        else:
            self._listed_projects()
            self._table_projects()
            self._table_project_sections()
            self._unit_budget()
        self._score_and_grade()
        self._qualified_total()
        self._each_project()
        self._score_table()
        if single is not None and form.projects:
            project = form.projects[0]
            project.score, project.grade = form.total_score, form.grade
        if self.rows:
            form.end_line = self.rows[-1].end_line
        return form

    # ---- who and what ---------------------------------------------------------------------------

    def _department(self) -> str | None:
        for row in self.prefix:
            key = vocab.clean_text(row.text).lstrip("#").strip()
            if vocab.ORG_NAME.match(vocab.norm_label(key)):
                return key
        if self.form.title:
            key = _YEAR_PREFIX.sub("", vocab.norm_label(self.form.title))
            match = _ORG_IN_TITLE.match(key.removeprefix("关于"))  # 关于某某局2022年度…的评价报告
            if match:
                return match.group(1)
        return None

    def _single_project(self) -> str | None:
        title = self.form.title
        if not title:
            return None
        key = _YEAR_PREFIX.sub("", vocab.norm_label(title))
        if any(word in key for word in ("部门", "单位", "整体", "决算")):
            return None
        match = _PROJECT_TITLE.match(key)
        if not match:
            return None
        name = match.group(1)
        if self.form.department and name.startswith(self.form.department):
            name = _YEAR_PREFIX.sub("", name[len(self.form.department) :])  # 某某工会2022年度…项目…报告
        if _ALL_TRANSFERS.match(name):
            return None  # …中央对地方转移支付资金绩效自评报告: every transfer the unit received, listed inside
        return name or None

    # ---- figures --------------------------------------------------------------------------------

    def _single(self, name: str) -> None:
        project = ReportProject(name=name, group="project", line=self.form.line)
        for index in range(len(self.paragraphs)):
            for _offset, figures in self._sentence_figures(index):
                _fill_project(project, figures)
        self.form.projects.append(project)

    def _unit_budget(self) -> None:
        """The unit's budget line: the first sentence stating an amount and its execution rate, with
        the budget and adjusted budget the sentences before it gave (預算安排 … 调整后预算 …, then
        实际支出 …，执行率 …, perhaps under headings of their own); else the first sentence stating a
        budget or spending amount. Sentences about projects or one kind of spending (三公经费,
        政府采购) are not the unit's."""
        fallback: _Figures | None = None
        pending = _Figures()
        for index in range(len(self.paragraphs)):
            for offset, figures in self._sentence_figures(index):
                if (index, offset) in self.project_sentences:
                    continue
                if not figures.found():
                    continue
                if _SPENDING_KIND.search(self._sentence(index, offset)):
                    continue
                if figures.rate is not None:
                    if figures.initial is not None and figures.budget is not None and figures.adjusted is None:
                        # 年初预算 X，全年预算 Y: the budget and the adjusted budget
                        figures = _Figures(
                            budget=figures.initial,
                            adjusted=figures.budget,
                            executed=figures.executed,
                            rate=figures.rate,
                            lines={
                                **figures.lines,
                                "budget": figures.lines["initial"],
                                "adjusted": figures.lines["budget"],
                            },
                        )
                    self._set_budget(figures)
                    self._set_missing_budget(pending)
                    return
                for attr in ("initial", "budget", "adjusted"):
                    value = getattr(figures, attr)
                    if value is not None and getattr(pending, attr) is None:
                        setattr(pending, attr, value)
                        pending.lines[attr] = figures.lines[attr]
                if fallback is None:
                    fallback = figures
        if fallback is not None:
            self._set_budget(fallback)

    def _sentence(self, index: int, offset: int) -> str:
        text = self.paragraphs[index].text
        match = _SENTENCE.match(text, offset)
        return match.group(0) if match else ""

    def _set_missing_budget(self, before: _Figures) -> None:
        """The budget and adjusted budget stated before the rate's sentence; 年初预算数 is the budget
        when no other is given."""
        budget = self.form.budget
        for attr, source in (("budget", "budget"), ("adjusted", "adjusted"), ("budget", "initial")):
            value = getattr(before, source)
            if value is not None and getattr(budget, attr) is None:
                setattr(budget, attr, value)
                self.form.provenance[f"budget.{attr}"] = Loc(line=before.lines[source])

    def _set_budget(
        self, figures: _Figures, attrs: tuple[str, ...] = ("budget", "adjusted", "executed", "rate")
    ) -> None:
        budget = self.form.budget
        for attr in attrs:
            value = getattr(figures, attr)
            if value is not None:
                setattr(budget, attr, value)
                self.form.provenance[f"budget.{attr}"] = Loc(line=figures.lines[attr])

    def _table_projects(self) -> None:
        """Projects a report lists in a table of its own (名称 / 预算 / 执行数 / 执行率 / 得分 / 等级),
        one row each; a project the prose already gave keeps its figures."""
        known = {vocab.norm_label(project.name) for project in self.form.projects}
        columns: dict[int, tuple[str, str]] | None = None
        for row in self.rows:
            if not row.table:
                columns = None
                continue
            if columns is None:
                columns = _project_columns(row)
                continue
            cells = {cell.col: cell for cell in row.cells if cell.text.strip() and not cell.inherited}
            name_cell = next(
                (cells[col] for col, (attr, _) in columns.items() if attr == "name" and col in cells), None
            )
            if name_cell is None:
                continue
            name = vocab.clean_text(name_cell.text)
            if vocab.TOTAL_ROW.match(vocab.norm_label(name)) or vocab.norm_label(name) in known:
                continue
            group: ProjectGroup = "transfer" if "转移支付" in name else "project"
            project = ReportProject(name=name, group=group, line=row.line)
            for col, (attr, unit) in columns.items():
                cell = cells.get(col)
                value = None if cell is None or attr == "name" else _table_value(attr, cell.text, unit)
                if cell is not None and value is not None:
                    setattr(project, attr, value)
                    project.provenance[attr] = loc(row, cell)
            if any(getattr(project, attr) is not None for attr in ("initial", "budget", "executed", "rate", "score")):
                known.add(vocab.norm_label(name))
                self.form.projects.append(project)

    def _table_project_sections(self) -> None:
        """A project the report's table lists may have a section of its own further on, under a
        heading naming it (（三）某某项目): the section's figures fill what the table left blank,
        and its score and grade are the project's."""
        owned = {id(owner) for owner in self.section_owner.values()}
        tabled = [p for p in self.form.projects if id(p) not in owned]
        if not tabled:
            return
        for index, paragraph in enumerate(self.paragraphs):
            level = vocab.heading_level(paragraph.text)
            if level is None or index in self.section_owner:
                continue
            head = vocab.norm_label(vocab.NUMBERED_HEADING.sub("", paragraph.text, count=1))
            named = [p for p in tabled if len(p.name) >= 2 and head.startswith(vocab.norm_label(p.name))]
            if len(named) != 1:
                continue
            project = named[0]
            for following in range(index, len(self.paragraphs)):
                deeper = vocab.heading_level(self.paragraphs[following].text)
                if following > index and deeper is not None and deeper <= level:
                    break
                self.section_owner[following] = project
                self._missing_figures(project, following)

    def _missing_figures(self, project: ReportProject, index: int) -> None:
        for offset, figures in self._sentence_figures(index):
            if not figures.found():
                continue
            self.project_sentences.add((index, offset))
            _fill_project(project, figures)

    def _listed_projects(self) -> None:
        headings: list[_Heading] = []
        context: _Heading | None = None
        group: ProjectGroup = "project"
        if "转移支付" in (self.form.title or ""):  # a report on the transfers received lists them anywhere
            context = _Heading(level=-1, text=self.form.title or "", offset=0, paragraph=-1)
            group = "transfer"
        current: ReportProject | None = None
        current_level = 99
        for index, paragraph in enumerate(self.paragraphs):
            level = vocab.heading_level(paragraph.text)
            if level is not None:
                heading = _Heading(level=level, text=paragraph.text, offset=0, paragraph=index)
                headings.append(heading)
                if current is not None and level <= current_level:
                    current = None
                if context is not None and level <= context.level:
                    context = None
                head_text = vocab.NUMBERED_HEADING.sub("", paragraph.text, count=1)
                first_sentence = re.split(r"[。：:]", head_text, maxsplit=1)[0]
                if context is not None and level > context.level and current is None:
                    name = self._item_name(first_sentence)
                    if name:
                        current = ReportProject(name=name, group=group, line=paragraph.lines[0])
                        current_level = level
                        self.form.projects.append(current)
                if (
                    current is None
                    and any(w in first_sentence for w in _CONTEXT_WORDS)
                    and "部门整体" not in first_sentence
                ):
                    context = heading
                    group = "transfer" if "转移支付" in first_sentence else "project"
                if current is not None and current.name and level == current_level:
                    self.section_owner[index] = current
                    self._item_figures(current, index, paragraph, skip_first=_AMOUNT.search(first_sentence))
                    continue
            if current is not None:
                self.section_owner[index] = current
                self._item_figures(current, index, paragraph, skip_first=None)
            elif context is not None:
                self._itemised(index, paragraph, group)
        self._merge_itemised()

    def _merge_itemised(self) -> None:
        """A project a 其中 list names and a heading lists again is one project: the heading's, with
        the list's figure where the heading's section gave none."""
        if not self.itemised:
            return
        itemised = {id(item) for item in self.itemised}
        listed = {vocab.norm_label(p.name): p for p in self.form.projects if id(p) not in itemised}
        for item in self.itemised:
            twin = listed.get(vocab.norm_label(item.name))
            if twin is None:
                continue
            for attr in ("initial", "budget", "executed"):
                value = getattr(item, attr)
                if value is not None and getattr(twin, attr) is None:
                    setattr(twin, attr, value)
                    twin.provenance[attr] = item.provenance[attr]
            self.form.projects = [p for p in self.form.projects if p is not item]

    @staticmethod
    def _item_name(first_sentence: str) -> str | None:
        text = first_sentence.strip()
        amount = _AMOUNT.search(text)
        if amount:
            name = text[: amount.start()]
        elif "项目" in text:
            name = text[: text.index("项目")]
        else:
            name = text
        name = name.strip(" ，,：:。")
        if not name or len(name) > 30 or _CLASS_ITEM.search(name) or _ANALYSIS_END.search(name):
            return None
        if parse_number(name) is not None or name.startswith(("该", "本", "此")):
            return None
        return name

    def _item_figures(
        self, project: ReportProject, index: int, paragraph: _Text, skip_first: re.Match[str] | None
    ) -> None:
        if project.provenance.get("figures") is not None:
            return
        for offset, figures in self._sentence_figures(index):
            if skip_first is not None and offset == 0:
                sentence = _sentences(paragraph)[0][1]
                figures = _figures(sentence.replace(skip_first.group(0), "", 1), offset, paragraph)
            if not figures.found():
                continue
            self.project_sentences.add((index, offset))
            for attr in ("initial", "budget", "executed", "rate"):
                value = getattr(figures, attr)
                if value is not None:
                    setattr(project, attr, value)
                    project.provenance[attr] = Loc(line=figures.lines[attr])
            project.provenance["figures"] = Loc(line=paragraph.line_at(offset))
            return

    def _itemised(self, index: int, paragraph: _Text, group: ProjectGroup) -> None:
        """``…项目有2个，财政拨入经费300万元。其中：A 200万元、B 100万元``."""
        text = paragraph.text
        for match in re.finditer(r"其中[:：，,]", text):
            total_end = match.start()
            while total_end > 0 and text[total_end - 1] in "。，,；;：: ":
                total_end -= 1
            total_start = text.rfind("。", 0, total_end) + 1
            total_sentence = text[total_start:total_end]
            if "项目" not in total_sentence:
                continue
            amounts = list(_AMOUNT.finditer(total_sentence))
            if not amounts:
                continue
            items = _list_items(text, match.end())
            parts = [parse_amount(amount_text) for _, amount_text, _ in items]
            total_amount = amounts[-1]
            if parts and all(part is not None for part in parts):
                summed = sum((part for part in parts if part is not None), Decimal(0))
                total_amount = next((a for a in amounts if parse_amount(a.group(0)) == summed), total_amount)
            before = total_sentence[: total_amount.start()]
            clause = before[max((m.end() for m in _CLAUSE_SPLIT.finditer(before)), default=0) :]
            attr = _field_of(clause, "")
            for name, amount_text, start in items:
                if name.endswith("项目") and len(name) > 4:
                    name = name[: -len("项目")]
                project = ReportProject(name=name, group=group, line=paragraph.line_at(start))
                if attr in ("initial", "budget", "executed"):
                    setattr(project, attr, parse_amount(amount_text))
                    project.provenance[attr] = Loc(line=paragraph.line_at(start))
                self.form.projects.append(project)
                self.itemised.append(project)
            for offset, sentence in _sentences(paragraph):
                if offset <= match.start() < offset + len(sentence):
                    self.project_sentences.add((index, offset))

    # ---- scores ---------------------------------------------------------------------------------

    def _score_and_grade(self) -> None:
        """The report's total score and grade; a score or grade stated in a listed project's own
        section, on its line, or in a clause naming it (其中某某项目自评等级为差) is that project's."""
        by_line = {project.line: project for project in self.form.projects}
        projects = bool(self.form.projects)
        for index, paragraph in enumerate(self.paragraphs):
            text = paragraph.text
            scores = "得分" in text and (projects or self.form.total_score is None)
            grades = "等" in text and (projects or self.form.grade is None)
            if not (scores or grades):
                continue
            section = self.section_owner.get(index)
            if scores:
                for match in _SCORE.finditer(text):
                    lead = _SCORE_LEAD.search(text, max(0, match.start() - 4), match.start())
                    assert lead is not None  # the pattern matches the empty string
                    value = parse_number(match.group(1))
                    if value is None:
                        continue
                    owner = section or by_line.get(paragraph.line_at(match.start())) or self._named(text, match.start())
                    if owner is not None:
                        if owner.score is None:  # a listed project's own score, not the report's total
                            owner.score = value
                            owner.provenance["score"] = Loc(line=paragraph.line_at(match.start()))
                        continue
                    if self.form.total_score is None and (lead.group(1) or value >= 60):
                        self.form.total_score = value
                        self.form.provenance["total_score"] = Loc(line=paragraph.line_at(lead.start()))
                        break
            if grades:
                for grade in _GRADE.finditer(text):
                    owner = section or self._named(text, grade.start())
                    if owner is not None:
                        if owner.grade is None:
                            owner.grade = grade.group(1)
                            owner.provenance["grade"] = Loc(line=paragraph.line_at(grade.start()))
                        continue
                    if self.form.grade is None:
                        lead = _GRADE_LEAD.search(text, max(0, grade.start() - 2), grade.start())
                        self.form.grade = grade.group(1)
                        self.form.provenance["grade"] = Loc(
                            line=paragraph.line_at(lead.start() if lead else grade.start())
                        )
                    break

    def _qualified_total(self) -> None:
        if self.form.total_score is not None:
            return
        for index, paragraph in enumerate(self.paragraphs):
            if "总分" not in paragraph.text or index in self.section_owner:
                continue
            match = _TOTAL.search(paragraph.text)
            value = parse_number(match.group(1)) if match else None
            if match is not None and value is not None:
                self.form.total_score = value
                self.form.provenance["total_score"] = Loc(line=paragraph.line_at(match.start()))
                return

    def _each_project(self) -> None:
        """Scores listed for the projects in their order, and a grade stated for all of them."""
        projects = self.form.projects
        if len(projects) < 2:
            return
        for paragraph in self.paragraphs:
            text = paragraph.text
            each = _SCORES_EACH.search(text) if "分别" in text else None
            if each is not None:
                values = [parse_number(value) for value in re.findall(r"\d+(?:\.\d+)?", each.group(1))]
                if len(values) == len(projects) and all(
                    p.score is None or p.score == v for p, v in zip(projects, values, strict=True)
                ):
                    for project, value in zip(projects, values, strict=True):
                        if project.score is None and value is not None:
                            project.score = value
                            project.provenance["score"] = Loc(line=paragraph.line_at(each.start()))
            every = _GRADE_ALL.search(text) if "均" in text else None
            if every is not None:
                for project in projects:
                    if project.grade is None:
                        project.grade = every.group(1)
                        project.provenance["grade"] = Loc(line=paragraph.line_at(every.start()))

    def _named(self, text: str, position: int) -> ReportProject | None:
        """The one listed project the clause before ``position`` names, when the report lists several."""
        if len(self.form.projects) < 2:
            return None
        start = max(text.rfind(mark, 0, position) for mark in "，,；;。") + 1
        clause = vocab.norm_label(text[start:position])
        named = [p for p in self.form.projects if len(p.name) >= 2 and vocab.norm_label(p.name) in clause]
        return named[0] if len(named) == 1 else None

    def _score_table(self) -> None:
        """A score table: the level-1 names across a header row and a 得分 row under it, or (set the
        other way round) a 得分 column with one level-1 name a row."""
        header: dict[int, str] | None = None
        score_col: int | None = None
        column: dict[str, Decimal] = {}
        for row in self.rows:
            if not row.table:
                score_col = None
                continue
            labels = [vocab.bare_label(cell.text) for cell in row.cells]
            if score_col is not None:
                name = labels[0] if labels else ""
                if not (vocab.level1_of(name) or name in _BREAKDOWN_NAMES):
                    break
                value = parse_number(row.cells[score_col].text) if score_col < len(row.cells) else None
                if value is not None:
                    column[name] = value
                    self.form.provenance.setdefault("score_breakdown", Loc(line=row.line, row=row.index))
                continue
            if (
                len(labels) >= 3
                and labels[0] in _SCORE_TABLE_FIRST
                and "得分" in labels[1:]
                and "分值" in labels[1:]
                and not any(label in ("二级指标", "三级指标") for label in labels)
            ):
                score_col = row.cells[labels.index("得分", 1)].col
                continue
            names = {
                cell.col: label
                for cell, label in zip(row.cells, labels, strict=True)
                if vocab.level1_of(label) or label in _BREAKDOWN_NAMES
            }
            if len(names) >= 2:
                header = names
                continue
            if header is not None and labels and labels[0] in ("评价得分", "得分", "实际得分", "自评得分"):
                breakdown: dict[str, Decimal] = {}
                for col, name in header.items():
                    if col < len(row.cells):
                        value = parse_number(row.cells[col].text)
                        if value is not None:
                            breakdown[name] = value
                if breakdown:
                    self.form.score_breakdown = breakdown
                    self.form.provenance["score_breakdown"] = Loc(line=row.line, row=row.index)
                return
        if len(column) >= 2:
            self.form.score_breakdown = column
        else:
            self.form.provenance.pop("score_breakdown", None)


def _list_items(text: str, start: int) -> list[tuple[str, str, int]]:
    """Items ``name amount`` separated by 、，； after 其中, until a part without an amount."""
    items: list[tuple[str, str, int]] = []
    depth = 0
    piece_start = start
    for index in range(start, len(text) + 1):
        char = text[index] if index < len(text) else "。"
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth = max(0, depth - 1)
        elif depth == 0 and char in "、，,；;。":
            piece = text[piece_start:index]
            amount = _AMOUNT.search(piece)
            if amount is None:
                break
            name = piece[: amount.start()].strip(" ：:")
            if not name:
                break
            items.append((name, amount.group(0), piece_start))
            piece_start = index + 1
            if char == "。":
                break
    return items


def parse_report(rows: list[Row], line: int, title: str | None, prefix: list[Row]) -> ReportForm:
    return ReportParser(rows, line, title, prefix).parse()


def _fill_project(project: ReportProject, figures: _Figures) -> None:
    """What a sentence's figures give for what the project still lacks, each with its line."""
    for attr in ("initial", "budget", "executed", "rate"):
        value = getattr(figures, attr)
        if value is not None and getattr(project, attr) is None:
            setattr(project, attr, value)
            project.provenance[attr] = Loc(line=figures.lines[attr])
