"""Number and unit display in Chinese statistical style (pure functions, no Streamlit).

Values in the fact table are in canonical units (户, 元, GB …); people read them
the way reports print them, scaled by 万 (10⁴) or 亿 (10⁸).

>>> fmt_value(86435000, "户"), fmt_value(3.236e10, "元")
('8643.5万户', '323.6亿元')
"""

from __future__ import annotations

import math
from collections.abc import Iterable

#: Units that are counts or amounts and get 万/亿 scaling.
SCALED_UNITS = frozenset({"户", "人", "人次", "元", "美元", "GB", "个", "次", "家", "张", "条", "分钟", ""})

#: How each measure is called in the UI.
MEASURE_LABELS = {
    "value": "数值",
    "yoy_pct": "同比",
    "mom_pct": "环比",
    "change": "增量",
    "share_pct": "占比",
    "rank": "排名",
    "rank_change": "排名变化",
}

PERIOD_TYPE_LABELS = {
    "month": "当月",
    "ytd": "累计",
    "quarter": "季度",
    "half": "半年",
    "year": "年度",
    "week": "周",
}

LEVEL_LABELS = {
    "national": "全国",
    "macro_region": "大区",
    "province": "省级",
    "city": "地市",
    "county": "区县",
}


def scale_for(magnitude: float, unit: str) -> tuple[float, str]:
    """The divisor and prefix (万/亿) for numbers around ``magnitude`` in ``unit``.

    >>> scale_for(86435000, "户"), scale_for(5291, "个"), scale_for(3.2e10, "元"), scale_for(1e9, "%")
    ((10000.0, '万'), (1.0, ''), (100000000.0, '亿'), (1.0, ''))
    """
    if unit not in SCALED_UNITS or magnitude is None or not math.isfinite(magnitude):
        return 1.0, ""
    m = abs(magnitude)
    if m >= 1e8:
        return 1e8, "亿"
    if m >= 1e4:
        return 1e4, "万"
    return 1.0, ""


def _num(x: float, decimals: int) -> str:
    """Fixed decimals with trailing zeros trimmed.

    >>> _num(8643.50, 1), _num(3.0, 2), _num(-0.0, 1), _num(1234567.0, 0)
    ('8643.5', '3', '0', '1234567')
    """
    s = f"{x:.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def fmt_number(value: float | None, unit: str = "") -> str:
    """The scaled number without the unit noun, e.g. for table cells and axes.

    >>> fmt_number(86435000, "户"), fmt_number(12.345, "%"), fmt_number(None)
    ('8643.5万', '12.3', '—')
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    div, prefix = scale_for(value, unit)
    scaled = value / div
    if unit in ("位",):
        return _num(scaled, 0)
    if div > 1:
        decimals = 1 if abs(scaled) >= 100 else 2
    elif float(scaled).is_integer():
        decimals = 0
    else:
        decimals = 1 if unit in ("%", "pp") or abs(scaled) >= 100 else 2
    return _num(scaled, decimals) + prefix


def fmt_value(value: float | None, unit: str, measure: str = "value") -> str:
    """A value with its unit the way a report prints it.

    >>> fmt_value(86435000, "户"), fmt_value(3.236e10, "元"), fmt_value(5291, "个")
    ('8643.5万户', '323.6亿元', '5291个')
    >>> fmt_value(12.34, "%"), fmt_value(4, "位", "rank"), fmt_value(-1, "位", "rank_change")
    ('12.3%', '第4位', '↓1位')
    >>> fmt_value(1.5, "pp"), fmt_value(99, "部/百户"), fmt_value(5.2e9, "GB"), fmt_value(None, "户")
    ('1.5个百分点', '99部/百户', '52亿GB', '—')
    >>> fmt_value(6.9, "%", "yoy_pct"), fmt_value(-10.5, "%", "yoy_pct")
    ('+6.9%', '-10.5%')
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if measure == "rank":
        return f"第{_num(value, 0)}位"
    if measure == "rank_change":
        v = int(round(value))
        return "持平" if v == 0 else f"{'↑' if v > 0 else '↓'}{abs(v)}位"
    text = fmt_number(value, unit)
    if measure in ("yoy_pct", "mom_pct", "change") and value > 0:
        text = "+" + text
    return text + unit_label(unit)


#: Printed units that are only a scale word: the number then takes the canonical unit (2.07亿 → 2.07亿户).
SCALE_ONLY = _SCALE_ONLY = ("万亿", "百万", "千万", "万", "亿", "千", "百")


