"""导入 — upload reports (several at once), ingest them with progress, manage stored documents."""

from __future__ import annotations

import re
import shutil
import tempfile
import uuid
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import auth, common, data
from dashboard.fmt import fmt_count, md_escape
from dashboard.reasons import chinese_reason

TYPES = ["pdf", "txt", "csv", "xls", "xlsx"]
STATUS = {"stored": "已入库", "unchanged": "未变化", "failed": "失败"}
MAX_NAME = 120
MAX_FILES = 20  # files per batch; the size of each is capped by server.maxUploadSize
#: OCR (issue 17): which PDF pages are read by OCR, as `zhibiao ingest --ocr`
OCR_MODES = {
    "auto": "自动（仅识别没有可用文字层的页面，如扫描件）",
    "never": "不识别",
    "always": "识别所有页面",
}


def max_upload_mb() -> int:
    """The per-file size limit Streamlit enforces (server.maxUploadSize, in MB)."""
    return int(st.get_option("server.maxUploadSize"))


def batch_problem(count: int, limit: int = MAX_FILES) -> str | None:
    """Why a batch of uploads is refused, or None.

    >>> batch_problem(3), batch_problem(25)
    (None, '一次最多导入 20 个文件，本次选择了 25 个：请分批导入。')
    """
    if count > limit:
        return f"一次最多导入 {limit} 个文件，本次选择了 {count} 个：请分批导入。"
    return None


def display_name(name: str) -> str:
    """An uploaded file's name, for display only (never used as a path).

    A long name is shortened in its middle and keeps its extension (the type is read from it).

    >>> display_name("../../etc/passwd"), display_name("报告\\x00.pdf")
    ('passwd', '报告.pdf')
    >>> long = display_name("年" * 300 + ".pdf"); len(long) <= MAX_NAME, long.endswith(".pdf")
    (True, True)
    """
    base = re.split(r"[\\\\/]", name)[-1]
    base = "".join(ch for ch in base if ch.isprintable())
    if len(base) > MAX_NAME:
        stem, dot, ext = base.rpartition(".")
        keep = "." + ext if dot and 0 < len(ext) <= 8 else ""
        base = (stem if keep else base)[: MAX_NAME - len(keep) - 1] + "…" + keep
    return base or "未命名文件"


def safe_suffix(name: str) -> str:
    """The upload's extension if it is one we read, else ''.

    >>> safe_suffix("a.PDF"), safe_suffix("x.exe"), safe_suffix("noext")
    ('.pdf', '', '')
    """
    suffix = Path(display_name(name)).suffix.lower()
    return suffix if suffix.lstrip(".") in TYPES else ""


