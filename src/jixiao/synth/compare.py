"""Read-back against generated: field-level extraction counts, and findings against expectations.

Extraction is counted as ../shared/bench/score.py counts it: every non-null
field of the generated form is one unit; a read-back value equal to it is a
true positive, a missing or different one a false negative, and a different
one (or a whole form or indicator row that was never generated) also a false
positive. Line numbers and provenance are not compared: the generator does not
know where a renderer puts a row.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from jixiao.model import Document, Finding
from jixiao.render.jsonout import form_to_dict
from jixiao.synth.spec import Expected

_SKIP = frozenset({"line", "provenance", "end_line"})
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).translate(_QUOTES))


def same(gold: Any, pred: Any, key: str = "") -> bool:
    if pred is None:
        return False
    if isinstance(gold, bool) or isinstance(pred, bool):
        return bool(gold == pred)
    if isinstance(gold, int | float):
        if not isinstance(pred, int | float):
            return False
        tolerance = 5e-5 if key.rsplit(".", 1)[-1] == "rate" else 0.005
        return abs(float(gold) - float(pred)) <= max(tolerance, 1e-6 * abs(float(gold)))
    return _norm(str(gold)) == _norm(str(pred))


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in _SKIP:
                continue
            yield from _leaves(inner, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _leaves(inner, f"{path}[{index}]")
    else:
        yield path, value


@dataclass(slots=True)
class Tally:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.tp += other.tp
        self.fn += other.fn
        self.fp += other.fp
        self.misses.extend(other.misses)

    @property
    def f1(self) -> float:
        denominator = 2 * self.tp + self.fn + self.fp
        return 1.0 if denominator == 0 else 2 * self.tp / denominator


def extraction(gold: Document, pred: Document) -> Tally:
    """Field-level agreement of read-back forms with the generated ones, form by form in order."""
    tally = Tally()
    for index in range(max(len(gold.forms), len(pred.forms))):
        gold_leaves = dict(_leaves(form_to_dict(gold.forms[index]))) if index < len(gold.forms) else {}
        pred_leaves = dict(_leaves(form_to_dict(pred.forms[index]))) if index < len(pred.forms) else {}
        for key, value in gold_leaves.items():
            if value is None:
                continue
            found = pred_leaves.get(key)
            if same(value, found, key):
                tally.tp += 1
                continue
            tally.fn += 1
            if found is not None:
                tally.fp += 1
            tally.misses.append(f"forms[{index}].{key}: {value!r} → {found!r}")
        for key, value in pred_leaves.items():
            if value is not None and gold_leaves.get(key) is None and not isinstance(value, bool):
                tally.fp += 1
                tally.misses.append(f"forms[{index}].{key}: (无) → {value!r}")
    return tally


@dataclass(slots=True)
class Verdict:
    """Expected findings against the findings review raised."""

    found: list[Expected]
    missed: list[Expected]
    unexpected: list[Finding]


def judge(expected: list[Expected], findings: list[Finding]) -> Verdict:
    """Each expected (check, form, field) must be raised; any other finding is unexpected."""
    raised = Counter(Expected(f.check, f.form, f.field) for f in findings)
    wanted = set(expected)
    found = [item for item in expected if raised[item]]
    missed = [item for item in expected if not raised[item]]
    unexpected = [f for f in findings if Expected(f.check, f.form, f.field) not in wanted]
    return Verdict(found, missed, unexpected)