def fmt_printed(raw_value: str, raw_unit: str, value: float | None, unit: str, measure: str = "value") -> str:
    """A stored number as the report printed it (its precision and its scale word), else :func:`fmt_value`.

    >>> fmt_printed("11636.5", "万户", 116365000.0, "户"), fmt_printed("2.07", "亿", 2.07e8, "户")
    ('11636.5万户', '2.07亿户')
    >>> fmt_printed("", "", 116365000.0, "户"), fmt_printed("4", "位", 4, "位", "rank")
    ('1.16亿户', '第4位')
    """
    raw_value, raw_unit = str(raw_value or "").strip(), str(raw_unit or "").strip()
    if measure != "value" or not raw_value or not raw_unit:
        return fmt_value(value, unit, measure)
    if raw_unit in _SCALE_ONLY:
        return raw_value + raw_unit + unit_label(unit)
    return raw_value + unit_label(raw_unit)


def unit_label(unit: str) -> str:
    """How a canonical unit is written after a number.

    >>> unit_label("pp"), unit_label("户"), unit_label("")
    ('个百分点', '户', '')
    """
    return {"pp": "个百分点"}.get(unit, unit)


def axis_scale(values: Iterable[float], unit: str) -> tuple[float, str]:
    """One divisor and an axis title for a whole series, from its largest magnitude.

    >>> axis_scale([86435000, 90000000], "户"), axis_scale([12.5, 13], "%"), axis_scale([], "元")
    ((10000.0, '万户'), (1.0, '%'), (1.0, '元'))
    """
    vals = [abs(v) for v in values if v is not None and math.isfinite(v)]
    if not vals:
        return 1.0, unit_label(unit)
    div, prefix = scale_for(max(vals), unit)
    return div, prefix + unit_label(unit)


def fmt_delta_pct(value: float | None) -> str | None:
    """A growth rate for st.metric's delta, or None when unknown.

    >>> fmt_delta_pct(6.94), fmt_delta_pct(None), fmt_delta_pct(-3)
    ('+6.9%', None, '-3%')
    """
    if value is None or not math.isfinite(value):
        return None
    return ("+" if value > 0 else "") + _num(value, 1) + "%"


def fmt_count(n: int) -> str:
    """A plain count, 万-scaled above ten thousand.

    >>> fmt_count(375), fmt_count(1000000), fmt_count(12345)
    ('375', '100万', '1.23万')
    """
    return fmt_number(float(n), "个")


def period_label(period: str) -> str:
    """A canonical period text in Chinese.

    >>> period_label("2020-08"), period_label("2020-01..2020-08"), period_label("2021Q1")
    ('2020年8月', '2020年1-8月', '2021年一季度')
    >>> period_label("2020H1"), period_label("2020"), period_label("2021-W05"), period_label("")
    ('2020年上半年', '2020年', '2021年第5周', '')
    """
    p = period or ""
    try:
        if ".." in p:
            a, b = p.split("..", 1)
            ya, ma = a.split("-")
            yb, mb = b.split("-")
            if ya == yb:
                return f"{ya}年{int(ma)}-{int(mb)}月"
            return f"{ya}年{int(ma)}月-{yb}年{int(mb)}月"
        if "-W" in p:
            y, w = p.split("-W")
            return f"{y}年第{int(w)}周"
        if "Q" in p:
            y, q = p.split("Q")
            return f"{y}年{'一二三四'[int(q) - 1]}季度"
        if "H" in p:
            y, h = p.split("H")
            return f"{y}年{'上下'[int(h) - 1]}半年"
        if len(p) == 7 and p[4] == "-":
            return f"{p[:4]}年{int(p[5:])}月"
    except (ValueError, IndexError):
        return p
    return f"{p}年" if len(p) == 4 and p.isdigit() else p


def operator_label(op: str) -> str:
    """The operator column's empty value means all operators together.

    >>> operator_label(""), operator_label("中国移动")
    ('全部运营商', '中国移动')
    """
    return op or "全部运营商"


def md_escape(text: str) -> str:
    """Text made literal for the few Streamlit labels that always parse Markdown (progress text,
    widget labels): every ASCII punctuation character is backslash-escaped.

    >>> md_escape("**a_b** [x](y) :red[z] $1$")
    '\\\\*\\\\*a\\\\_b\\\\*\\\\* \\\\[x\\\\]\\\\(y\\\\) \\\\:red\\\\[z\\\\] \\\\$1\\\\$'
    """
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in str(text))


_MD_SPECIAL = frozenset("\\`*_{}[]()#+-.!|:$<>~=&\"'")
