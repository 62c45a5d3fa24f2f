"""Sidebar filters mirrored in the URL (st.query_params).

The filter widgets live in the entry script, so their state survives page
switches; after every run their values are written back to the query string,
so copying the address reproduces the view. On a fresh session the widgets are
seeded from the query string.

URL keys: ``ind`` (indicator, repeatable), ``region`` (repeatable), ``op``
(operator, repeatable; ``合计`` = all operators together), ``from`` / ``to``
(YYYY-MM). Pages add their own keys through :func:`bind` (a control seeded from and written
back to the URL).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from . import data
from .fmt import LEVEL_LABELS, operator_label

TOTAL_OP = "合计"  # how the empty operator (all operators together) is spelled in the URL


def _qp_list(key: str) -> list[str]:
    return [v for v in st.query_params.get_all(key) if v != ""]


def _qp_str(key: str) -> str:
    return st.query_params.get(key, "") or ""


def _set_qp(key: str, value: str | Sequence[str] | None) -> None:
    """Write one query parameter only when it changed (each write costs a browser round-trip)."""
    if value is None or value == "" or (not isinstance(value, str) and len(value) == 0):
        if key in st.query_params:
            del st.query_params[key]
        return
    if isinstance(value, str):
        if st.query_params.get(key) != value or len(st.query_params.get_all(key)) != 1:
            st.query_params[key] = value
        return
    if st.query_params.get_all(key) != list(value):
        st.query_params[key] = list(value)


def set_param(key: str, value: str | Sequence[str] | None) -> None:
    """Put a page's own setting in the URL ('' or None removes it)."""
    _set_qp(key, value)


def page_state(
    key: str, options: Sequence[str], default: str | Callable[[], str] | None = None, qp: str | None = None
) -> None:
    """Seed the page widget ``key`` from the URL key ``qp`` (once), keeping it within ``options``.

    ``default`` may be a function: it is called only when the default is needed.
    """
    qp = qp or key
    current = st.session_state.get(key)
    if current not in options:
        want = _qp_str(qp)
        if want not in options and callable(default):
            default = default()
        st.session_state[key] = (
            want
            if want in options
            else (default if default in options else (options[0] if options else None))
        )


def remember(key: str, qp: str | None = None) -> None:
    """Mirror a page widget's value into the URL."""
    value = st.session_state.get(key)
    _set_qp(qp or key, "" if value is None else str(value))


def bind(
    widget: Callable[..., object],
    label: str,
    options: Sequence[str],
    key: str,
    qp: str | None = None,
    default: str | Callable[[], str] | None = None,
    **kwargs: object,
) -> str:
    """A page control bound to the URL, the one way every page does it: seeded from the URL key ``qp``
    (else ``default``, kept within ``options``), drawn with ``widget`` (``st.selectbox``, a column's
    ``segmented_control`` …), and written back to the URL. Returns the widget's value ('' when none is chosen).
    """
    page_state(key, options, default, qp=qp)
    value = widget(label, options, key=key, **kwargs)
    remember(key, qp=qp)
    return "" if value is None else str(value)


def _seed(key: str, value) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def sidebar() -> data.Filters:
    """Draw the filter widgets in the sidebar and return the current choice."""
    opts = data.options()
    inds: list[str] = opts["indicators"]
    regs: list[str] = opts["regions"]
    ops: list[str] = opts["operators"]
    months: list[str] = opts["months"]
    cat_of: dict[str, str] = opts["category"]

    _seed("f_ind", [i for i in _qp_list("ind") if i in inds])
    _seed("f_region", [r for r in _qp_list("region") if r in regs])
    _seed("f_op", [o for o in ("" if v == TOTAL_OP else v for v in _qp_list("op")) if o in ops])
    # keep the choice within what the data offers (a report may have been deleted)
    st.session_state.f_ind = [i for i in st.session_state.f_ind if i in inds]
    st.session_state.f_region = [r for r in st.session_state.f_region if r in regs]
    st.session_state.f_op = [o for o in st.session_state.f_op if o in ops]

    sb = st.sidebar
    sb.markdown("#### 筛选")
    cats = ["全部类别", *dict.fromkeys(cat_of[i] for i in inds)]
    _seed("f_cat", "全部类别")
    if st.session_state.f_cat not in cats:
        st.session_state.f_cat = "全部类别"
    cat = sb.selectbox("指标类别", cats, key="f_cat")
    shown = [i for i in inds if cat == "全部类别" or cat_of[i] == cat or i in st.session_state.f_ind]
    sb.multiselect(
        "指标",
        shown,
        key="f_ind",
        placeholder="输入以搜索指标…",
        help="按类别分组，可输入关键词搜索；不选则各页显示数据最多的指标。",
    )
    level = opts["region_level"]
    sb.multiselect(
        "地区",
        regs,
        key="f_region",
        placeholder="全部地区",
        format_func=lambda r: (
            r
            if level.get(r) in ("national", "province")
            else f"{r}（{LEVEL_LABELS.get(level.get(r, ''), '')}）"
        ),
        help="省级和地市均可多选。",
    )
    sb.multiselect(
        "运营商",
        ops,
        key="f_op",
        placeholder="全部（含合计）",
        format_func=operator_label,
        help="「全部运营商」是报告中不分运营商的合计数。",
    )
    start = end = ""
    if len(months) >= 2:
        _seed("f_from", _qp_str("from") if _qp_str("from") in months else months[0])
        _seed("f_to", _qp_str("to") if _qp_str("to") in months else months[-1])
        for k, fallback in (("f_from", months[0]), ("f_to", months[-1])):
            if st.session_state[k] not in months:
                st.session_state[k] = fallback
        label = {m: f"{m[:4]}年{int(m[5:])}月" for m in months}
        c1, c2 = sb.columns(2)
        start = c1.selectbox(
            "起始期",
            months,
            key="f_from",
            format_func=label.__getitem__,
            help="按数据期的截止月筛选（年度数据的截止月为 12 月）",
        )
        end = c2.selectbox("截止期", months, key="f_to", format_func=label.__getitem__)
        if start > end:
            start, end = end, start
            c1.caption("起止已对调")
        if start == months[0]:
            start = ""
        if end == months[-1]:
            end = ""
    elif months:
        sb.caption(f"期间：{months[0][:4]}年{int(months[0][5:])}月（仅一期）")

    f = data.Filters(
        tuple(st.session_state.f_ind),
        tuple(st.session_state.f_region),
        tuple(st.session_state.f_op),
        start,
        end,
    )
    _set_qp("ind", f.indicators)
    _set_qp("region", f.regions)
    _set_qp("op", [o or TOTAL_OP for o in f.operators])
    _set_qp("from", f.start)
    _set_qp("to", f.end)
    if any((f.indicators, f.regions, f.operators, f.start, f.end)):
        sb.button("清除筛选", on_click=_reset, width="stretch", icon=":material/filter_alt_off:")
    st.session_state["_filters"] = f
    return f


def _reset() -> None:
    for k in ("f_ind", "f_region", "f_op", "f_from", "f_to", "f_cat"):
        st.session_state.pop(k, None)
    for k in ("ind", "region", "op", "from", "to"):
        if k in st.query_params:
            del st.query_params[k]


def current() -> data.Filters:
    """The filters chosen in the sidebar during this run."""
    return st.session_state.get("_filters") or data.Filters()
