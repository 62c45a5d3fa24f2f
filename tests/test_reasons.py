"""Failure reasons in Chinese on the 导入 page (dashboard/reasons.py, data/dashboard/reasons_zh.csv), and the count of
reports in the sidebar agreeing with 数据 when an import failed.

* every rule reads its own example as its expected Chinese (rules as data, one test each);
* a scan of the source (readers, isolation, ingest, store) finds every reason the code can produce and
  fails when one has no rule, so a new reason without a translation is caught;
* real bad files, ingested through the 导入 page's own upload function, get Chinese reasons in the
  upload results and in the stored documents' 说明 column (real AppTest);
* a failed upload is not counted as a report in the sidebar (as on 数据 and 概览), but named apart.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.reasons import chinese_only, chinese_reason, rules

from .conftest import REPO
from .hostile_inputs import zip_bomb_xlsx

APP = str(REPO / "dashboard" / "app.py")


# -- the rules, each with its own test ----------------------------------------------------------------------
@pytest.mark.parametrize("rule", rules(), ids=[r.example[:60] for r in rules()])
def test_each_rule_reads_its_example_as_expected(rule) -> None:
    assert rule.pattern.pattern.startswith("^") and rule.pattern.pattern.endswith("$")
    assert rule.pattern.fullmatch(rule.example), "the example does not match its own pattern"
    first = next(r for r in rules() if r.pattern.fullmatch(rule.example))
    assert first is rule, f"an earlier rule takes this example: {first.pattern.pattern}"
    assert chinese_reason(rule.example) == f"{rule.expected}（{rule.example}）"
    assert re.search(r"[\u4e00-\u9fff]", rule.expected)


def test_an_unknown_reason_stays_in_english_and_nothing_is_guessed() -> None:
    assert chinese_reason("the moon is in the wrong phase") == "the moon is in the wrong phase"
    assert chinese_reason("") == ""
    # a known wrapper around an unknown reason is not half-translated
    wrapped = "the moon is in the wrong phase (the facts stored earlier are kept)"
    assert chinese_reason(wrapped) == wrapped
    # an unknown storage detail is kept as written inside a known reason
    assert (
        chinese_only("could not open the database (no route to host)") == "无法打开数据库（no route to host）"
    )


# -- every reason in the source has a rule ------------------------------------------------------------------
#: where reasons are made: the readers, the child-process isolation, ingest, and the store's busy error
SOURCES = [
    REPO / "extract" / "ingest.py",
    REPO / "extract" / "isolate.py",
    REPO / "extract" / "store" / "write.py",
    *sorted((REPO / "extract" / "readers").glob("*.py")),
]
#: calls whose argument is a reason: name → positional index
REASON_ARGS = {"InputError": 1, "Failure": 0, "StoreBusy": 0}
#: keywords and assignment targets that hold a reason or a stored error
REASON_NAMES = {"reason", "error"}
#: functions whose returned strings are storage details put inside a reason
DETAIL_FUNCTIONS = {"_storage_reason"}
#: what a formatted value ({…}) may be when the code runs: numbers as formatted (:g, :,), sizes from
#: megabytes(), suffixes, signal names, exception text, file names, a nested reason (a wrapper)
HOLE_VALUES = (
    "300",
    "1536",
    "2,000,000",
    "50 MB",
    ".doc",
    ".pdf, .txt, .csv, .xls, .xlsx",
    "SIGKILL",
    "ValueError: boom",
    "Permission denied",
    "报告-2020.pdf",
    "the file is empty",
)
HOLE = None  # a part of a reason only known when the code runs


@dataclass(frozen=True)
class Made:
    """One reason the source can produce: its parts (text, or HOLE), and where."""

    parts: tuple[str | None, ...]
    where: str

    def samples(self) -> Iterator[str]:
        holes = self.parts.count(HOLE)
        for fill in itertools.product(HOLE_VALUES, repeat=holes):
            values = iter(fill)
            yield "".join(next(values) if p is HOLE else p for p in self.parts)

    def shown(self) -> str:
        return "".join("{…}" if p is HOLE else p for p in self.parts)


def _shapes(node: ast.expr, consts: dict[str, ast.expr]) -> list[tuple[str | None, ...]]:
    """Every way the expression's text can come out: literal parts and holes."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [(node.value,)]
    if isinstance(node, ast.JoinedStr):
        shapes: list[tuple[str | None, ...]] = [()]
        for value in node.values:
            parts = (
                _shapes(value, consts) if isinstance(value, ast.Constant) else [(HOLE,)]
            )  # FormattedValue: known only at run time
            shapes = [s + p for s in shapes for p in parts]
        return shapes
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [a + b for a in _shapes(node.left, consts) for b in _shapes(node.right, consts)]
    if isinstance(node, ast.IfExp):
        return _shapes(node.body, consts) + _shapes(node.orelse, consts)
    if isinstance(node, ast.BoolOp):
        return [s for v in node.values for s in _shapes(v, consts)]
    if isinstance(node, ast.Name) and node.id in consts:
        return _shapes(consts[node.id], consts)
    return [(HOLE,)]


