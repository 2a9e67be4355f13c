"""The vocabulary of numbers: every spelling the forms use, read to an exact Decimal.

All examples are invented; expected values are exact, and every result must be a
``Decimal`` (a float would compare equal to many of them and hide the bug).
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.parse.numbers import (
    Kind,
    Op,
    Quantity,
    comparable,
    normalize,
    numbers_in,
    parse_amount,
    parse_number,
    parse_quantity,
    parse_rate,
    quantities_in,
    same_unit,
)


def exact(result: Decimal | None, expected: str | None) -> None:
    if expected is None:
        assert result is None
    else:
        assert type(result) is Decimal, f"{result!r} is not a Decimal"
        assert result == Decimal(expected)


def fullwidth(text: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


# ---- normalize ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１２３．５", "123.5"),
        ("９５％", "95%"),
        ("1,234.5", "1234.5"),
        ("1，234", "1234"),
        ("12,345,678", "12345678"),
        ("1,2", "1,2"),
        ("≧95%", "≥95%"),
        ("≦5%", "≤5%"),
        ("＞＝90%", ">=90%"),
        ("＜3", "<3"),
        ("＝2 场", "=2 场"),
        ("\u3000 98\xa0", "98"),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


# ---- parse_number -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10", "10"),
        ("10.00", "10.00"),
        (" 98 ", "98"),
        ("-116.05", "-116.05"),
        ("1,234.5", "1234.5"),
        ("1，234", "1234"),
        ("９８", "98"),
        ("１２３．５", "123.5"),
        ("0", "0"),
        ("二十", "20"),
        ("一百零八", "108"),
        ("壹仟贰佰", "1200"),
        ("二〇二二", "2022"),
        ("九十八点五", "98.5"),
        ("1.2万", "12000"),
        ("1亿2000万", "120000000"),
        ("十二万三千", "123000"),
        ("10分", "10"),
        ("9.5 分", "9.5"),
        ("", None),
        ("   ", None),
        ("-", None),
        ("—", None),
        ("——", None),
        ("/", None),
        ("无", None),
        ("有改善", None),
        ("12月完成", None),
        ("约10", None),
        ("≥95%", None),
        ("98%", None),
        ("十十", None),
        ("万", None),
        ("1e5", None),
        ("NaN", None),
    ],
)
def test_parse_number(text: str, expected: str | None) -> None:
    exact(parse_number(text), expected)


def test_parse_number_keeps_written_digits() -> None:
    assert str(parse_number("10.00")) == "10.00"


# ---- parse_amount -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("140.4 万元", "140.4"),
        ("140.4万元", "140.4"),
        ("1,200 元", "0.12"),
        ("1200元", "0.12"),
        ("1.5亿元", "15000"),
        ("1.5亿", "15000"),
        ("0元", "0"),
        ("25", "25"),
        ("-116.05", "-116.05"),
        ("３５．５万元", "35.5"),
        ("8千元", "0.8"),
        ("一千二百万元", "1200"),
        ("壹仟贰佰万元整", "1200"),
        ("1亿2000万元", "12000"),
        ("百万元", "100"),
        ("一点五亿", "15000"),
        ("一百四十点四万", "140.4"),
        ("约821万元", "821"),
        ("113万余元", "113"),
        ("60余万元", "60"),
        ("60多万元", "60"),
        ("100万元以上", "100"),
        ("全年预算100万元，执行95万元", "100"),
        ("2022年安排资金30万元", "30"),
        ("", None),
        ("-", None),
        ("—", None),
        ("/", None),
        ("无", None),
        ("有改善", None),
        ("12月完成", None),
        ("10人", None),
        ("95%", None),
        ("2022-12-31", None),
    ],
)
def test_parse_amount(text: str, expected: str | None) -> None:
    exact(parse_amount(text), expected)


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("25", "元", "0.0025"),
        ("25", "万元", "25"),
        ("25", "千元", "2.5"),
        ("2", "亿元", "20000"),
        ("一千二百", "元", "0.12"),
        ("30万元", "元", "30"),  # a written unit beats the default
        ("一百四十点四万", "元", "140.4"),  # 万 written: the number counts 元
    ],
)
def test_parse_amount_default_unit(text: str, unit: str, expected: str) -> None:
    exact(parse_amount(text, default_unit=unit), expected)


def test_converted_values_are_tidy() -> None:
    # a unit conversion leaves no trailing zeros or exponents: the values print as people write them
    assert str(parse_amount("1,200 元")) == "0.12"
    assert str(parse_amount("1.5亿元")) == "15000"
    assert str(parse_amount("一百四十点四万")) == "140.4"
    assert str(parse_rate("100.00%")) == "1"
    assert str(parse_rate("96.30%")) == "0.963"


def test_parse_amount_rejects_unknown_default_unit() -> None:
    with pytest.raises(ValueError, match="美元"):
        parse_amount("1", default_unit="美元")


# ---- parse_rate ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("96.31%", "0.9631"),
        ("100.00%", "1"),
        ("１００％", "1"),
        ("96.31 %", "0.9631"),
        ("1", "1"),
        ("0.6238", "0.6238"),
        ("1.5", "1.5"),
        ("1.6", "0.016"),
        ("2", "0.02"),
        ("87", "0.87"),
        ("100", "1"),
        ("120", "1.2"),
        ("5‰", "0.005"),
        ("百分之九十八点五", "0.985"),
        ("百分之百", "1"),
        ("0", "0"),
        ("0%", "0"),
        ("96.31%（已完成）", "0.9631"),
        ("约96%", "0.96"),
        ("", None),
        ("-", None),
        ("—", None),
        ("/", None),
        ("无", None),
        ("有改善", None),
        ("30人", None),
    ],
)
def test_parse_rate(text: str, expected: str | None) -> None:
    exact(parse_rate(text), expected)


# ---- parse_quantity -----------------------------------------------------------------------------


def Q(op: Op | None, value: str, unit: str, approx: bool, kind: Kind) -> Quantity:
    return Quantity(op, Decimal(value), unit, approx, kind)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("≥95%", Q(">=", "0.95", "%", False, "percent")),
        (">=90%", Q(">=", "0.9", "%", False, "percent")),
        ("≧95%", Q(">=", "0.95", "%", False, "percent")),
        ("＞＝９５％", Q(">=", "0.95", "%", False, "percent")),
        ("不低于90%", Q(">=", "0.9", "%", False, "percent")),
        ("满意度不低于90%", Q(">=", "0.9", "%", False, "percent")),
        ("不高于5%", Q("<=", "0.05", "%", False, "percent")),
        ("不超过5%", Q("<=", "0.05", "%", False, "percent")),
        ("控制在5%以内", Q("<=", "0.05", "%", False, "percent")),
        ("≤10%", Q("<=", "0.1", "%", False, "percent")),
        ("≦10%", Q("<=", "0.1", "%", False, "percent")),
        ("<3%", Q("<", "0.03", "%", False, "percent")),
        (">0", Q(">", "0", "", False, "plain")),
        ("=2 场", Q("=", "2", "场", False, "count")),
        ("=300 人次", Q("=", "300", "人次", False, "count")),
        ("1500 人", Q(None, "1500", "人", False, "count")),
        ("1500人以上", Q(">=", "1500", "人", True, "count")),
        ("1500人及以上", Q(">=", "1500", "人", False, "count")),
        ("40 人左右", Q(None, "40", "人", True, "count")),
        ("约40人", Q(None, "40", "人", True, "count")),
        ("200余人", Q(None, "200", "人", True, "count")),
        ("2万人次", Q(None, "20000", "人次", False, "count")),
        ("三场", Q(None, "3", "场", False, "count")),
        ("不超过3个工作日", Q("<=", "3", "个工作日", False, "count")),
        ("100%", Q(None, "1", "%", False, "percent")),
        ("≥100百分比", Q(">=", "1", "%", False, "percent")),
        ("5‰", Q(None, "0.005", "‰", False, "percent")),
        ("百分之九十五以上", Q(">=", "0.95", "%", True, "percent")),
        ("降低2个百分点", Q(None, "0.02", "百分点", False, "percent")),
        ("达到100%", Q("=", "1", "%", False, "percent")),
        ("90-100%", Q(None, "0.9", "%", False, "percent")),
        ("≥55万元", Q(">=", "55", "万元", False, "money")),
        ("55万元", Q(None, "55", "万元", False, "money")),
        ("1,200元", Q(None, "0.12", "万元", False, "money")),
        ("1.5亿元", Q(None, "15000", "万元", False, "money")),
        ("500元/人", Q(None, "500", "元/人", False, "count")),
        ("0.6", Q(None, "0.6", "", False, "plain")),
        ("10", Q(None, "10", "", False, "plain")),
        ("购买资料 150 本", Q(None, "150", "本", False, "count")),
        ("PM2.5浓度≤35微克/立方米", Q("<=", "35", "微克/立方米", False, "count")),
        ("使用年限≥8年", Q(">=", "8", "年", False, "count")),
        ("12月完成", Q(None, "12", "月", False, "date")),
        ("12 月份前完成", Q("<=", "12", "月", False, "date")),
        ("十二月底前", Q("<=", "12", "月", False, "date")),
        ("2022年底前", Q("<=", "2022", "年", False, "date")),
        ("2022-12-31前", Q("<=", "2022", "年", False, "date")),
        ("一季度完成", Q(None, "1", "季度", False, "date")),
    ],
)
def test_parse_quantity(text: str, expected: Quantity) -> None:
    got = parse_quantity(text)
    assert got == expected
    assert got is not None and type(got.value) is Decimal


@pytest.mark.parametrize(
    "text",
    [
        "",
        "-",
        "—",
        "/",
        "无",
        "有改善",
        "达成预期指标",
        "满意",
        "春节前完成",
        "当年完成",
        "年底前完成",
        "一般",
        "十分满意",
        "进一步提高",
        "一次性补贴",
        "百姓认可",
        "千方百计",
        "第3季度",
    ],
)
def test_parse_quantity_none(text: str) -> None:
    assert parse_quantity(text) is None


def test_sentence_gives_first_quantity_and_all_numbers() -> None:
    text = "执行率96.31%，资金140.4万元，培训1500人次，一般"
    first = parse_quantity(text)
    assert first == Q(None, "0.9631", "%", False, "percent")
    assert numbers_in(text) == [Decimal("0.9631"), Decimal("140.4"), Decimal("1500")]
    assert [q.kind for q in quantities_in(text)] == ["percent", "money", "count"]
    assert numbers_in("有改善") == []


# ---- units --------------------------------------------------------------------------------------


def test_same_unit_and_comparable() -> None:
    pct, permille = parse_quantity("≥95%"), parse_quantity("5‰")
    money, money_yuan = parse_quantity("55万元"), parse_quantity("1200元")
    people, people2, visits = parse_quantity("1500人"), parse_quantity("40 人左右"), parse_quantity("300人次")
    plain, month = parse_quantity("0.6"), parse_quantity("12月完成")
    assert None not in (pct, permille, money, money_yuan, people, people2, visits, plain, month)
    assert pct and permille and money and money_yuan and people and people2 and visits and plain and month

    assert same_unit(pct, permille) and comparable(pct, permille)
    assert same_unit(money, money_yuan) and comparable(money, money_yuan)
    assert same_unit(people, people2) and comparable(people, people2)
    assert not same_unit(people, visits) and not comparable(people, visits)
    assert not same_unit(people, plain) and comparable(people, plain) and comparable(plain, people)
    assert not comparable(pct, money)
    assert not comparable(pct, plain) and not comparable(money, plain)
    assert not comparable(month, people) and comparable(month, month)


# ---- robustness and speed contract --------------------------------------------------------------


def test_cn2an_is_imported_only_for_chinese_numerals() -> None:
    script = (
        "import sys\n"
        "from jixiao.parse import numbers as n\n"
        "for t in ['≥95%', '10', '1,200 元', '有改善', '一般', '百姓认可', '十分满意', '-']:\n"
        "    n.parse_quantity(t); n.parse_number(t); n.parse_amount(t); n.parse_rate(t)\n"
        "assert 'cn2an' not in sys.modules, 'cn2an imported eagerly'\n"
        "assert n.parse_number('二十') == 20 and 'cn2an' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)


@given(st.text(alphabet="零〇一二两三十百千万亿点壹贰仟元整%‰.,0123456789-≥≤约余多以上人月年 ", max_size=14))
def test_never_raises(text: str) -> None:
    for value in (parse_number(text), parse_amount(text), parse_rate(text)):
        assert value is None or type(value) is Decimal
    quantity = parse_quantity(text)
    assert quantity is None or type(quantity.value) is Decimal
    assert all(type(number) is Decimal for number in numbers_in(text))


# ---- properties ---------------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False, allow_infinity=False)


@given(money)
def test_yuan_to_wan(x: Decimal) -> None:
    exact(parse_amount(f"{x:f}元"), str(x / 10000))
    exact(parse_amount(f"{x:,f} 元"), str(x / 10000))
    exact(parse_amount(f"{x:f}万元"), str(x))
    exact(parse_amount(f"{x:f}", default_unit="元"), str(x / 10000))


@given(money)
def test_fullwidth_reads_like_ascii(x: Decimal) -> None:
    for parse, text in (
        (parse_number, f"{x:f}"),
        (parse_number, f"{x:,f}"),
        (parse_amount, f"{x:f}万元"),
        (parse_rate, f"{x:f}%"),
    ):
        ascii_value = parse(text)
        assert ascii_value is not None
        exact(parse(fullwidth(text)), str(ascii_value))
    assert parse_quantity(fullwidth(f">={x:f}%")) == parse_quantity(f"≥{x:f}%")


@given(money)
def test_percent_is_a_fraction(x: Decimal) -> None:
    exact(parse_rate(f"{x:f}%"), str(x / 100))
    quantity = parse_quantity(f"≥{x:f}%")
    assert quantity is not None
    assert (quantity.op, quantity.kind, quantity.unit) == (">=", "percent", "%")
    assert quantity.value == x / 100


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_chinese_integers(n: int) -> None:
    exact(parse_number(cn2an.an2cn(n)), str(n))
    exact(parse_number(cn2an.an2cn(n, "up")), str(n))
    exact(parse_amount(cn2an.an2cn(n, "rmb")), str(Decimal(n) / 10000))


@given(st.decimals(min_value=0, max_value=99999999, places=2, allow_nan=False, allow_infinity=False))
def test_chinese_decimals(x: Decimal) -> None:
    exact(parse_number(cn2an.an2cn(f"{x:f}")), str(x))
