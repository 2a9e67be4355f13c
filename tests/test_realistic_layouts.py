"""Layouts the seed corpus does not show, each a hand-written text dump with its gold ``jixiao/1``.

Every fixture under ``fixtures/realistic`` and ``fixtures/realistic2`` (``NAME.txt`` / ``.md`` /
``.html`` + ``NAME.gold.json``) is extracted and
compared field by field with its gold, the way ``../shared/bench/score.py`` scores: fields the
gold leaves null are not scored, text compares after NFKC with whitespace and quote styles
removed, numbers within 0.005 (rates 5e-5). A failure lists every field that differs.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jixiao.pipeline import extract_file
from jixiao.render.jsonout import document_to_dict

FIXTURES = Path(__file__).parent / "fixtures" / "realistic"
FIXTURES2 = Path(__file__).parent / "fixtures" / "realistic2"
STEMS = sorted(path.name.removesuffix(".gold.json") for path in FIXTURES.glob("*.gold.json"))
CASES = sorted(
    folder.name + "/" + path.name.removesuffix(".gold.json")
    for folder in (FIXTURES, FIXTURES2)
    for path in folder.glob("*.gold.json")
)


def source_of(gold_path: Path) -> Path:
    """The dump a gold file annotates: same stem, whatever the dump's suffix."""
    stem = gold_path.name.removesuffix(".gold.json")
    found = [p for p in gold_path.parent.glob(stem + ".*") if not p.name.endswith(".gold.json")]
    assert len(found) == 1, f"{stem}: {len(found)} source files"
    return found[0]


_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"', "≧": "≥", "≦": "≤"})
_LISTS: dict[str, Callable[[dict[str, Any]], str]] = {
    "indicators": lambda item: (item.get("level2") or "") + (item.get("name") or ""),
    "projects": lambda item: (item.get("group") or "") + (item.get("name") or ""),
}


def _norm(value: object) -> str:
    text = unicodedata.normalize("NFKC", str(value)).translate(_QUOTES)
    return re.sub(r"\s+", "", text)


def _same(gold: object, pred: object, key: str) -> bool:
    if pred is None:
        return False
    if isinstance(gold, bool) or isinstance(pred, bool):
        return gold == pred
    if isinstance(gold, int | float):
        if not isinstance(pred, int | float):
            return False
        tolerance = 5e-5 if key.endswith("rate") else 0.005
        return abs(gold - pred) <= max(tolerance, 1e-6 * abs(gold))
    return _norm(gold) == _norm(pred)


