"""审核 — what needs a person: the review queue, each item where the report printed it, and the decisions.

Selected first (pure functions, tested with plain pytest in tests/test_review_page.py):

* :func:`queue_frame` — the queue of :func:`extract.review.queue` (failed checks, decisions that lost their
  fact, flagged facts, unexplained numbers; most consequential first) as one row per item, with the
  indicators of its facts;
* :func:`select_items` — the rows kept by the page's filters (document, kind, indicator), queue order kept;
* :func:`table_view` — the rows as shown (Chinese headers, labels for the kinds);
* :func:`fact_fields` — one fact's fields as (字段, 取值) rows, shown beside its page;
* :func:`correction_words` — the correction form's values as ``field=value`` words, only those changed;
  :func:`make_words` — the make form's, every field filled in; :func:`usual` — a made fact's defaults.

``render`` draws: the editor gate (:mod:`dashboard.auth`: deciding needs an editor, reading does not), the
reviewer's name (asked once per session and recorded as *who*), the filters, the
queue, the chosen item's report page with the number boxed (:mod:`dashboard.source`) and the decision
forms — accept, correct, reject a fact; map an uncatalogued indicator to a catalogue entry or add it as a
new one (the user catalogue, :mod:`extract.store.review`); make a fact of a number set aside. Every
decision goes through :mod:`extract.review` (the store anchors it, logs it and re-applies it after a
re-extraction) and then clears the dashboard's caches, so every page shows it at once. Report text is
shown literally: in tables, ``st.text``/``st.code``, or through ``md_escape`` in labels.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

from dashboard import auth, data, source
from dashboard.fmt import MEASURE_LABELS, md_escape, operator_label
from extract import review
from extract.model import MEASURES
from extract.store import review as store_review

#: The kinds of the queue in words, in queue order.
KIND_LABELS: dict[str, str] = {
    "check": "校验未通过",
    "unanchored": "决定失去原数据",
    "unit_assumed": "单位系推定",
    "low_confidence": "把握不足",
    "ambiguous_region": "地区有歧义",
    "number": "未解释的数字",
    "uncatalogued_indicator": "指标不在目录中",
    "set_aside": "已搁置的数字",
}
#: The fields of a fact shown beside its page, and the editable ones in the correction form.
FIELD_LABELS: dict[str, str] = {
    "indicator": "指标",
    "region": "地区",
    "operator": "运营商",
    "subject": "对象",
    "period": "期间",
    "measure": "口径",
    "value": "数值",
    "unit": "单位",
    "raw_value": "原文数值",
    "raw_unit": "原文单位",
    "category": "类别",
    "method": "抽取方式",
    "flags": "标记",
    "document": "报告",
    "page": "页",
}
OPERATORS = ("", "中国移动", "中国联通", "中国电信", "中国广电")
ALL = "全部"


# -- selection (pure) ---------------------------------------------------------------------------------
def queue_frame(items: Iterable[review.Item], indicator_of: dict[int, str]) -> pd.DataFrame:
    """One row per queue item, in queue order, with ``indicators`` (the distinct indicators of its facts,
    by ``indicator_of``: fact id → indicator) and ``rank`` (its place in the queue).

    >>> it = [review.Item("C1", "check", "a.pdf", 2, "ytd", "why", (5, 6)),
    ...       review.Item("N3", "number", "a.pdf", 1, "7 in «x»", "why")]
    >>> f = queue_frame(it, {5: "收入", 6: "收入"}); f[["id", "indicators", "rank"]].values.tolist()
    [['C1', ('收入',), 0], ['N3', (), 1]]
    """
    rows = [
        {
            "id": it.id,
            "kind": it.kind,
            "document": it.document,
            "page": int(it.page),
            "what": it.what,
            "why": it.why,
            "facts": tuple(it.facts),
            "indicators": tuple(dict.fromkeys(indicator_of[i] for i in it.facts if i in indicator_of)),
            "rank": n,
        }
        for n, it in enumerate(items)
    ]
    columns = ["id", "kind", "document", "page", "what", "why", "facts", "indicators", "rank"]
    return pd.DataFrame(rows, columns=columns)


def select_items(
    queue: pd.DataFrame, document: str | None = None, kinds: Iterable[str] = (), indicator: str | None = None
) -> pd.DataFrame:
    """The items kept by the filters (None or empty: no restriction, except that numbers set aside with a
    reason are shown only when their kind is chosen), most consequential first.

    >>> q = pd.DataFrame({"id": ["C1", "F2", "N3"], "kind": ["check", "low_confidence", "number"],
    ...                   "document": ["a.pdf", "b.pdf", "a.pdf"], "indicators": [("收入",), ("用户",), ()],
    ...                   "rank": [0, 1, 2]})
    >>> select_items(q, document="a.pdf")["id"].tolist(), select_items(q, kinds=["number", "check"])["id"].tolist()
    (['C1', 'N3'], ['C1', 'N3'])
    >>> select_items(q, indicator="用户")["id"].tolist()
    ['F2']
    """
    keep = pd.Series(True, index=queue.index)
    if document:
        keep &= queue["document"] == document
    kinds = list(kinds)
    keep &= queue["kind"].isin(kinds) if kinds else queue["kind"] != "set_aside"
    if indicator:
        keep &= queue["indicators"].map(lambda names: indicator in names).astype(bool)
    return queue[keep].sort_values("rank", kind="stable")


def table_view(items: pd.DataFrame) -> pd.DataFrame:
    """The queue as shown: id, kind in words, report, page, indicators, what and why."""
    return pd.DataFrame(
        {
            "编号": items["id"],
            "类别": items["kind"].map(lambda k: KIND_LABELS.get(k, k)),
            "报告": items["document"],
            "页": items["page"],
            "指标": items["indicators"].map("、".join),
            "内容": items["what"],
            "原因": items["why"],
        }
    ).reset_index(drop=True)


def fact_fields(fact: dict) -> pd.DataFrame:
    """A stored fact's fields as (字段, 取值) rows, in :data:`FIELD_LABELS` order.

    >>> fact_fields({"indicator": "移动电话用户", "operator": "", "measure": "value", "value": 1.1e8, "page": 3}
    ...             ).values.tolist()
    [['指标', '移动电话用户'], ['运营商', '全部运营商'], ['口径', '数值'], ['数值', '110000000'], ['页', '3']]
    """
    rows = []
    for key, label in FIELD_LABELS.items():
        if key not in fact:
            continue
        value = fact[key]
        if key == "operator":
            text = operator_label(str(value or ""))
        elif key == "measure":
            text = MEASURE_LABELS.get(str(value), str(value))
        elif key == "value":
            text = f"{float(value):.10g}" if value is not None and value != "" else ""
        else:
            text = "" if value is None else str(value)
        rows.append((label, text))
    return pd.DataFrame(rows, columns=["字段", "取值"])


def form_defaults(fact: dict) -> dict[str, str]:
    """What the correction form shows first for a fact: its fields as text, the value as printed.

    >>> form_defaults({"indicator": "a", "region": "河南省", "operator": "", "subject": "", "period": "2020-08",
    ...                "measure": "value", "raw_value": "8643.5", "raw_unit": "万户", "unit": "户"})["value"]
    '8643.5万户'
    """
    out = {k: str(fact.get(k) or "") for k in review.EDITABLE}
    out["value"] = f"{fact.get('raw_value') or ''}{fact.get('raw_unit') or ''}"
    return out


def correction_words(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The ``field=value`` words of a correction: the form's fields that differ from what it showed first.

    >>> correction_words({"region": "河南省", "value": "8643.5万户"}, {"region": "郑州市 ", "value": "8643.5万户"})
    ['region=郑州市']
    """
    return [
        f"{k}={str(after[k]).strip()}"
        for k in review.EDITABLE
        if k in after and str(after[k]).strip() != str(before.get(k, "")).strip()
    ]


