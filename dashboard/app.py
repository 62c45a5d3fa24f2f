"""指标看板 — the Streamlit entry point: ``streamlit run dashboard/app.py``.

Opens on the database in ``$ZHIBIAO_DB_URL`` (default data/zhibiao.sqlite). The
pages live in dashboard/pages_/; the sidebar filters (drawn here, so they
survive page switches) are mirrored in the URL.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import charts, data, filters  # noqa: E402
from dashboard.fmt import fmt_count  # noqa: E402

HERE = Path(__file__).resolve().parent
st.set_page_config(
    page_title="指标看板 Zhibiao",
    page_icon=str(HERE / "static" / "favicon.png"),
    layout="wide",
    initial_sidebar_state="expanded",
)
charts.inject_css()

#: Addresses that only this machine can reach. Serving on any other needs ZHIBIAO_EXPOSE=1 (see README).
LOOPBACK = ("127.0.0.1", "localhost", "::1")
if str(st.get_option("server.address") or "") not in LOOPBACK and os.environ.get("ZHIBIAO_EXPOSE") != "1":
    st.error(
        "看板只在本机地址（127.0.0.1）上提供。当前服务器监听所有网络地址，但未设置 ZHIBIAO_EXPOSE=1，"
        "因此不显示任何数据。请用 `zhibiao dashboard` 启动（默认只在本机），"
        "或确需在网络上共享时用 `zhibiao dashboard --expose`（并设置访问控制）。",
        icon=":material/lock:",
    )
    st.stop()
st.logo(str(HERE / "static" / "logo.png"), size="large")

PAGES = {
    "overview": st.Page(
        HERE / "pages_" / "overview.py", title="概览", icon=":material/dashboard:", default=True
    ),
    "trend": st.Page(
        HERE / "pages_" / "trend.py", title="趋势", icon=":material/show_chart:", url_path="trend"
    ),
    "regions": st.Page(
        HERE / "pages_" / "regions.py", title="地区", icon=":material/map:", url_path="regions"
    ),
    "operators": st.Page(
        HERE / "pages_" / "operators.py", title="运营商", icon=":material/cell_tower:", url_path="operators"
    ),
    "table": st.Page(HERE / "pages_" / "table.py", title="数据", icon=":material/table:", url_path="data"),
    "imports": st.Page(
        HERE / "pages_" / "imports.py", title="导入", icon=":material/upload_file:", url_path="import"
    ),
    "review": st.Page(
        HERE / "pages_" / "review.py", title="审核", icon=":material/fact_check:", url_path="review"
    ),
}
st.session_state["_pages"] = PAGES

# keep the filter widgets' state while a page that does not draw them is shown
for _k in ("f_ind", "f_region", "f_op", "f_from", "f_to", "f_cat"):
    if _k in st.session_state:
        st.session_state[_k] = st.session_state[_k]

nav = st.navigation(
    {
        "分析": [PAGES[k] for k in ("overview", "trend", "regions", "operators", "table")],
        "管理": [PAGES["imports"], PAGES["review"]],
    }
)

analysis = nav.url_path not in ("import", "review")  # the pages that read every fact's frame

with st.sidebar:
    st.markdown("### 指标看板")
    n_docs = data.run_version()[0]
    if n_docs:
        # the frame those pages read anyway holds every fact (counting them in the store took 0.4 s at 10 M
        # facts on PostgreSQL, at every start and every change of the data)
        n_facts = len(data.facts()) if analysis else data.fact_count()
        # reports as on 概览 and 数据: those stored; a failed import is named apart, not counted as a report
        n_ok = int((data.documents_frame()["status"] == "ok").sum())
        failed = f"（另有 {n_docs - n_ok} 份导入失败）" if n_docs > n_ok else ""
        st.caption(f"{n_ok} 份报告{failed} · {fmt_count(n_facts)} 条数据")
    else:
        st.caption("数据库为空")

if n_docs and analysis:
    filters.sidebar()
else:
    st.session_state["_filters"] = data.Filters()

msg = st.session_state.pop("_demo_msg", None)  # set by the demo button's callback
if msg:
    (st.success if msg[0] == "success" else st.error)(msg[1], icon=":material/info:")

nav.run()
