"""extract.normalize.numbers: fullwidth forms, separators, Chinese numerals."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.normalize.numbers import chinese_to_int, is_cjk, parse_number, squeeze, to_halfwidth

HALFWIDTH = [
    ("１２．５％", "12.5%"),
    ("８６４３．５万户", "8643.5万户"),
    ("１，２３４．５", "1,234.5"),
    ("１，２３４，５６７", "1,234,567"),
    ("－１０．５％", "-10.5%"),
    ("＋３．２％", "+3.2%"),
    ("增长－１０．５％", "增长-10.5%"),
    ("\u22123.2%", "-3.2%"),
    ("ＩＰｖ６", "IPv6"),
    ("ＮＢ－ＩｏＴ", "NB－IoT"),  # a dash before a letter stays
    ("５Ｇ用户", "5G用户"),
    ("99部／百户", "99部/百户"),
    ("　全省", " 全省"),
    ("1\u00a0000", "1 000"),
    ("分别为1，2，3。", "分别为1，2，3。"),
    ("1，23", "1，23"),
    ("1，2345", "1，2345"),
    ("你好，世界", "你好，世界"),
    ("第一．", "第一．"),
    ("（一）用户发展情况", "（一）用户发展情况"),
    ("截至８月底；居全国第４位：", "截至8月底；居全国第4位："),
    ("１—８月", "1—8月"),
    ("１～８月", "1～8月"),
    ("", ""),
    ("abc", "abc"),
    ("2020年8月", "2020年8月"),
    ("５３４４３万Ｇ", "53443万G"),
    ("１１１８５４９６　Ｔ", "11185496 T"),
    ("６．１个百分点", "6.1个百分点"),
    ("．５", "．5"),
]


@pytest.mark.parametrize(("text", "expected"), HALFWIDTH)
def test_to_halfwidth(text: str, expected: str) -> None:
    assert to_halfwidth(text) == expected


NUMBERS = [
    # Arabic, as printed in the seeds
    ("75.5", 75.5),
    ("24.3", 24.3),
    ("51.2", 51.2),
    ("621.6", 621.6),
    ("11636.5", 11636.5),
    ("223.8", 223.8),
    ("2993", 2993.0),
    ("99", 99.0),
    ("0.5", 0.5),
    ("397.8", 397.8),
    ("8643.5", 8643.5),
    ("88.9", 88.9),
    ("5.7", 5.7),
    ("912.2", 912.2),
    ("6131", 6131.0),
    ("10.7", 10.7),
    ("571", 571.0),
    ("30.2", 30.2),
    ("2263.8", 2263.8),
    ("1053.8", 1053.8),
    ("588.5", 588.5),
    ("3.7", 3.7),
    ("-10.5", -10.5),
    ("-21.9", -21.9),
    ("29.7", 29.7),
    ("-27.2", -27.2),
    ("92.3", 92.3),
    ("1867.5", 1867.5),
    ("6.9", 6.9),
    ("989.2", 989.2),
    ("638.9", 638.9),
    ("239.5", 239.5),
    ("822", 822.0),
    ("1416", 1416.0),
    ("323.6", 323.6),
    ("70.1", 70.1),
    ("14.1", 14.1),
    ("3.1", 3.1),
    ("12.2", 12.2),
    ("2.6", 2.6),
    ("4.2", 4.2),
    ("0.9", 0.9),
    ("4.4", 4.4),
    ("8995.2", 8995.2),
    ("0.2", 0.2),
    ("50.7", 50.7),
    ("4.6", 4.6),
    ("39.3", 39.3),
    ("7.2", 7.2),
    ("65.1", 65.1),
    ("-2.9", -2.9),
    ("-17.9", -17.9),
    ("587.8", 587.8),
    ("57.7", 57.7),
    ("99.7", 99.7),
    ("228.7", 228.7),
    ("202.9", 202.9),
    ("8479.1", 8479.1),
    ("48763452.7", 48763452.7),
    ("11185496", 11185496.0),
    ("4309444", 4309444.0),
    ("95112", 95112.0),
    ("53443", 53443.0),
    ("26826", 26826.0),
    ("57.23", 57.23),
    ("+8", 8.0),
    ("-1", -1.0),
    ("0", 0.0),
    ("00", 0.0),
    ("3.09", 3.09),
    ("9.40", 9.4),
    ("4430", 4430.0),
    ("16.7", 16.7),
    ("1750", 1750.0),
    # NBS cells
    ("475.8", 475.8),
    ("577177.1", 577177.1),
    ("1181.88", 1181.88),
    ("77.8", 77.8),
    # separators and fullwidth
    ("1,234.5", 1234.5),
    ("1,234,567", 1234567.0),
    ("12,000", 12000.0),
    ("１２．５", 12.5),
    ("１，２３４．５", 1234.5),
    ("－１０．５", -10.5),
    ("＋３", 3.0),
    (" 2993 ", 2993.0),
    ("\u22123.2", -3.2),
    ("８６４３．５", 8643.5),
    ("　８８．９　", 88.9),
    # Chinese numerals
    ("十三", 13.0),
    ("二十一", 21.0),
    ("一百零五", 105.0),
    ("两", 2.0),
    ("一", 1.0),
    ("十", 10.0),
    ("十一", 11.0),
    ("十二", 12.0),
    ("二十", 20.0),
    ("九十九", 99.0),
    ("一百", 100.0),
    ("一百一十", 110.0),
    ("一千零五", 1005.0),
    ("两千", 2000.0),
    ("一万", 10000.0),
    ("一万二千", 12000.0),
    ("十万", 100000.0),
    ("三千万", 30000000.0),
    ("三亿五千万", 350000000.0),
    ("一万亿", 1e12),
    ("一亿零三百万", 103000000.0),
    ("二〇二〇", 2020.0),
    ("零", 0.0),
    ("〇", 0.0),
    ("壹佰", 100.0),
    ("叁拾", 30.0),
    ("负三", -3.0),
    ("负十", -10.0),
    ("三点五", 3.5),
    ("零点五", 0.5),
    ("十二点零五", 12.05),
    ("第", None),
]


@pytest.mark.parametrize(("text", "expected"), NUMBERS)
def test_parse_number(text: str, expected: float | None) -> None:
    assert parse_number(text) == expected


NOT_NUMBERS = [
    "",
    " ",
    "abc",
    "1.2.3",
    "12万",
    "53443万G",
    "1e5",
    "1e999",
    "nan",
    "inf",
    "-inf",
    "1,23",
    "12,34,567",
    "十十",
    "五十几",
    "一百五",
    "三四",
    "两两",
    "点五",
    "三点",
    "三点两",
    ".5",
    "5.",
    "--1",
    "+-1",
    "1-8",
    "第十三",
    "百",
    "千千",
    "亿",
    "万",
    "1 000",
    "1_000",
    "０x１０",
    "一二三万",
    "%",
    "5%",
    "约5",
    "2020年",
    "9" * 400,
    "负",
    "负负三",
]


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_parse_number_rejects(text: str) -> None:
    assert parse_number(text) is None


CHINESE = [
    ("十三", 13),
    ("二十一", 21),
    ("一百零五", 105),
    ("两", 2),
    ("一万零五百", 10500),
    ("一千零五", 1005),
    ("一百一十", 110),
    ("两百", 200),
    ("十万", 100000),
    ("三千万", 30000000),
    ("一亿零三百万", 103000000),
    ("十二亿", 1200000000),
    ("五千万亿", 5000000000000000),
    ("二〇二一", 2021),
    ("一九九九", 1999),
    ("十四", 14),
    ("二十三", 23),
    ("三十", 30),
    ("一百二十三", 123),
    ("九千九百九十九", 9999),
    ("十十", None),
    ("一百五", None),
    ("", None),
    ("abc", None),
    ("三四", None),
    ("零三", None),
    ("万", None),
    ("亿万", None),
    ("百十", None),
    ("十百", None),
    ("二〇两〇", None),
]


@pytest.mark.parametrize(("text", "expected"), CHINESE)
def test_chinese_to_int(text: str, expected: int | None) -> None:
    assert chinese_to_int(text) == expected


def test_is_cjk() -> None:
    assert is_cjk("河") and is_cjk("，") and is_cjk("（") and not is_cjk("a") and not is_cjk(" ")


@pytest.mark.parametrize(
    ("text", "squeezed"),
    [
        ("互联\n\n网宽带接入用户", "互联网宽带接入用户"),
        ("2993 万户", "2993万户"),
        ("a b", "ab"),
    ],
)
def test_squeeze(text: str, squeezed: str) -> None:
    out, where = squeeze(text)
    assert out == squeezed
    assert all(text[i] == ch for ch, i in zip(out, where, strict=True))


def test_squeeze_near_cjk_only_keeps_spaces_between_numbers() -> None:
    out, where = squeeze("表3.1 2020年  8 月", near_cjk_only=True)
    assert out == "表3.1 2020年8月"
    assert len(out) == len(where)


# --- properties -------------------------------------------------------------------------


@given(st.text())
def test_halfwidth_keeps_length_and_never_raises(text: str) -> None:
    out = to_halfwidth(text)
    assert len(out) == len(text)
    assert to_halfwidth(out) == out or len(to_halfwidth(out)) == len(out)


@given(st.text())
def test_parse_number_never_raises_never_nan(text: str) -> None:
    value = parse_number(text)
    assert value is None or math.isfinite(value)


@given(st.text(alphabet="零〇一二两三四五六七八九十百千万亿点负壹贰拾佰", max_size=12))
def test_chinese_numerals_never_raise(text: str) -> None:
    value = parse_number(text)
    assert value is None or math.isfinite(value)
    n = chinese_to_int(text)
    assert n is None or n >= 0


@given(st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-(10**12), max_value=10**12))
def test_arabic_round_trip(d) -> None:
    text = format(d, "f")
    assert parse_number(text) == float(text)


@given(st.integers(min_value=1, max_value=99_999_999))
def test_chinese_round_trip(n: int) -> None:
    assert chinese_to_int(_to_chinese(n)) == n


def _to_chinese(n: int) -> str:
    """Write n (< 1 亿) in positional Chinese numerals (test helper)."""
    digits = "零一二三四五六七八九"

    def section(k: int) -> str:
        out, zero = "", False
        for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = k // unit % 10
            if d:
                if zero and out:
                    out += "零"
                out += digits[d] + name
                zero = False
            else:
                zero = True
        return out

    high, low = divmod(n, 10000)
    if not high:
        text = section(low)
        return text[1:] if text.startswith("一十") else text
    text = section(high) + "万"
    if low:
        text += ("零" if low < 1000 else "") + section(low)
    return text[1:] if text.startswith("一十") else text