# -- reading (cached per data version and decisions taken) -------------------------------------------
def _version() -> tuple:
    """Changes when a document is stored or removed, a decision is taken or checks are run."""
    return data.data_version()


@st.cache_data(show_spinner="正在整理审核队列…", max_entries=4)
def _queue(url: str, version: tuple) -> pd.DataFrame:
    store = data.get_store(url)
    items = review.queue(store) + review.queue(store, "set_aside")
    ids = sorted({i for it in items for i in it.facts})
    names = store.facts_by_id(ids, ["indicator"])["indicator"].astype(str).to_dict() if ids else {}
    return queue_frame(items, {int(k): v for k, v in names.items()})


def catalogue_names(added: Iterable[str] = ()) -> list[str]:
    """Every catalogue indicator name in catalogue order, then those people added (the search box's list).

    >>> names = catalogue_names(["通信杆路"]); names[0], names[-1]
    ('互联网用户', '通信杆路')
    """
    from extract.normalize.indicators import catalogue

    return list(dict.fromkeys([*(ind.name for ind in catalogue()), *added]))


def categories() -> list[str]:
    """The catalogue's categories, in order of first appearance (a new indicator's choices)."""
    from extract.normalize.indicators import catalogue

    return list(dict.fromkeys(ind.category for ind in catalogue()))


