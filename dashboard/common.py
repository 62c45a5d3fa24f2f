"""Pieces every page uses: the empty-database explanation, the demo button, series labels.

What pages select (each fact once, the latest value, the default indicator) is in
:mod:`dashboard.selection`."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from . import data, demo
from .fmt import PERIOD_TYPE_LABELS, operator_label


def _load_demo() -> None:
    try:
        docs, n = demo.load_demo(data.store())
    except FileNotFoundError:
        st.session_state["_demo_msg"] = ("error", "没有找到演示数据 data/demo/facts.csv。请先导入报告。")
        return
    except Exception as exc:  # a malformed demo file must not break the page
        st.session_state["_demo_msg"] = ("error", f"演示数据载入失败：{type(exc).__name__}: {exc}")
        return
    st.session_state["_demo_msg"] = ("success", f"已载入演示数据：{docs} 份报告，{n} 条数据。")


def ingest_command() -> str:
    """The CLI line that fills the database this dashboard shows."""
    from extract.paths import DEFAULT_DB_PATH
    from extract.store import resolve_url

    cmd = ".venv/bin/zhibiao ingest 报告目录/"
    url = data.db_url()
    return cmd if url == resolve_url(str(DEFAULT_DB_PATH)) else f"{cmd} --db {url}"


def empty_state() -> None:
    """What an empty database shows: how to add reports, and the demo dataset."""
    st.title("欢迎使用指标看板")
    st.caption(
        "把统计报告（PDF、文本、国家统计局表格）变成可筛选、可追溯的指标数据：每个数字都能一键回到报告原文。"
    )
    st.info(
        "数据库中还没有报告。用下面任一方式导入后，这里会显示指标概览、趋势、地区对比和运营商份额。",
        icon=":material/info:",
    )
    c1, c2, c3 = st.columns(3, gap="medium")
    with c1.container(border=True, height="stretch"):
        st.markdown("**① 命令行导入**")
        st.caption("在项目目录下运行，可一次导入整个文件夹（递归）：")
        st.code(ingest_command(), language="bash", wrap_lines=True)
        st.caption("看板读取的数据库（环境变量 ZHIBIAO_DB_URL 可更改）：")
        st.code(data.db_url(), language=None, wrap_lines=True)
    with c2.container(border=True, height="stretch"):
        st.markdown("**② 在看板中上传**")
        st.caption("在「导入」页选择一个或多个 PDF / TXT / CSV / XLS / XLSX 文件，逐个显示导入结果。")
        st.page_link(_import_page(), label="前往导入页", icon=":material/upload_file:")
    with c3.container(border=True, height="stretch"):
        st.markdown("**③ 先看演示数据**")
        if demo.available():
            st.caption(
                "演示数据由指标看板从真实报告（河南省互联网月报、腾讯云白皮书、国家统计局分省数据）中抽取，附带原文出处。"
            )
            st.button(
                "载入演示数据",
                type="primary",
                on_click=_load_demo,
                key="load_demo",
                icon=":material/play_arrow:",
            )
        else:
            st.caption("本安装未附带演示数据（data/demo/facts.csv 不存在）。")
            st.button("载入演示数据", disabled=True, key="load_demo", help="data/demo/facts.csv 不存在")


def _import_page():
    return st.session_state["_pages"]["imports"]


def has_data() -> bool:
    if data.is_empty():
        empty_state()
        return False
    return True


def series_label(
    df: pd.DataFrame,
    *,
    region: bool = True,
    operator: bool = True,
    subject: bool = True,
    period_type: bool = False,
) -> pd.Series:
    """A readable name per series: 河南省 · 中国移动 · 腾讯. Region and operator appear when they vary;
    a subject (金融, 医疗 …) always appears, since it says what the number is about.

    >>> df = pd.DataFrame({"region": ["全国"], "operator": [""], "subject": pd.Categorical(["金融"]),
    ...                    "period_type": ["year"]})
    >>> series_label(df).tolist()
    ['全国 · 金融']
    >>> df = pd.DataFrame({"region": pd.Categorical(["全国", "全国"]), "operator": ["", ""],
    ...                    "subject": pd.Categorical(["", "金融"]), "period_type": ["year", "year"]})
    >>> series_label(df).tolist()
    ['全国 · 合计', '全国 · 金融']
    """
    parts = []
    if region and df["region"].nunique() > 1:
        parts.append(df["region"].astype(str))
    if operator and df["operator"].nunique() > 1:
        parts.append(df["operator"].map(operator_label).astype(str))
    if not parts and len(df):
        first = df.iloc[0]
        name = (str(first["region"]) if region else "") or operator_label(str(first["operator"]))
        if name:
            parts.append(pd.Series(name, index=df.index))
    subjects = df["subject"].astype(str)
    if subject and (subjects != "").any():
        parts.append(subjects.replace("", "合计"))
    if period_type and df["period_type"].nunique() > 1:
        parts.append(df["period_type"].astype(str).map(lambda t: PERIOD_TYPE_LABELS.get(t, t)))
    if not parts:
        return pd.Series("数值", index=df.index)
    out = parts[0].astype(str)
    for p in parts[1:]:
        out = out + " · " + p.astype(str)
    return out
