"""数据 — the filtered facts with provenance, the source page of a selected fact, downloads."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import charts, common, data, filters, selection, source
from dashboard.fmt import MEASURE_LABELS, fmt_count, md_escape, operator_label, period_label
from extract.export import SheetTooLarge, to_csv_bytes, to_xlsx_bytes

#: rows the table shows (the downloads hold every row): each rerun fetches their provenance text from the
#: store and sends them to the browser — at 20,000 rows about 0.5–1.2 s and several MB per filter change on a
#: store of 10 M facts; 5,000 rows scroll as far as anyone reads, and the caption says when more exist
MAX_ROWS = 5_000
#: the Excel download made for this session: (view key, workbook or None, why it failed or "")
XLSX_STATE = "_xlsx_made"
#: why a workbook could not be made, by an exception of its chain: (type, text in its message, reason shown)
_TOO_MANY_ROWS = (
    "超出 Excel 的行数上限（每个工作表最多 1,048,576 行）；请缩小筛选范围分批导出，或下载 CSV（没有行数上限）"
)
XLSX_FAILURES: tuple[tuple[type[BaseException], str, str], ...] = (
    (SheetTooLarge, "", _TOO_MANY_ROWS),
    (ValueError, "sheet is too large", _TOO_MANY_ROWS),
    (MemoryError, "", "服务器内存不足；请缩小筛选范围，或下载 CSV"),
    (OSError, "No space left", "服务器磁盘空间不足"),
)
log = logging.getLogger(__name__)
SERIES_KEYS = ["indicator", "region", "operator", "subject", "measure", "period_type"]


def sparklines(df: pd.DataFrame, min_points: int = 3) -> pd.Series:
    """Per row: the values of its series (same indicator, region, operator, subject, measure, period type)
    over time, each period once (a figure stated by several reports, or by the text and a table of one
    report, is one point), for series of at least ``min_points`` periods.

    >>> d = pd.DataFrame({"indicator": ["a", "a", "a", "a", "b"], "region": "r", "operator": "", "subject": "",
    ...                   "measure": "value", "period_type": "month", "value": [2.0, 1.0, 1.0, 3.0, 5.0],
    ...                   "period": ["2020-02", "2020-01", "2020-01", "2020-03", "2020-01"],
    ...                   "period_end": pd.to_datetime(["2020-02-29", "2020-01-31", "2020-01-31", "2020-03-31",
    ...                                                 "2020-01-31"])})
    >>> sparklines(d).tolist()
    [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [1.0, 2.0, 3.0], None]
    """
    ordered = df.sort_values("period_end", kind="stable")
    group = ordered.groupby(SERIES_KEYS, sort=False, observed=True).ngroup().to_numpy()
    once = (
        ~pd.DataFrame({"g": group, "p": ordered["period"].astype(str).to_numpy()})
        .duplicated(keep="last")
        .to_numpy()
    )
    # the rows of each group together, in time order (a stable sort keeps that order within a group)
    g1, values = group[once], ordered["value"].to_numpy()[once]
    order = np.argsort(g1, kind="stable")
    g1, values = g1[order], values[order]
    bounds = np.flatnonzero(np.diff(g1)) + 1
    lists = (
        [v.tolist() if len(v) >= min_points else None for v in np.split(values, bounds)]
        if len(values)
        else []
    )
    first = g1[np.r_[0, bounds]] if len(values) else g1
    by_group = dict(zip(first.tolist(), lists, strict=True))
    per_row = pd.Series(group, index=ordered.index).reindex(df.index)
    return pd.Series([by_group.get(g) for g in per_row.tolist()], index=df.index, dtype=object)


def _text(s: pd.Series) -> pd.Series:
    """Plain strings (categoricals of the cached frame would drag all their categories along)."""
    return s.astype(str) if isinstance(s.dtype, pd.CategoricalDtype) else s


def view(df: pd.DataFrame) -> pd.DataFrame:
    """The table as shown: Chinese headers, numbers as printed (数值 with its qualifier, 原值 with the printed
    unit), each series' 走势, provenance last."""
    return pd.DataFrame(
        {
            "指标": _text(df["indicator"]),
            "地区": _text(df["region"]),
            "运营商": df["operator"].map(operator_label),
            "对象": _text(df["subject"]),
            "期间": df["period"].map(period_label),
            "口径": df["measure"].map(lambda m: MEASURE_LABELS.get(m, m)),
            # as printed, with its qualifier; ⚠ before a number that failed a consistency check
            "数值": charts.mark_failed(selection.shown_column(df), df) if len(df) else [],
            "原值": selection.printed_column(df["raw_value"], df["raw_unit"]),
            "单位": _text(df["unit"]),
            "走势": sparklines(df),
            "原文": _text(df["snippet"]),
            "报告": _text(df["document"]),
            "页": df["page"],
            "标记": _text(df["flags"]),
        }
    ).reset_index(drop=True)