def make_words(fields: dict[str, str]) -> list[str]:
    """The make form's fields as ``field=value`` words: every field filled in.

    >>> make_words({"indicator": "新建通信铁塔", "region": "河南省", "operator": "", "value": "1.2万座"})
    ['indicator=新建通信铁塔', 'region=河南省', 'value=1.2万座']
    """
    return [
        f"{k}={str(v).strip()}" for k, v in fields.items() if k in review.EDITABLE and str(v or "").strip()
    ]


def usual(values: pd.Series) -> str:
    """The most frequent non-empty value (a made fact's region and period start as the report's usual ones).

    >>> usual(pd.Series(["河南省", "", "河南省", "郑州市"])), usual(pd.Series([], dtype=str))
    ('河南省', '')
    """
    v = values.astype(str)
    v = v[v != ""]
    return str(v.value_counts().index[0]) if len(v) else ""


# -- drawing ------------------------------------------------------------------------------------------
def reviewer() -> str:
    """The reviewer's name, asked once per dashboard session (recorded as *who* with each decision)."""
    who = str(st.session_state.get("rv_who", "") or "")
    if who:
        c1, c2 = st.columns([4, 1], vertical_alignment="center")
        c1.text(f"审核人：{who}")
        if c2.button("更换审核人", key="rv_who_change", icon=":material/person:"):
            st.session_state["rv_who"] = ""
            st.rerun()
        return who
    with st.form("rv_who_form", border=True):
        name = st.text_input("审核人姓名", key="rv_who_input", help="每次会话只需填写一次，记录在审核日志中")
        if st.form_submit_button("开始审核", type="primary", key="rv_who_ok") and name.strip():
            st.session_state["rv_who"] = name.strip()[:128]
            st.rerun()
    st.info("请先填写审核人姓名，再对队列中的条目作出决定。", icon=":material/person:")
    return ""


def _page_image(document_id: int, page: int, box: tuple | None) -> None:
    """The report page with the number boxed (or the page alone, or why it cannot be shown)."""
    docs = data.documents_frame()
    doc = docs[docs["id"] == int(document_id)]
    sha256 = str(doc.iloc[0]["sha256"]) if len(doc) else ""
    if not source.has_original(data.db_url(), sha256):
        st.info("数据库中没有该报告的原始文件，无法显示原文页面。")
        return
    box = None if box is None or any(pd.isna(v) for v in box) else tuple(float(v) for v in box)
    img = source.page_image(data.db_url(), sha256, int(page), box)
    if img is None:
        st.info("原始文件不是可渲染的 PDF（文本或表格文件），请参阅右侧原文。")
        return
    st.image(source.crop_around(img, box) if box else img, caption=f"第 {int(page)} 页（红框为该数字）")
    if box:
        with st.expander("查看整页"):
            st.image(img)


def _done(message: str) -> None:
    """After a decision: every page reads the store again, and the queue shows what is left."""
    data.clear_caches()
    _queue.clear()
    st.session_state["_review_msg"] = message
    st.rerun()


def _decide(target: str, action: str, words: list[str], who: str, note: str) -> None:
    if not auth.can_edit():  # checked again when the click arrives, not only when the button is drawn
        return
    try:
        if action == "make":
            review.make(data.store(), target, words, who, note)
        else:
            review.decide(data.store(), target, action, words, who, note)
    except (KeyError, ValueError) as exc:
        st.error(md_escape(f"未能保存：{exc.args[0] if exc.args else exc}"))
        return
    done = {"accept": "已确认", "reject": "已剔除", "correct": "已更正", "make": "已生成数据"}[action]
    _done(f"{done} {target}。")