def _merged(shape: tuple[str | None, ...]) -> tuple[str | None, ...]:
    out: list[str | None] = []
    for p in shape:
        if p is not HOLE and out and out[-1] is not HOLE:
            out[-1] = str(out[-1]) + p
        elif p != "":
            out.append(p)
    return tuple(out)


def reasons_in(source: str, name: str) -> list[Made]:
    """The reasons a module's source can produce (a bare hole — a reason passed on — is not one)."""
    tree = ast.parse(source)
    consts = {
        t.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    found: list[tuple[ast.expr, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            callee = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            index = REASON_ARGS.get(callee)
            if index is not None and len(node.args) > index:
                found.append((node.args[index], node.lineno))
            found += [(k.value, node.lineno) for k in node.keywords if k.arg in REASON_NAMES]
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                target = t.id if isinstance(t, ast.Name) else getattr(t, "attr", "")
                if target in REASON_NAMES:
                    found.append((node.value, node.lineno))
        elif isinstance(node, ast.FunctionDef) and node.name in DETAIL_FUNCTIONS:
            found += [(r.value, r.lineno) for r in ast.walk(node) if isinstance(r, ast.Return) and r.value]
    made = []
    for expr, line in found:
        for shape in map(_merged, _shapes(expr, consts)):
            if shape and shape != (HOLE,):
                made.append(Made(shape, f"{name}:{line}"))
    return made


def all_reasons() -> list[Made]:
    return [m for path in SOURCES for m in reasons_in(path.read_text(encoding="utf-8"), path.name)]


def uncovered(made: list[Made]) -> list[str]:
    return [f"{m.where}: {m.shown()}" for m in made if not any(chinese_only(s) for s in m.samples())]


def test_the_scan_finds_the_reasons_of_every_kind() -> None:
    """The scan itself: it finds plain, formatted, joined, conditional and constant reasons."""
    shown = {m.shown() for m in all_reasons()}
    assert len(shown) >= 40, sorted(shown)
    for expected in (
        "not a PDF file (no %PDF header)",  # a plain string (pdf.py)
        "too large: the workbook unpacks to {…}, more than the limit of {…}",  # an f-string (spreadsheet.py)
        "the PDF has no text layer (a scanned or image-only document); and OCR found no text on it",  # + and if
        "expected a 国家数据 export",  # a module constant (SHAPE_HELP)
        "took too long: stopped after {…} s (the limit; raise it with --timeout)",  # isolate.py, Failure(...)
        "unexpected error while reading ({…}: {…})",  # an attribute assignment (out.error = ...)
        "{…} (the facts stored earlier are kept)",  # a wrapper (ingest.py)
        "the database is busy: another process held its write lock for more than {…} s",  # StoreBusy
        "the disk is full or failing: {…}",  # a storage detail
    ):
        assert any(s.startswith(expected) for s in shown), expected


def test_a_new_reason_without_a_rule_is_caught() -> None:
    source = (
        "def read(path, n):\n"
        "    raise InputError(str(path), f'the file is from the future ({n} years ahead)')\n"
        "def save(path):\n"
        "    return Result(path, 'failed', reason='the file is empty')\n"
    )
    made = reasons_in(source, "new.py")
    assert [m.shown() for m in made] == ["the file is from the future ({…} years ahead)", "the file is empty"]
    assert uncovered(made) == ["new.py:2: the file is from the future ({…} years ahead)"]


def test_every_reason_in_the_source_has_a_rule() -> None:
    missing = uncovered(all_reasons())
    assert not missing, "reasons without a rule in data/dashboard/reasons_zh.csv:\n" + "\n".join(missing)


# -- real bad files through the 导入 page -------------------------------------------------------------------
REPORT = (
    "2020年8月河南省互联网发展情况\n"
    "截至8月末，全省互联网用户总数达到11636.5万户，同比增长5.2%。\n"
    "全省移动互联网用户达到8643.5万户，同比增长3.1%。\n"
)


def _locked_pdf(path: Path) -> bytes:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt="secret")
    c.drawString(72, 720, "2020")
    c.save()
    return path.read_bytes()


def _table(at: AppTest, first_column: str):
    """The dataframe shown whose first column is ``first_column``."""
    return next(d.value for d in at.dataframe if d.value.columns[0] == first_column)


@pytest.fixture(scope="module")
def uploaded(tmp_path_factory) -> Iterator[tuple[Path, AppTest]]:
    """A batch uploaded on the 导入 page (AppTest, the page's own uploader and button): one good report and
    bad files of each kind; the page after the upload."""
    tmp = tmp_path_factory.mktemp("reasons")
    db = tmp / "zhibiao.sqlite"
    files = [
        ("henan-2020-08.txt", REPORT.encode()),
        ("fake.pdf", b"hello, this is not a PDF\n" * 4),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj <<\n"),
        ("locked.pdf", _locked_pdf(tmp / "locked.pdf")),
        ("empty.txt", b""),
        ("binary.txt", b"\x00\x01\x02\x03" * 64),
        ("notes.csv", "会议纪要\n时间,地点\n9月,郑州\n".encode()),
        ("bomb.xlsx", zip_bomb_xlsx(tmp / "bomb.xlsx", unpacked_mb=200).read_bytes()),
    ]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ZHIBIAO_DB_URL", str(db))
        at = AppTest.from_file(APP, default_timeout=300)
        at.run()
        at.switch_page("pages_/imports.py").run()
        at.file_uploader(key="uploads").set_value(
            [(name, data, "application/octet-stream") for name, data in files]
        )
        next(b for b in at.button if b.label == "开始导入").click()
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        yield db, at


def test_real_failures_are_shown_in_chinese_with_the_english_original(uploaded) -> None:
    from extract.store import Store

    db, at = uploaded
    results = _table(at, "文件")
    by_file = {r["文件"]: r for r in results.to_dict("records")}
    assert len(by_file) == 8 and by_file["henan-2020-08.txt"]["结果"] == "已入库"
    failed = {name: r["说明"] for name, r in by_file.items() if r["结果"] == "失败"}
    assert set(failed) == set(by_file) - {"henan-2020-08.txt"}
    expected = {
        "fake.pdf": "不是 PDF 文件（缺少 %PDF 文件头）（not a PDF file (no %PDF header)）",
        "broken.pdf": "PDF 已损坏或不完整，无法打开（the PDF is damaged or truncated and cannot be opened）",
        "locked.pdf": "PDF 已加密（需要密码）：请在命令行用 --password 提供密码后导入"
        "（the PDF is password-protected; give the password with --password）",
        "empty.txt": "文件为空（the file is empty）",
        "binary.txt": "不是文本文件（内容为二进制）（not a text file (binary content)）",
        "bomb.xlsx": "文件过大：工作簿解压后为 200 MB，超过 128 MB 的上限"
        "（too large: the workbook unpacks to 200 MB, more than the limit of 128 MB）",
    }
    for name, text in expected.items():
        assert failed[name] == text
    assert failed["notes.csv"].startswith("表格格式无法识别：") and failed["notes.csv"].endswith("2016年）")
    # what the store keeps is the English reason the command line prints; each one has a rule
    stored = Store(str(db)).documents()
    errors = stored.loc[stored["status"] == "failed", "error"].tolist()
    assert len(errors) == 7 and all(chinese_only(e) for e in errors), errors


def test_the_reasons_of_a_command_line_batch_have_rules_too(tmp_path: Path) -> None:
    """Reasons only a batch gives (the page ingests one file at a time): a copy of a failed file, a
    report's text dump beside its PDF, a path that is not there."""
    from extract.ingest import ingest
    from extract.store import Store

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(b"not a PDF at all\n")
    (folder / "b.pdf").write_bytes(b"not a PDF at all\n")
    (folder / "a.txt").write_text(REPORT, encoding="utf-8")
    results = ingest([folder, tmp_path / "missing"], Store(str(tmp_path / "db.sqlite")))
    reasons = {Path(r.path).name: r.reason for r in results}
    assert reasons == {
        "a.txt": "a PDF named a.pdf is in the same folder tree: this is its text, not another report "
        "(--include to take it)",
        "missing": "no such file or folder",
        "a.pdf": "not a PDF file (no %PDF header)",
        "b.pdf": f"same content as {folder / 'a.pdf'}, which was not stored",
    }
    assert chinese_reason(reasons["b.pdf"]) == (
        f"与「{folder / 'a.pdf'}」内容相同，而该文件未能入库（{reasons['b.pdf']}）"
    )
    assert all(chinese_only(r) for r in reasons.values()), reasons


def test_the_stored_documents_table_shows_the_reasons_in_chinese(uploaded) -> None:
    from extract.store import Store

    db, at = uploaded
    table = _table(at, "编号")
    notes = dict(zip(table["文件"], table["说明"], strict=True))
    assert notes["fake.pdf"] == "不是 PDF 文件（缺少 %PDF 文件头）（not a PDF file (no %PDF header)）"
    assert notes["bomb.xlsx"].startswith("文件过大：工作簿解压后为 200 MB")
    assert notes["henan-2020-08.txt"] == ""
    stored = Store(str(db)).documents()
    for name, error in zip(stored["name"], stored["error"], strict=True):
        if name != "henan-2020-08.txt":  # each failure: its rule's Chinese, then the English as stored
            zh = chinese_only(error)
            assert zh and notes[name] == f"{zh}（{error}）", (name, error, notes[name])


# -- the count of reports ------------------------------------------------------------------------------------
def _reports(text: str) -> int:
    m = re.search(r"(\d+) 份报告", text)
    assert m, text
    return int(m.group(1))


def test_a_failed_import_is_not_counted_as_a_report_in_the_sidebar(uploaded, monkeypatch) -> None:
    db, _ = uploaded  # one report stored, seven files failed
    monkeypatch.setenv("ZHIBIAO_DB_URL", str(db))
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page("pages_/table.py").run()
    assert not at.exception, [e.value for e in at.exception]
    sidebar = next(c.value for c in at.sidebar.caption if "份报告" in c.value)
    page = next(c.value for c in at.main.caption if "份报告" in c.value)
    assert _reports(sidebar) == _reports(page) == 1, (sidebar, page)
    assert sidebar.startswith("1 份报告（另有 7 份导入失败） · ")
