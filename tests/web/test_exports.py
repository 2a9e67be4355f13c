"""Cells of a download: every decimal written without exponent or trailing zeros, however it is spelled."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.store.types import Exact
from jixiao.web.exports import text_of, to_csv

SPELLINGS = ["10.50", "1.0", "100", "1E+2", "-0", "-0.0", "0.000001", "1E-7", "-12.345", "0.10", "7", "5E-10", "2.5E+3"]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_decimal_cells_are_plain(spelling: str) -> None:
    value = Decimal(spelling)
    shown = text_of(value)
    assert "E" not in shown and Decimal(shown) == value
    assert not ("." in shown and shown.endswith("0"))


def test_sqlite_decimal_text_reads_back_plain() -> None:
    from sqlalchemy.dialects import sqlite

    column, dialect = Exact(), sqlite.dialect()
    for text, expected in [
        ("10.500", "10.5"),
        ("100", "100"),
        ("-0.000", "-0"),
        ("0.000001", "0.000001"),
        ("2.0", "2"),
    ]:
        value = column.process_result_value(text, dialect)
        assert value is not None and str(value) == expected


def test_csv_quotes_formulas_but_not_negative_numbers() -> None:
    body = to_csv([("a", "甲"), ("b", "乙")], [{"a": "=1+1", "b": Decimal("-3.50")}]).decode("utf-8-sig")
    assert body.splitlines()[1] == "'=1+1,-3.5"