def _map(printed: str, to: str | None, who: str, note: str, category: str = "", unit: str = "") -> None:
    if not auth.can_edit():
        return
    try:
        got = review.map_printed(data.store(), printed, to, who, note, category, unit)
    except (KeyError, ValueError) as exc:
        st.error(md_escape(f"未能保存：{exc.args[0] if exc.args else exc}"))
        return
    _done(
        f"已将「{printed}」映射为「{got['indicator']}」，{got['facts']} 条数据随之更新，今后导入的报告同样适用。"
    )


def _added() -> list[str]:
    """Indicators people added to the catalogue (the user catalogue's targets)."""
    return list(store_review.user_catalogue(data.store())["indicator"])


def map_form(fact: dict, who: str) -> None:
    """Map an uncatalogued indicator to a catalogue entry, or add it as a new one (every fact of that
    printed name, now and in future ingests)."""
    printed = str(fact["indicator"])
    fid = int(fact["id"])
    with st.form(f"rv_map_{fid}", border=True):
        st.markdown("**指标目录**：「" + md_escape(printed) + "」不在指标目录中")
        how = st.radio(
            "处理方式",
            ["map", "new"],
            format_func={"map": "映射到目录中的指标", "new": "作为新指标加入目录"}.get,
            horizontal=True,
            key=f"rv_map_how_{fid}",
        )
        a, b, c = st.columns(3)
        to = a.selectbox(
            "目录中的指标（可搜索）", catalogue_names(_added()), index=None, key=f"rv_map_to_{fid}"
        )
        cats = categories()
        category = b.selectbox(
            "新指标的类别",
            cats,
            index=cats.index(str(fact.get("category"))) if fact.get("category") in cats else 0,
            key=f"rv_map_cat_{fid}",
        )
        unit = c.text_input("新指标的单位", str(fact.get("unit") or ""), key=f"rv_map_unit_{fid}")
        note = st.text_input("备注（记入审核日志）", key=f"rv_map_note_{fid}")
        if st.form_submit_button("保存指标映射", key=f"rv_map_save_{fid}", icon=":material/account_tree:"):
            if how == "map" and not to:
                st.warning("请选择目录中的指标。")
            else:
                _map(printed, to if how == "map" else None, who, note, category, unit)


def make_form(number: dict, who: str) -> None:
    """Make a fact of a set-aside number: its indicator, region, period … and value (the number as
    printed, with its unit), kept across re-extractions."""
    nid = int(number["id"])
    facts = data.store().facts(document=str(number["document"]))
    with st.form(f"rv_make_{nid}", border=True):
        st.markdown("**生成数据**（指标、地区、期间、数值必填）")
        a, b, c = st.columns(3)
        fields = {
            "indicator": a.selectbox(
                "指标（可搜索目录，或输入新名称）",
                catalogue_names(_added()),
                index=None,
                accept_new_options=True,
                key=f"rv_m_indicator_{nid}",
            ),
            "region": b.text_input("地区", usual(facts["region"]), key=f"rv_m_region_{nid}"),
            "operator": c.selectbox(
                "运营商", list(OPERATORS), format_func=operator_label, key=f"rv_m_operator_{nid}"
            ),
            "subject": a.text_input("对象", key=f"rv_m_subject_{nid}"),
            "period": b.text_input(
                "期间（如 2020-08、2020年1-8月）", usual(facts["period"]), key=f"rv_m_period_{nid}"
            ),
            "measure": c.selectbox(
                "口径",
                list(MEASURES),
                format_func=lambda m: MEASURE_LABELS.get(m, m),
                key=f"rv_m_measure_{nid}",
            ),
            "value": a.text_input(
                "数值（含单位，如 1.2万座）", str(number["number"]), key=f"rv_m_value_{nid}"
            ),
        }
        note = st.text_input("备注（记入审核日志）", key=f"rv_m_note_{nid}")
        if st.form_submit_button("生成数据", type="primary", key=f"rv_m_save_{nid}", icon=":material/add:"):
            _decide(f"N{nid}", "make", make_words({k: str(v or "") for k, v in fields.items()}), who, note)