COLUMNS = {
    "数值": st.column_config.TextColumn(
        "数值", help="报告印出的数值（含「超过」「约」等限定词）；⚠ 未通过一致性校验", width="small"
    ),
    "原值": st.column_config.TextColumn("原值", help="报告印出的数值和单位（如 8643.5 万户）", width="small"),
    "单位": st.column_config.TextColumn("单位", help="标准单位", width="small"),
    "走势": st.column_config.LineChartColumn(
        "走势", help="同一序列各期数值（每期一次；三期以上才显示）", width="small"
    ),
    "原文": st.column_config.TextColumn("原文", help="报告中该数字所在的句子或表格行", width="large"),
    "报告": st.column_config.TextColumn("报告", help="来源文件"),
    "页": st.column_config.NumberColumn("页", help="来源页码", format="%d", width="small"),
    "标记": st.column_config.TextColumn("标记", help="low_confidence、unit_assumed 等提示", width="small"),
}


def csv_bytes(df: pd.DataFrame) -> bytes:
    """The CSV download: contract columns, UTF-8 with BOM so Excel reads the Chinese correctly."""
    return to_csv_bytes(data.contract(df), bom=True)


def xlsx_bytes(df: pd.DataFrame, docs: pd.DataFrame, f: data.Filters, extra: list[tuple[str, str]]) -> bytes:
    """The Excel download: the facts, the documents they come from, and the filters applied."""
    used = docs[docs["name"].isin(set(df["document"]))]
    doc_sheet = used[
        ["name", "title", "pages", "kind", "ingested_at", "extractor_version", "facts", "sha256"]
    ]
    rows = (
        f.describe()
        + extra
        + [("数据条数", str(len(df))), ("导出时间", datetime.now().isoformat(timespec="seconds"))]
    )
    return to_xlsx_bytes(
        {
            "facts": data.contract(df),
            "documents": doc_sheet,
            "filters": pd.DataFrame(rows, columns=["筛选", "取值"]),
        }
    )


def source_panel(row: pd.Series, docs: pd.DataFrame) -> None:
    """The selected fact where the report printed it."""
    st.subheader("原文出处")
    left, right = st.columns([3, 2], gap="large")
    with right:
        st.metric(
            md_escape(f"{row['indicator']} · {row['region']}"),
            selection.shown(
                row["value"],
                str(row["unit"]),
                str(row["measure"]),
                str(row["snippet"]),
                str(row["raw_value"]),
                str(row["raw_unit"]),
            ),
        )
        st.caption("报告原文：")
        st.code(row["snippet"] or "（无）", language=None, wrap_lines=True)
        st.caption("来源")
        st.text(
            f"{row['document']}　第 {int(row['page'])} 页\n"
            f"{period_label(row['period'])} · {MEASURE_LABELS.get(row['measure'], row['measure'])}"
            f" · 原文数值 {row['raw_value']}{row['raw_unit']}"
        )
        if row["flags"]:
            st.warning("提示标记：" + row["flags"])
    with left:
        doc = docs[docs["id"] == row["document_id"]]
        sha256 = str(doc.iloc[0]["sha256"]) if len(doc) else ""
        if not source.has_original(data.db_url(), sha256):
            st.info("数据库中没有该报告的原始文件，无法显示原文页面。")
            return
        corners = tuple(row[k] for k in ("x0", "top", "x1", "bottom"))
        box = None if any(pd.isna(v) for v in corners) else corners
        img = source.page_image(data.db_url(), sha256, int(row["page"]), box)
        if img is None:
            st.info("原始文件不是可渲染的 PDF（文本或表格文件），请参阅左侧原文。")
            return
        if box:
            st.image(source.crop_around(img, box), caption="原文位置（黄色框）")
            with st.expander("查看整页"):
                st.image(img)
        else:
            st.image(img, caption=f"第 {int(row['page'])} 页（未记录该数字在页面上的位置）")