def _leaves(obj: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(obj, dict):
        out: dict[str, Any] = {}
        for key, value in obj.items():
            out.update(_leaves(value, f"{prefix}.{key}" if prefix else key))
        return out
    return {} if isinstance(obj, list) else {prefix: obj}


def _scalars(gold: dict[str, Any], pred: dict[str, Any], where: str) -> tuple[int, list[str]]:
    pred_leaves = _leaves({k: v for k, v in pred.items() if k not in _LISTS})
    scored, diffs = 0, []
    for key, value in _leaves({k: v for k, v in gold.items() if k not in _LISTS}).items():
        if value is None or key == "kind":
            continue
        scored += 1
        if not _same(value, pred_leaves.get(key), key):
            diffs.append(f"{where}{key}: gold {value!r}, extracted {pred_leaves.get(key)!r}")
    return scored, diffs


def _align(gold: list[dict[str, Any]], pred: list[dict[str, Any]], list_key: str) -> list[tuple[int, int]]:
    key = _LISTS[list_key]
    matcher = difflib.SequenceMatcher(a=[_norm(key(g)) for g in gold], b=[_norm(key(p)) for p in pred], autojunk=False)
    pairs = [(a + i, b + i) for a, b, n in matcher.get_matching_blocks() for i in range(n)]
    used_gold, used_pred = {i for i, _ in pairs}, {j for _, j in pairs}
    rest_pred = [j for j in range(len(pred)) if j not in used_pred]
    for i in (i for i in range(len(gold)) if i not in used_gold):
        best = max(
            rest_pred, key=lambda j: difflib.SequenceMatcher(a=key(gold[i]), b=key(pred[j])).ratio(), default=None
        )
        if best is not None and difflib.SequenceMatcher(a=key(gold[i]), b=key(pred[best])).ratio() > 0.5:
            pairs.append((i, best))
            rest_pred.remove(best)
    return sorted(pairs)


def compare(gold_doc: dict[str, Any], pred_doc: dict[str, Any]) -> tuple[int, list[str]]:
    """Fields scored and the differences, one line each, naming form, row and field."""
    diffs: list[str] = []
    scored = 0
    gold_forms, pred_forms = gold_doc["forms"], pred_doc["forms"]
    if [f["kind"] for f in gold_forms] != [f["kind"] for f in pred_forms]:
        diffs.append(f"forms: gold {[f['kind'] for f in gold_forms]}, extracted {[f['kind'] for f in pred_forms]}")
    remaining = list(range(len(pred_forms)))
    for index, gold in enumerate(gold_forms):
        candidates = [j for j in remaining if pred_forms[j]["kind"] == gold["kind"]]
        if not candidates:
            diffs.append(f"form {index} ({gold['kind']}): not extracted")
            continue
        j = min(candidates, key=lambda c: abs(pred_forms[c]["line"] - gold["line"]))
        remaining.remove(j)
        pred = pred_forms[j]
        count, found = _scalars(gold, pred, f"form {index} ")
        scored += count
        diffs.extend(found)
        for list_key in _LISTS:
            gold_items, pred_items = gold.get(list_key) or [], pred.get(list_key) or []
            pairs = _align(gold_items, pred_items, list_key)
            for i, k in pairs:
                count, found = _scalars(gold_items[i], pred_items[k], f"form {index} {list_key}[{i}].")
                scored += count
                diffs.extend(found)
            matched_gold, matched_pred = {i for i, _ in pairs}, {k for _, k in pairs}
            diffs.extend(
                f"form {index} {list_key}[{i}] missing: {_LISTS[list_key](item)}"
                for i, item in enumerate(gold_items)
                if i not in matched_gold
            )
            diffs.extend(
                f"form {index} extra {list_key}: {_LISTS[list_key](item)}"
                for k, item in enumerate(pred_items)
                if k not in matched_pred
            )
    return scored, diffs


@pytest.mark.parametrize("case", CASES)
def test_realistic_layout_matches_gold(case: str) -> None:
    gold_path = Path(__file__).parent / "fixtures" / f"{case}.gold.json"
    stem = case.rsplit("/", 1)[1]
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    pred = document_to_dict(extract_file(source_of(gold_path)))
    scored, diffs = compare(gold, pred)
    assert scored > 0
    assert not diffs, f"{stem}: {len(diffs)} of {scored} fields differ\n" + "\n".join(diffs)


def test_compare_reports_a_changed_field() -> None:
    """The comparison itself: a changed score, a dropped row and an extra form are all reported."""
    gold = json.loads((FIXTURES / f"{STEMS[0]}.gold.json").read_text(encoding="utf-8"))
    pred = json.loads(json.dumps(gold))
    assert compare(gold, pred)[1] == []
    form = next(f for f in pred["forms"] if f.get("indicators"))
    form["indicators"][0]["score"] = -1
    form["indicators"].pop()
    pred["forms"].append({"kind": "report", "line": 999})
    diffs = compare(gold, pred)[1]
    assert any("indicators[0].score" in d for d in diffs)
    assert any("missing" in d for d in diffs)
    assert any(d.startswith("forms:") for d in diffs)


# ---- the parser rules the second set of dumps called for, each on the smallest input that needs it ----


def _extract(text: str, name: str = "t.txt") -> dict[str, Any]:
    from jixiao.pipeline import extract_source
    from jixiao.read import read_bytes

    return document_to_dict(extract_source(read_bytes(text.encode("utf-8"), name)))


_FUNDS_HEAD = "项目名称\t助学\n主管部门\t某县总工会\n\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
_IND_HEAD = "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"


def test_funds_row_after_a_wrapped_label_cell_reads_its_amounts() -> None:
    """``（万元）`` left of 其中 (the rest of 项目资金 wrapped): the alignment that reads amounts wins."""
    text = (
        "项目支出绩效自评表\n（2022年度）\n"
        "项目名称    助学\n"
        "                年初预算数    全年预算数    全年执行数    分值    执行率    得分\n"
        "项目资金    年度资金总额    30    32    31    10    96.88%    9.69\n"
        "（万元）    其中：财政拨款    30    32    31    —    —\n"
    )
    fiscal = _extract(text)["forms"][0]["funds"]["fiscal"]
    assert (fiscal["initial"], fiscal["budget"], fiscal["executed"]) == (30, 32, 31)


def test_goal_cells_repeated_at_every_grid_slot_are_one_cell_each() -> None:
    text = (
        "项目支出绩效自评表\n（2022年度）\n"
        + _FUNDS_HEAD
        + "年度总体目标\t预期目标\t预期目标\t实际完成情况\t实际完成情况\n"
        "年度总体目标\t帮扶200户。\t帮扶200户。\t帮扶212户。\t帮扶212户。\n" + _IND_HEAD
    )
    goals = _extract(text)["forms"][0]["goals"]
    assert goals == {"expected": "帮扶200户。", "actual": "帮扶212户。"}


def test_equal_goal_texts_in_separate_cells_are_both_kept() -> None:
    text = (
        "项目支出绩效自评表\n（2022年度）\n" + _FUNDS_HEAD + "年度总体目标\t预期目标\t\t实际完成情况\t\n"
        "\t保障职工社保缴纳。\t\t保障职工社保缴纳。\t\n" + _IND_HEAD
    )
    goals = _extract(text)["forms"][0]["goals"]
    assert goals == {"expected": "保障职工社保缴纳。", "actual": "保障职工社保缴纳。"}


def test_goals_apart_by_a_two_character_gap_are_expected_and_actual() -> None:
    gap = "\u3000\u3000"
    text = (
        f"项目支出绩效自评表\n（2022年度）\n项目名称{gap}助学\n年度总体目标{gap}预期目标{gap}实际完成情况\n"
        f"{gap}资助困难职工子女不少于100人。{gap}资助困难职工子女96人。\n" + _IND_HEAD.replace("\t", gap)
    )
    goals = _extract(text)["forms"][0]["goals"]
    assert goals == {"expected": "资助困难职工子女不少于100人。", "actual": "资助困难职工子女96人。"}


def test_goal_cells_wrapped_onto_following_lines_are_joined() -> None:
    text = (
        "项目支出绩效自评表\n（2022年度）\n项目名称      助学\n"
        "年度总体目标      预期目标                      实际完成情况\n"
        "                  资助困难职工子女不少于        资助困难职工子女96人，\n"
        "                  100人。                       发放助学金24万元。\n" + _IND_HEAD.replace("\t", "      ")
    )
    goals = _extract(text)["forms"][0]["goals"]
    assert goals == {"expected": "资助困难职工子女不少于100人。", "actual": "资助困难职工子女96人，发放助学金24万元。"}


def test_goals_in_two_labelled_rows() -> None:
    text = (
        "项目支出绩效自评表\n（2022年度）\n" + _FUNDS_HEAD + "年度总体目标\t预期目标\t资助不少于100人。\n"
        "\t实际完成情况\t资助96人。\n" + _IND_HEAD
    )
    goals = _extract(text)["forms"][0]["goals"]
    assert goals == {"expected": "资助不少于100人。", "actual": "资助96人。"}


def test_a_bold_markdown_title_starts_the_form_with_its_year() -> None:
    text = "**某县总工会**\n\n**项目支出绩效自评表**\n\n（2022年度）\n\n| 项目名称 | 助学 |\n|---|---|\n"
    form = _extract(text, "t.md")["forms"][0]
    assert (form["line"], form["year"]) == (1, 2022)


def test_one_project_report_name_and_score() -> None:
    """A report on one project: its name without the year; its figures are the project's (the report's
    own budget line stays empty, as the seed gold and the synthetic corpus annotate it)."""
    text = (
        "某市总工会2022年度职工培训项目绩效自评报告\n\n一、项目基本情况\n\n"
        "项目全年预算数40万元，实际支出38万元，预算执行率95%。\n\n二、自评结论\n\n经自评，项目综合得分95分，等级为优。\n"
    )
    report = _extract(text)["forms"][0]
    assert report["projects"][0]["name"] == "职工培训"
    project = report["projects"][0]
    assert (project["budget"], project["executed"], project["rate"]) == (40, 38, 0.95)
    assert (report["total_score"], report["projects"][0]["score"]) == (95, 95)


def test_listed_projects_keep_their_own_scores_and_the_budget_of_the_sentence_before() -> None:
    text = (
        "某市残联2022年度部门整体支出绩效自评报告\n\n一、部门支出情况\n\n"
        "全年预算数300万元，其中：基本支出100万元，项目支出200万元。全年实际支出294万元，预算执行率98%。\n\n"
        "二、项目支出绩效情况\n\n"
        "（一）康复救助项目。全年预算120万元，实际支出118万元，执行率98.33%，项目自评得分97分。\n\n"
        "（二）技能培训项目。全年预算80万元，实际支出80万元，执行率100%，项目自评得分99分。\n\n"
        "三、自评结论\n\n部门整体支出绩效自评得分96分，等级为优。\n"
    )
    report = _extract(text)["forms"][0]
    assert report["budget"]["budget"] == 300 and report["budget"]["executed"] == 294
    assert [p["score"] for p in report["projects"]] == [97, 99]
    assert report["total_score"] == 96
