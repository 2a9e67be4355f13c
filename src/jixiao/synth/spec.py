"""What a synthetic sample is: the document, the prose beside it, and the findings it must raise."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from jixiao.model import Document

CENT = Decimal("0.01")


def q2(value: Decimal) -> Decimal:
    """Two decimals, half up: how the forms write amounts and scores."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def q4(value: Decimal) -> Decimal:
    """A rate as the forms write it (``96.15%`` is 0.9615)."""
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    return f"{q2(value):f}"


def percent(rate: Decimal) -> str:
    return f"{q2(rate * 100):f}%"


def score_text(value: Decimal) -> str:
    return f"{q2(value):f}"


def plain(value: Decimal) -> str:
    """A count or a weight without trailing zeros (``12``, ``3.8``)."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


@dataclass(frozen=True, slots=True, order=True)
class Expected:
    """One finding a planted defect must raise: check id, form index and field path (None when the
    check reports none)."""

    check: str
    form: int | None
    field: str | None

    def as_dict(self) -> dict[str, object]:
        return {"check": self.check, "form": self.form, "field": self.field}


@dataclass(slots=True)
class TextLayout:
    """Narrative choices the data model cannot carry; the plain-text writer honours them.

    ``problems`` replaces the 存在的问题 section's text ("" leaves the heading empty);
    ``omit`` names outline sections left out (``problems``, ``measures``); ``claims`` lists
    report project indices whose section says the goals were achieved whatever the tables show.
    """

    problems: str | None = None
    omit: set[str] = field(default_factory=set)
    claims: set[int] = field(default_factory=set)


@dataclass(slots=True)
class Sample:
    """A generated document, the prose planted beside its forms, and what review must find.

    ``extras[i]`` are paragraphs appended to form ``i``'s narrative (for a 部门整体 form,
    its 评价分析 text). ``expected`` holds in every rendering; ``text_expected`` only in the
    plain-text one, whose layout can show what the data model cannot (an empty 存在问题 section).
    """

    stem: str
    profile: str
    document: Document
    extras: dict[int, list[str]]
    expected: list[Expected]
    defects: list[str]
    layout: TextLayout = field(default_factory=TextLayout)
    text_expected: list[Expected] = field(default_factory=list)

    def expected_for(self, fmt: str) -> list[Expected]:
        return sorted([*self.expected, *self.text_expected]) if fmt == "text" else list(self.expected)

    def expected_json(self) -> dict[str, object]:
        return {
            "source": self.stem,
            "profile": self.profile,
            "defects": self.defects,
            "findings": [item.as_dict() for item in sorted(self.expected, key=_order)],
            "text_findings": [item.as_dict() for item in sorted(self.text_expected, key=_order)],
        }


def _order(item: Expected) -> tuple[str, int, str]:
    return (item.check, -1 if item.form is None else item.form, item.field or "")