def kept(
    facts: pd.DataFrame,
    f: data.Filters,
    measures: list[str] | None,
    query: str,
    found: np.ndarray | None = None,
) -> np.ndarray | None:
    """The rows the table shows, as a mask (None: every row): the sidebar filters, the chosen measures,
    and the search text in the snippet (``found``: ids whose snippet holds it), indicator, region or subject.

    >>> d = pd.DataFrame({"indicator": pd.Categorical(["a", "b"]), "region": pd.Categorical(["郑州市", "r"]),
    ...                   "subject": pd.Categorical(["", ""]), "measure": ["value", "rank"], "id": [1, 2],
    ...                   "operator": "", "month": ["2020-01", "2020-01"]})
    >>> kept(d, data.Filters(), ["rank"], "").tolist(), kept(d, data.Filters(), None, "郑州", np.array([])).tolist()
    ([False, True], [True, False])
    """
    keep = data.mask(facts, f)
    if measures:
        keep = data.both(keep, data.isin(facts, "measure", measures))
    q = query.strip()
    if q:
        keep = data.both(
            keep,
            facts["id"].isin(found if found is not None else []).to_numpy()
            | facts["indicator"].str.contains(q, regex=False).to_numpy()
            | facts["region"].str.contains(q, regex=False).to_numpy()
            | facts["subject"].str.contains(q, regex=False).to_numpy(),
        )
    return keep


def present(df: pd.DataFrame, column: str, keep: np.ndarray | None) -> set:
    """The values of ``column`` among the rows ``keep`` of ``df`` (all for None), as
    ``set(df[column][keep].unique())`` (NaN for a missing value); for a categorical counted on its codes.

    >>> d = pd.DataFrame({"m": pd.Categorical(["a", "b", None]), "n": ["x", "y", "x"]})
    >>> sorted(present(d, "m", np.array([True, False, True])), key=str), present(d, "n", None) == {"x", "y"}
    (['a', nan], True)
    """
    s = df[column]
    if not isinstance(s.dtype, pd.CategoricalDtype):
        return set((s if keep is None else s[keep]).unique())
    codes, cats = data.codes(df, column)
    every = data.cross_counts(df, (column,)) if keep is None else None  # of the shared frame: counted once
    if every is not None:
        seen = every > 0
    else:
        seen = np.zeros(len(cats) + 1, dtype=bool)  # the last slot: code -1, a missing value
        seen[codes if keep is None else codes[keep]] = True
    return set(cats.take(np.flatnonzero(seen[:-1])).tolist()) | ({np.nan} if seen[-1] else set())


