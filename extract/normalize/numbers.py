"""Numbers as Chinese reports print them: fullwidth forms, thousands separators, Chinese numerals.

Everything here is pure and never raises on arbitrary text.

Fullwidth conversion (:func:`to_halfwidth`) is *one character for one character*, so an
index into the converted text is also an index into the original; the ``find_*`` scanners
rely on that to report spans of the original text.  What is converted:

* always: fullwidth digits ``０-９``, fullwidth Latin letters, ``％`` → ``%``, ``／`` → ``/``,
  the ideographic space (U+3000) and the no-break space → an ASCII space;
* only in a numeric context: ``．`` → ``.`` between two digits; ``＋``/``－``/``−`` (U+2212)
  → ``+``/``-`` right before a digit; ``，`` → ``,`` between a digit and exactly three digits
  (a thousands separator, ``1，234``).  A ``，`` elsewhere is the ordinary Chinese comma.
* never: CJK punctuation that carries sentence structure (``，。；：、（）【】～``); callers
  that need halfwidth parentheses convert them themselves.
"""

from __future__ import annotations

import math
import re

_ALWAYS = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}  # ０-９
_ALWAYS.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_ALWAYS.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_ALWAYS.update({"％": "%", "／": "/", "\u3000": " ", "\u00a0": " "})
_BEFORE_DIGIT = {"＋": "+", "－": "-", "\u2212": "-"}

_DIGITS = "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
_DIGIT_VALUE = {ch: i for i, ch in enumerate("零一二三四五六七八九")}
_DIGIT_VALUE.update(
    {"〇": 0, "两": 2, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9}
)
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}

#: Characters that may make up a Chinese numeral (for building regular expressions).
CHINESE_NUMERAL_CHARS = _DIGITS + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)

#: An Arabic number as printed: optional sign, optional thousands separators, optional decimals.
NUMBER_PATTERN = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUMBER_RE = re.compile(NUMBER_PATTERN)


def _is_digit(ch: str) -> bool:
    return "0" <= ch <= "9" or "０" <= ch <= "９"


def to_halfwidth(text: str) -> str:
    """Fullwidth digits, letters and numeric punctuation to ASCII, keeping the length.

    >>> to_halfwidth("１２．５％")
    '12.5%'
    >>> to_halfwidth("８６４３．５万户，同比增长－１０．５％")
    '8643.5万户，同比增长-10.5%'
    >>> to_halfwidth("１，２３４．５")
    '1,234.5'
    >>> to_halfwidth("ＩＰｖ６　地址")
    'IPv6 地址'
    >>> to_halfwidth("分别为1，2，3。")  # a list, not thousands
    '分别为1，2，3。'
    """
    if not text:
        return text
    out = list(text)
    n = len(text)
    for i, ch in enumerate(text):
        if ch in _ALWAYS:
            out[i] = _ALWAYS[ch]
        elif ch in _BEFORE_DIGIT:
            if i + 1 < n and _is_digit(text[i + 1]):
                out[i] = _BEFORE_DIGIT[ch]
        elif ch == "．":
            if 0 < i < n - 1 and _is_digit(text[i - 1]) and _is_digit(text[i + 1]):
                out[i] = "."
        elif ch == "，":
            if (
                i > 0
                and _is_digit(text[i - 1])
                and i + 3 < n + 0
                and all(_is_digit(c) for c in text[i + 1 : i + 4])
                and (i + 4 == n or not _is_digit(text[i + 4]))
            ):
                out[i] = ","
    return "".join(out)


def chinese_to_int(text: str) -> int | None:
    """The value of a Chinese numeral, or None when it is not a well-formed one.

    Positional forms (十三, 一百零五, 三亿五千万) and digit-by-digit forms (二〇二〇) are
    both read; financial forms (壹贰叁, 拾佰仟) too.

    >>> [chinese_to_int(s) for s in ["十三", "二十一", "一百零五", "两", "一万二千", "二〇二〇"]]
    [13, 21, 105, 2, 12000, 2020]
    >>> chinese_to_int("三亿五千万"), chinese_to_int("一万亿"), chinese_to_int("十")
    (350000000, 1000000000000, 10)
    >>> chinese_to_int("十十") is None, chinese_to_int("") is None, chinese_to_int("五十几") is None
    (True, True, True)
    """
    if not text or any(ch not in CHINESE_NUMERAL_CHARS for ch in text):
        return None
    if all(ch in _DIGIT_VALUE for ch in text):
        if len(text) == 1:
            return _DIGIT_VALUE[text]
        if "两" in text or text[0] in "零〇" or (len(text) < 4 and "〇" not in text):
            return None  # 三四 is "three or four"; digit-by-digit needs 〇 or four digits (二〇二〇)
        return int("".join(str(_DIGIT_VALUE[ch]) for ch in text))
    return _below(text, 100_000_000 * 100_000_000)