def fact_panel(fact: dict, who: str, allowed: bool) -> None:
    """One fact: its page with the number boxed, its fields, and accept / correct / reject."""
    fid = int(fact["id"])
    left, right = st.columns([3, 2], gap="large")
    with left:
        _page_image(
            int(fact["document_id"]), int(fact["page"]), (fact["x0"], fact["top"], fact["x1"], fact["bottom"])
        )
    with right:
        st.caption("报告原文：")
        st.code(str(fact.get("snippet") or "（无）"), language=None, wrap_lines=True)
        st.dataframe(fact_fields(fact), hide_index=True, key=f"rv_fields_{fid}")
    if not (who and allowed):
        return
    note = st.text_input("备注（确认或剔除时记入审核日志）", key=f"rv_note_{fid}")
    c1, c2, _ = st.columns([1, 1, 3])
    if c1.button("确认无误", key=f"rv_accept_{fid}", icon=":material/check:"):
        _decide(f"F{fid}", "accept", [], who, note)
    if c2.button("剔除（不是统计数据）", key=f"rv_reject_{fid}", icon=":material/block:"):
        _decide(f"F{fid}", "reject", [], who, note)
    before = form_defaults(fact)
    with st.form(f"rv_correct_{fid}", border=True):
        st.markdown("**更正**（只保存改动的字段）")
        a, b, c = st.columns(3)
        names = catalogue_names()
        options = list(dict.fromkeys([before["indicator"], *names, *_added()]))
        after = {
            "indicator": a.selectbox(
                "指标（可搜索目录，或输入新名称）",
                options,
                index=0,
                accept_new_options=True,
                key=f"rv_c_indicator_{fid}",
            ),
            "region": b.text_input("地区", before["region"], key=f"rv_c_region_{fid}"),
            "operator": c.selectbox(
                "运营商",
                list(dict.fromkeys([before["operator"], *OPERATORS])),
                format_func=operator_label,
                key=f"rv_c_operator_{fid}",
            ),
            "subject": a.text_input("对象", before["subject"], key=f"rv_c_subject_{fid}"),
            "period": b.text_input(
                "期间（如 2020-08、2020年1-8月）", before["period"], key=f"rv_c_period_{fid}"
            ),
            "measure": c.selectbox(
                "口径",
                list(MEASURES),
                index=list(MEASURES).index(before["measure"]) if before["measure"] in MEASURES else 0,
                format_func=lambda m: MEASURE_LABELS.get(m, m),
                key=f"rv_c_measure_{fid}",
            ),
            "value": a.text_input("数值（含单位，如 8643.5万户）", before["value"], key=f"rv_c_value_{fid}"),
            "unit": b.text_input("单位", before["unit"], key=f"rv_c_unit_{fid}"),
        }
        # the correction's note is part of its form: sent with it in one submit, never lost to a rerun
        why = c.text_input("更正说明（记入审核日志）", key=f"rv_c_note_{fid}")
        if st.form_submit_button("保存更正", type="primary", key=f"rv_c_save_{fid}", icon=":material/edit:"):
            words = correction_words(before, {k: str(v or "") for k, v in after.items()})
            if words:
                _decide(f"F{fid}", "correct", words, who, why.strip() or note)
            else:
                st.warning("没有改动任何字段。")


def number_panel(number: dict) -> None:
    """An unexplained number: its page with the number boxed and the text around it."""
    left, right = st.columns([3, 2], gap="large")
    with left:
        box = (number["x0"], number["top"], number["x1"], number["bottom"])
        _page_image(int(number["document_id"]), int(number["page"]), box)
    with right:
        st.caption("报告原文：")
        st.code(str(number.get("text") or "（无）"), language=None, wrap_lines=True)
        st.text(f"数字：{number['number']}\n{number['document']}　第 {int(number['page'])} 页")