def ingest_uploads(files, options=None, progress=None) -> list[dict]:
    """Save each upload under a generated name in a private temp dir, ingest it, report per file.

    The original name is only displayed: each file is written as ``<random dir>/<sanitised base name>``
    inside a fresh temporary directory (the stored document keeps that sanitised name, and the store
    keeps its own content-addressed copy). ``progress(i, fraction, text)`` is called per file.
    """
    from extract.ingest import Options, ingest

    def report(i: int, fraction: float, text: str) -> None:
        if progress:
            progress(i, fraction, text)

    results: list[dict] = []
    tmp = Path(tempfile.mkdtemp(prefix="zhibiao-upload-"))
    try:
        for i, up in enumerate(files):
            shown = display_name(up.name)
            suffix = safe_suffix(up.name)
            if not suffix:
                row = {
                    "文件": shown,
                    "结果": "失败",
                    "数据条数": 0,
                    "说明": "不支持的文件类型（支持 PDF、TXT、CSV、XLS、XLSX）",
                }
                results.append(row)
                report(i, 1.0, f"失败：{row['说明']}")
                continue
            folder = tmp / uuid.uuid4().hex
            folder.mkdir()
            stem = re.sub(r"[^\w\u4e00-\u9fff.\-（）()]+", "_", Path(shown).stem)[:80].strip("._") or "upload"
            target = folder / f"{stem}{suffix}"
            target.write_bytes(up.getvalue())
            report(i, 0.2, "正在读取与抽取…")
            for r in ingest([target], data.store(), options or Options()):
                row = {
                    "文件": shown,
                    "结果": STATUS.get(r.status, r.status),
                    "数据条数": r.facts,
                    "说明": _reason(r),
                }
                results.append(row)
                report(i, 1.0, f"{row['结果']}：{row['说明']}")
            target.unlink(missing_ok=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return results


def _reason(r) -> str:
    if r.status == "stored":
        note = f"从 {r.pages} 页中抽取 {r.facts} 条数据"
        return note + (f"；{'；'.join(r.warnings)}" if getattr(r, "warnings", None) else "")
    if r.status == "unchanged":
        return chinese_reason(r.reason) if r.reason else "已导入过（相同文件、相同抽取版本），已跳过"
    return chinese_reason(r.reason) if r.reason else "未知原因"


def _delete(doc_id: int, name: str) -> None:
    if not auth.can_edit():  # checked again when the click arrives, not only when the button is drawn
        return
    ok = data.store().delete_document(int(doc_id))
    st.session_state["_import_msg"] = (
        ("success", f"已删除「{md_escape(name)}」及其数据。")
        if ok
        else ("error", f"未找到「{md_escape(name)}」，可能已被删除。")
    )
    st.session_state.pop("del_confirm", None)


def render() -> None:
    st.title("导入")
    st.caption(
        "上传统计报告（PDF、文本转存 TXT、国家统计局 CSV/XLS/XLSX 表格），可一次选择多个文件。"
        "每个文件单独入库：一个文件失败不影响其他文件。"
    )
    st.caption(
        f"限制：每次最多 {MAX_FILES} 个文件，单个文件不超过 {max_upload_mb()} MB；"
        "PDF 最多 2000 页、每份最长处理 300 秒。文件以随机生成的名称保存，原文件名仅用于显示。"
    )
    editor = auth.editor_gate("导入或删除报告")
    files, ocr, go = [], "auto", False
    if editor:
        with st.form("upload", clear_on_submit=True, border=True):
            files = st.file_uploader("选择文件", type=TYPES, accept_multiple_files=True, key="uploads")
            ocr = (
                st.selectbox(  # issue 17
                    "扫描件文字识别（OCR）",
                    list(OCR_MODES),
                    format_func=OCR_MODES.__getitem__,
                    key="ocr_mode",
                    help="由 OCR 读出的数据标记为 ocr，识别把握不足的数字另标 low_confidence",
                )
                or "auto"
            )
            go = st.form_submit_button("开始导入", type="primary", icon=":material/upload:")
    problem = batch_problem(len(files or []))
    if go and files and problem:
        st.error(problem)
    elif go and files:
        bars = []
        with st.container(border=True, key="progress_box"):
            st.markdown("**导入进度**")
            for up in files:
                c1, c2 = st.columns([2, 3], vertical_alignment="center")
                c1.text(display_name(up.name))
                bars.append(c2.progress(0.0, text="等待中"))

        def progress(i: int, fraction: float, text: str) -> None:
            bars[i].progress(fraction, text=md_escape(text))

        from extract.ingest import Options

        results = ingest_uploads(files, options=Options(ocr=ocr), progress=progress)  # OCR mode: issue 17
        st.session_state["_import_results"] = results
        data.clear_caches()
    elif go:
        st.warning("请先选择要导入的文件。")

    shown_results: list[dict] | None = st.session_state.get("_import_results")
    if shown_results:
        stored = sum(r["结果"] == "已入库" for r in shown_results)
        failed = sum(r["结果"] == "失败" for r in shown_results)
        facts = sum(int(r["数据条数"]) for r in shown_results)
        (st.error if failed and not stored else st.warning if failed else st.success)(
            f"导入结果：{stored} 个文件入库（{fmt_count(facts)} 条数据），"
            f"{sum(r['结果'] == '未变化' for r in shown_results)} 个未变化，{failed} 个失败。"
        )
        st.dataframe(
            pd.DataFrame(shown_results),
            hide_index=True,
            key="import_results",
            column_config={"说明": st.column_config.TextColumn("说明", width="large")},
        )

    msg = st.session_state.pop("_import_msg", None)
    if msg:
        (st.success if msg[0] == "success" else st.error)(msg[1])

    st.subheader("已导入的报告")
    docs = data.documents_frame()
    if docs.empty:
        st.info("还没有导入任何报告。也可以用命令行导入：")
        st.code(common.ingest_command(), language="bash", wrap_lines=True)
        return
    table = pd.DataFrame(
        {
            "编号": docs["id"],
            "文件": docs["name"],
            "标题": docs["title"],
            "状态": docs["status"].map({"ok": "正常", "failed": "失败"}).fillna(docs["status"]),
            "数据条数": docs["facts"],
            "页数": docs["pages"],
            "导入时间": docs["ingested_at"].str.replace("T", " ").str.slice(0, 16),
            "说明": docs["error"].fillna("").astype(str).map(chinese_reason),
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        key="documents_table",
        height=min(35 * (len(table) + 1) + 3, 600),
        column_config={
            "编号": st.column_config.NumberColumn("编号", width="small"),
            "标题": st.column_config.TextColumn("标题", width="medium"),
            "说明": st.column_config.TextColumn("说明", width="medium"),
        },
    )

    if not editor:
        return
    with st.expander("删除报告", icon=":material/delete:"):
        # whole columns to Python lists first: iterating rows of text columns one value at a time is
        # slow (0.15 s for 14,000 reports)
        labels = {
            int(i): f"#{i} {name}（{n} 条数据）"
            for i, name, n in zip(
                docs["id"].tolist(), docs["name"].tolist(), docs["facts"].tolist(), strict=True
            )
        }
        doc_id = st.selectbox("选择要删除的报告", list(labels), format_func=labels.__getitem__, key="del_doc")
        name = str(docs.loc[docs["id"] == doc_id, "name"].iloc[0]) if doc_id is not None else ""
        confirm = st.checkbox("我确认删除该报告及其全部数据", key="del_confirm")
        st.button(
            "删除",
            type="primary",
            disabled=not confirm or doc_id is None,
            on_click=_delete,
            args=(doc_id, name),
            key="del_button",
            icon=":material/delete:",
        )


if __name__ == "__main__":
    render()