def exception_chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and the exceptions it was raised from or while handling, outermost first (a writer that
    fails again while closing its file hides the first error behind the second)."""
    chain = [exc]
    while (nxt := chain[-1].__cause__ or chain[-1].__context__) is not None and nxt not in chain:
        chain.append(nxt)
    return chain


def xlsx_failure(exc: BaseException) -> str:
    """Why the workbook could not be made, in words: the first rule of :data:`XLSX_FAILURES` that an
    exception of the chain matches, else the type and message of the exception the chain started from.

    >>> try:
    ...     try:
    ...         raise ValueError("This sheet is too large! Your sheet size is: 1048577, 21")
    ...     finally:
    ...         raise IndexError("At least one sheet must be visible")
    ... except IndexError as e:
    ...     xlsx_failure(e).startswith("超出 Excel 的行数上限")
    True
    >>> xlsx_failure(KeyError("documents"))
    "KeyError: 'documents'"
    """
    chain = exception_chain(exc)
    for e in chain:
        for kind, text, reason in XLSX_FAILURES:
            if isinstance(e, kind) and text in str(e):
                return reason
    root = chain[-1]
    return f"{type(root).__name__}: {root}"[:400]


def view_key(
    facts: pd.DataFrame, keep: np.ndarray | None, f: data.Filters, extra: list[tuple[str, str]]
) -> str:
    """What a workbook was made of: the ids of the rows kept and the filters written into it."""
    ids = np.ascontiguousarray(data.rows(facts, keep, ["id"])["id"].to_numpy(dtype=np.int64))
    return hashlib.sha1(ids.tobytes() + repr((f.describe(), extra)).encode()).hexdigest()


def make_xlsx(
    facts: pd.DataFrame,
    keep: np.ndarray | None,
    docs: pd.DataFrame,
    f: data.Filters,
    extra: list[tuple[str, str]],
) -> tuple[bytes | None, str]:
    """The workbook of the rows kept, or None and why it could not be made (logged with its traceback)."""
    try:
        return xlsx_bytes(data.rows(facts, keep), docs, f, extra), ""
    except Exception as exc:  # any failure of the writer is shown on the page, in words
        log.exception("the Excel download could not be made")
        return None, xlsx_failure(exc)


def downloads(
    facts: pd.DataFrame,
    keep: np.ndarray | None,
    f: data.Filters,
    chosen: list[str],
    query: str,
    docs: pd.DataFrame,
) -> None:
    """CSV of exactly the rows kept, built when its button is clicked; Excel made on the server first
    (生成 Excel), so that a failure is shown here, then downloaded. A workbook made stays offered while
    the rows and filters are the same."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    extra = [
        ("口径", "、".join(MEASURE_LABELS[m] for m in chosen) if chosen else "全部"),
        ("原文查找", query or ""),
    ]
    d1, d2, d3, _ = st.columns([1, 1, 1, 2])
    d1.download_button(
        "下载 CSV",
        lambda: csv_bytes(data.rows(facts, keep)),
        file_name=f"zhibiao-{stamp}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="dl_csv",
        on_click="ignore",
    )
    made = st.session_state.get(XLSX_STATE)
    key = view_key(facts, keep, f, extra) if made is not None else ""  # hashed only when compared or made
    if made is not None and made[0] != key:  # made for rows or filters no longer shown: let it go
        del st.session_state[XLSX_STATE]
        made = None
    if d2.button(
        "生成 Excel",
        key="make_xlsx",
        icon=":material/table_view:",
        help="按当前筛选生成 Excel 文件（facts、documents、filters 三个工作表），生成后点击「下载 Excel」",
    ):
        n = len(facts) if keep is None else int(keep.sum())
        key = key or view_key(facts, keep, f, extra)
        with st.spinner(f"正在生成 Excel（{fmt_count(n)} 条数据）…"):
            made = st.session_state[XLSX_STATE] = (key, *make_xlsx(facts, keep, docs, f, extra))
    payload, failure = made[1:] if made is not None else (None, "")
    d3.download_button(
        "下载 Excel",
        payload or b"",
        file_name=f"zhibiao-{stamp}.xlsx",
        icon=":material/download:",
        key="dl_xlsx",
        on_click="ignore",
        disabled=payload is None,
        help=None if payload is not None else "请先点击「生成 Excel」",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    if failure:
        st.error(f"Excel 文件未能生成：{md_escape(failure)}。CSV 下载不受影响。", icon=":material/error:")
    elif payload is not None:
        st.caption(f"Excel 文件已生成（{len(payload) / 1024:,.0f} KB），点击「下载 Excel」保存。")


def render() -> None:
    if not common.has_data():
        return
    f = filters.current()
    st.title("数据")
    facts = data.facts()
    scoped = data.mask(facts, f)
    have = present(facts, "measure", scoped)
    top = st.columns([3, 2], vertical_alignment="bottom")
    chosen = top[0].pills(
        "口径",
        [m for m in MEASURE_LABELS if m in have],
        selection_mode="multi",
        format_func=lambda m: MEASURE_LABELS.get(m, m),
        key="d_measure",
        help="不选则显示全部口径",
    )
    query = top[1].text_input("在原文中查找", key="d_query", placeholder="例如：郑州 或 5G")
    keep = kept(facts, f, chosen, query, data.snippet_ids(query.strip()) if query.strip() else None)
    # stored order: report by report, as printed (sorting a million rows costs more than it helps)
    n = len(facts) if keep is None else int(keep.sum())
    if n == 0:
        st.warning("当前筛选条件下没有数据。")
        return
    first = np.arange(min(n, MAX_ROWS)) if keep is None else np.flatnonzero(keep)[:MAX_ROWS]
    # the sentence each row shown was read from, and the number as printed there
    shown = data.provenance(facts.iloc[first], ("snippet", "raw_value", "raw_unit"))
    n_docs = len([d for d in present(facts, "document", keep) if d == d])  # d != d: NaN
    st.caption(
        f"共 {fmt_count(n)} 条数据，来自 {n_docs} 份报告。点击行首选择一条，查看它在报告中的原文位置。"
        + (
            f" 表格仅显示前 {fmt_count(MAX_ROWS)} 条，下载包含全部 {fmt_count(n)} 条。"
            if n > MAX_ROWS
            else ""
        )
    )
    event = st.dataframe(
        view(shown),
        column_config=COLUMNS,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key="facts_table",
        height="auto" if len(shown) <= 12 else 460,
    )
    docs = data.documents_frame()
    downloads(facts, keep, f, chosen, query, docs)
    rows = list(event.selection.rows) if event and event.selection else []
    if rows and rows[0] < len(shown):
        st.divider()
        source_panel(data.provenance(shown.iloc[[rows[0]]]).iloc[0], docs)  # + printed value, box on the page
    else:
        st.caption("提示：在表格中选择一行，即可在此查看原文页面并高亮该数字。")


if __name__ == "__main__":
    render()