def _below(text: str, limit: int) -> int | None:
    """A positional numeral smaller than ``limit`` (splitting at 亿, then 万)."""
    for ch, unit in (("亿", 100_000_000), ("万", 10_000)):
        if unit >= limit or ch not in text:
            continue
        high_text, _, low_text = text.partition(ch)
        high = _below(high_text, unit if unit == 10_000 else 10_000 * 10_000) if high_text else None
        if not high:
            return None
        low = _below(low_text.removeprefix("零"), unit) if low_text else 0
        if low is None:
            return None
        return high * unit + low
    return _section(text)


def _section(text: str) -> int | None:
    """A numeral below 万: digits, 十百千 and 零 placeholders."""
    if not text or any(ch in _BIG_UNITS for ch in text):
        return None
    value = 0
    digit: int | None = None
    last_unit = 10_000
    zero = False
    for i, ch in enumerate(text):
        if ch in _DIGIT_VALUE:
            if digit is not None:
                return None
            if _DIGIT_VALUE[ch] == 0:
                if zero or i == 0:
                    return None
                zero = True
                continue
            digit = _DIGIT_VALUE[ch]
        else:
            unit = _SMALL_UNITS[ch]
            if unit >= last_unit:
                return None
            if digit is None:
                if unit != 10 or i != 0:
                    return None
                digit = 1
            value += digit * unit
            digit, last_unit, zero = None, unit, False
    if digit is not None:
        if last_unit > 10 and last_unit != 10_000 and not zero:
            return None  # 一百五 is colloquial for 150: too ambiguous to read
        value += digit
    return value


def _plain_number(text: str) -> float | None:
    """An Arabic number (sign, separators, decimals) filling the whole text."""
    if not _NUMBER_RE.fullmatch(text):
        return None
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_number(text: str) -> float | None:
    """A number printed alone: Arabic (fullwidth or not, with separators) or Chinese.

    A leading ``负`` is a minus sign; ``点`` is a decimal point in Chinese numerals.
    Returns None for anything else; never NaN or infinity.

    >>> [parse_number(s) for s in ["1,234.5", "１２．５", "-10.5", "+3", " 2993 ", "0.2"]]
    [1234.5, 12.5, -10.5, 3.0, 2993.0, 0.2]
    >>> [parse_number(s) for s in ["十三", "二十一", "一百零五", "两", "负三", "三点五"]]
    [13.0, 21.0, 105.0, 2.0, -3.0, 3.5]
    >>> [parse_number(s) for s in ["", "abc", "1.2.3", "12万", "1e999", "nan", "1,23"]]
    [None, None, None, None, None, None, None]
    """
    if not isinstance(text, str):
        return None
    s = to_halfwidth(text).strip()
    if not s:
        return None
    value = _plain_number(s)
    if value is not None:
        return value
    sign = 1.0
    if s[0] in "负-+":
        sign = -1.0 if s[0] in "负-" else 1.0
        s = s[1:]
    if "点" in s:
        whole, _, frac = s.partition("点")
        w = chinese_to_int(whole)
        if w is None or not frac or any(ch not in _DIGIT_VALUE or ch == "两" for ch in frac):
            return None
        digits = "".join(str(_DIGIT_VALUE[ch]) for ch in frac)
        return sign * float(f"{w}.{digits}")
    n = chinese_to_int(s)
    if n is None:
        return None
    value = sign * float(n)
    return value if math.isfinite(value) else None


def is_cjk(ch: str) -> bool:
    """Whether ``ch`` is a CJK ideograph (or CJK punctuation and fullwidth forms).

    >>> is_cjk("河"), is_cjk("，"), is_cjk("a"), is_cjk("")
    (True, True, False, False)
    """
    return bool(ch) and (
        "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef"
    )


def squeeze(text: str, near_cjk_only: bool = False) -> tuple[str, list[int]]:
    """Remove whitespace, and say where each remaining character was.

    With ``near_cjk_only`` a whitespace run is removed only when a neighbour is CJK
    (``2020 年 6 月`` → ``2020年6月``, but ``表3.1 2020年`` keeps its space).  Returns the
    squeezed text and, for each of its characters, the index in ``text``.

    >>> squeeze("互联\\n网 宽带")
    ('互联网宽带', [0, 1, 3, 5, 6])
    >>> squeeze("截至 2020 年 6 月底，表3.1 2020年", near_cjk_only=True)[0]
    '截至2020年6月底，表3.1 2020年'
    """
    out: list[str] = []
    where: list[int] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            before = text[i - 1] if i > 0 else ""
            after = text[j] if j < n else ""
            if near_cjk_only and not (is_cjk(before) or is_cjk(after)) and before and after:
                out.append(" ")
                where.append(i)
            i = j
            continue
        out.append(text[i])
        where.append(i)
        i += 1
    return "".join(out), where