def item_panel(item: pd.Series, who: str, allowed: bool) -> None:
    """The chosen item: for a check, the failure and a choice among its facts; then the fact or number."""
    st.subheader(md_escape(f"{item['id']} · {KIND_LABELS.get(item['kind'], item['kind'])}"))
    st.text(f"{item['what']}\n{item['why']}")
    store = data.store()
    if item["kind"] in ("number", "set_aside"):
        row = store_review.set_aside(store, int(str(item["id"])[1:]))
        if row.empty:
            st.info("该数字已不在报告的数据中。")
            return
        number_panel(row.iloc[0].to_dict())
        if who and allowed:
            make_form(row.iloc[0].to_dict(), who)
        return
    ids = list(item["facts"])
    if not ids:
        st.info("该决定原先所依据的数据在重新抽取后已不存在：请在下方队列中重新审核该数字。")
        return
    facts = store.facts_by_id(ids)
    if facts.empty:
        st.info("这些数据已不存在（可能已被剔除或报告已重新导入）。")
        return
    labels = {int(i): review.describe(r.to_dict()) for i, r in facts.iterrows()}
    fid = ids[0]
    if len(ids) > 1:
        fid = st.selectbox(
            "该校验涉及的数据",
            [i for i in ids if i in labels],
            format_func=lambda i: labels[i],  # options are shown literally (never Markdown)
            key=f"rv_fact_of_{item['id']}",
        )
        if (
            who
            and allowed
            and st.button(
                f"全部确认（{len(ids)} 条）", key=f"rv_accept_all_{item['id']}", icon=":material/done_all:"
            )
        ):
            _decide(str(item["id"]), "accept", [], who, "")
    fact = {**facts.loc[fid].to_dict(), "id": int(fid)}
    fact_panel(fact, who, allowed)
    if who and allowed and "uncatalogued_indicator" in str(fact.get("flags") or "").split(";"):
        map_form(fact, who)


def render() -> None:
    st.title("审核")
    st.caption(
        "需要人工判断的数字：校验未通过、单位或地区推定、把握不足、指标不在目录中、未能解释的数字，"
        "按影响大小排列。每个决定都记录审核人、时间、修改前后，并在报告重新抽取后自动重新应用。"
    )
    msg = st.session_state.pop("_review_msg", None)
    if msg:
        st.success(md_escape(msg), icon=":material/check_circle:")
    allowed = auth.editor_gate("审核决定")  # decisions need an editor (dashboard/auth.py); reading does not
    who = reviewer() if allowed else ""
    queue = _queue(data.db_url(), _version())
    if queue.empty:
        st.success("审核队列为空：没有需要人工判断的数字。", icon=":material/verified:")
        return
    c1, c2, c3 = st.columns(3)
    docs = sorted(d for d in queue["document"].unique() if d)
    document = c1.selectbox("报告", [ALL, *docs], key="rv_doc")
    kinds = c2.multiselect(
        "类别",
        [k for k in KIND_LABELS if k in set(queue["kind"])],
        format_func=lambda k: KIND_LABELS[k],
        key="rv_kind",
        placeholder="全部类别",
    )
    indicators = sorted({n for names in queue["indicators"] for n in names})
    indicator = c3.selectbox("指标", [ALL, *indicators], key="rv_ind")
    shown = select_items(
        queue,
        None if document == ALL else document,
        kinds,
        None if indicator == ALL else indicator,
    ).reset_index(drop=True)
    aside = int((queue["kind"] == "set_aside").sum())
    st.caption(
        f"共 {len(queue) - aside} 条待审核，当前显示 {len(shown)} 条。在表格中选择一条查看原文并作出决定。"
        + (
            f" 另有 {aside} 个已搁置的数字（日期、目标值等），在「类别」中选择后显示。"
            if aside and not kinds
            else ""
        )
    )
    if shown.empty and not kinds and aside == len(queue):
        st.success("审核队列为空：没有需要人工判断的数字。", icon=":material/verified:")
        return
    if shown.empty:
        st.info("当前筛选条件下没有待审核的条目。")
        return
    event = st.dataframe(
        table_view(shown),
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key="rv_table",
        height="auto" if len(shown) <= 10 else 390,
        column_config={
            "内容": st.column_config.TextColumn("内容", width="large"),
            "原因": st.column_config.TextColumn("原因", width="medium"),
        },
    )
    rows = list(event.selection.rows) if event and event.selection else []
    chosen = rows[0] if rows and rows[0] < len(shown) else 0
    st.divider()
    item_panel(shown.iloc[chosen], who, allowed)


if __name__ == "__main__":
    render()
