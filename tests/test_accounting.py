"""Number accounting: every number of a document is a fact or is set aside with a named reason.

The reasons are rules as data (data/number_reasons.csv); each row's example must classify to it.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from extract.accounting import (
    RESTATED,
    ROW_NUMBER,
    STRUCTURAL_REASONS,
    Settings,
    account,
    find_numbers,
    rules,
    tally,
)
from extract.model import Document, Fact, Line, Page, Paragraph, Table
from extract.normalize.numbers import to_halfwidth
from extract.paths import data_file

MARK = re.compile(r"\[\[(.+?)\]\]")


def _rows() -> list[dict[str, str]]:
    with open(data_file("number_reasons.csv"), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _doc(*texts: str, page: int = 1) -> Document:
    return Document("t.pdf", pages=[Page(page, paragraphs=[Paragraph(t, page) for t in texts])])


def _fact(
    raw_value: str,
    snippet: str,
    page: int = 1,
    method: str = "prose",
    raw_unit: str = "万户",
    measure: str = "value",
) -> Fact:
    return Fact(
        "t.pdf",
        page,
        method,
        "互联网宽带接入用户",
        "用户",
        "河南省",
        "410000",
        "province",
        "",
        "",
        "2020-08",
        "month",
        "2020-08-01",
        "2020-08-31",
        measure,
        float(raw_value),
        "户",
        raw_value,
        raw_unit,
        snippet,
    )


# -- the rules file ----------------------------------------------------------------------------------


def test_every_rule_has_a_reason_a_scope_a_pattern_and_a_marked_example() -> None:
    rows = _rows()
    assert len(rows) == len(rules()) >= 30
    for row in rows:
        assert row["reason"] and re.fullmatch(r"[a-z_]+", row["reason"]), row
        assert row["where"] in ("any", "text", "table"), row
        re.compile(row["pattern"])
        assert len(MARK.findall(row["example"])) == 1, row
        assert row["note"], row
    assert not (set(STRUCTURAL_REASONS) - {"page_number"}) & {r["reason"] for r in rows}


@pytest.mark.parametrize("row", _rows(), ids=lambda r: f"{r['reason']}:{r['example']}")
def test_each_rule_example_classifies_to_its_reason(row: dict[str, str]) -> None:
    """The marked number of the example, alone in a paragraph (or a table cell), gets the row's reason."""
    example = row["example"]
    m = MARK.search(example)
    assert m is not None
    text = example[: m.start()] + m.group(1) + example[m.end() :]
    lo, hi = m.start(), m.start() + len(m.group(1))
    if row["where"] == "table":
        doc = Document("t.pdf", pages=[Page(1, tables=[Table(rows=[["地区", "用户"], [text, ""]], page=1)])])
    else:
        doc = _doc(text)
    marked = [o for o in account(doc, []) if o.start >= lo and o.end <= hi]
    assert marked, f"no number found inside the mark of {example!r}"
    assert {o.reason for o in marked} == {row["reason"]}, [(o.number, o.reason) for o in marked]


def test_a_rule_applies_only_where_it_says() -> None:
    """A bare year is a date in a table header, but in running text a lone number is not one."""
    cell = Document(
        "t.pdf", pages=[Page(1, tables=[Table(rows=[["地区", "2020"], ["郑州市", "12"]], page=1)])]
    )
    reasons = {o.number: o.reason for o in account(cell, [])}
    assert reasons["2020"] == "date" and reasons["12"] is None


# -- finding numbers ---------------------------------------------------------------------------------


def test_numbers_as_the_genre_prints_them() -> None:
    text = "１－８月，全省完成１，２３４．５万元，居全国第十三位；二〇二〇年十月，（三）5G基站、IPv6地址"
    assert [n for _, _, n in find_numbers(text)] == [
        "１",
        "８",
        "１，２３４．５",
        "十三",
        "二〇二〇",
        "十",
        "三",
        "5",
        "6",
    ]
    for start, end, printed in find_numbers(text):
        assert text[start:end] == printed
    assert find_numbers("进一步统一规划，一是加强，一个平台") == []


# -- a document where every number is accounted for --------------------------------------------------

SENTENCE = "2020年8月，全省互联网宽带接入用户达到2993万户，同比增长9.5%，比全国平均水平高0.8个百分点。"


def test_every_number_of_a_small_document_is_a_fact_or_has_a_reason() -> None:
    paragraphs = [
        "一、总体情况",
        SENTENCE,
        "截至2020年8月底，全省5G基站达到2.6万个；预计到2022年底将超过4万个。",
        "注：1.数据来源于工业和信息化部2020年第8期简报，联系电话：0371-65800000。",
    ]
    table = Table(
        rows=[["序号", "地市", "用户（万户）"], ["1", "郑州市", "612.5"], ["2", "洛阳市", "203.1"]], page=1
    )
    doc = Document(
        "t.pdf",
        pages=[
            Page(
                1,
                paragraphs=[Paragraph(t, 1) for t in paragraphs],
                tables=[table],
                furniture=["河南省通信管理局 2020年8月", "- 1 -"],
            )
        ],
    )
    facts = [
        _fact("2993", "全省互联网宽带接入用户达到2993万户"),
        _fact("9.5", "同比增长9.5", raw_unit="%", measure="yoy_pct"),
        _fact("2.6", "全省5G基站达到2.6万个", raw_unit="万个"),
        _fact("612.5", "1 郑州市 612.5", method="table", raw_unit=""),
        _fact("203.1", "2 洛阳市 203.1", method="table", raw_unit=""),
    ]
    outcomes = account(doc, facts)
    assert [o for o in outcomes if o.unexplained] == []
    t = tally(outcomes)
    assert (t.numbers, t.facts, t.unexplained) == (len(outcomes), 5, 0)
    assert sorted(o.fact for o in outcomes if o.fact is not None) == [0, 1, 2, 3, 4]
    reasons = {(o.number, o.source): o.reason for o in outcomes if o.reason}
    assert reasons[("0.8", "text")] == "average_comparison"
    assert reasons[("4", "text")] == "target"
    assert reasons[("0371", "text")] == "phone_or_code"
    assert reasons[("1", "table")] == ROW_NUMBER
    assert reasons[("1", "furniture")] == "page_number"
    assert reasons[("2020", "furniture")] == "running_header"
    first = next(o for o in outcomes if o.number == "2993")
    assert "2993万户" in first.context and first.page == 1


def test_a_number_nothing_explains_is_reported_with_its_page_and_context() -> None:
    doc = _doc(
        "一、总体情况", "8月份，全省新增光缆线路长度1.7万公里，互联网宽带接入用户达到2993万户。", page=4
    )
    facts = [_fact("2993", "互联网宽带接入用户达到2993万户", page=4)]
    left = [o for o in account(doc, facts) if o.unexplained]
    assert [(o.number, o.page) for o in left] == [("1.7", 4)]
    assert "光缆线路长度1.7万公里" in left[0].context
    assert tally(account(doc, facts)).line() == "1 of 4 numbers unexplained"


def test_several_facts_of_one_enumeration_each_claim_their_own_number() -> None:
    text = "三家企业的用户分别为2500万户、1500万户和1500万户。"
    snippet = "用户分别为2500万户、1500万户和1500万户"
    facts = [_fact("2500", snippet), _fact("1500", snippet), _fact("1500", snippet)]
    outcomes = account(_doc(text), facts)
    assert [o.fact for o in outcomes if o.number != "三"] == [0, 2, 1]
    assert not any(o.unexplained for o in outcomes)


def test_a_fact_claims_its_number_and_not_the_date_before_it() -> None:
    text = "8月，全省物联网终端用户达到8万户。"
    outcomes = account(_doc(text), [_fact("8", "全省物联网终端用户达到8万户")])
    assert [(o.number, o.fact, o.reason) for o in outcomes] == [("8", None, "date"), ("8", 0, None)]


def test_a_restated_value_is_set_aside_only_when_specific_and_in_the_same_unit() -> None:
    doc = _doc(
        "全省互联网宽带接入用户2993万户。", "其中，光纤用户达到2993万户，提高0.7个百分点，增加0.7万户。"
    )
    facts = [_fact("2993", "全省互联网宽带接入用户2993万户"), _fact("0.7", "x0.7", raw_unit="万户")]
    reasons = [(o.number, o.reason) for o in account(doc, facts) if o.fact is None]
    assert reasons == [("2993", RESTATED), ("0.7", None), ("0.7", None)]


def test_a_year_to_reach_is_a_target_only_after_the_documents_data() -> None:
    text = "到2022年末，全省电话用户1.17亿户。"
    assert [o.reason for o in account(_doc(text), [], year=2022)] == ["date", None]
    assert [o.reason for o in account(_doc(text), [], year=2020)] == ["date", "target"]
    assert [o.reason for o in account(_doc(text), [])] == ["date", "target"]  # no facts: assumed ahead


def test_a_first_column_counting_under_an_empty_header_is_a_rank_not_a_row_number() -> None:
    rows = [["", "城市", "指数"], ["1", "北京", "92.1"], ["2", "上海", "90.3"]]
    doc = Document("t.pdf", pages=[Page(1, tables=[Table(rows=rows, page=1)])])
    assert [o.reason for o in account(doc, []) if o.number in ("1", "2")] == [None, None]
    rows[0][0] = "序号"
    assert [o.reason for o in account(doc, []) if o.number in ("1", "2")] == [ROW_NUMBER, ROW_NUMBER]


def test_a_table_fact_claims_the_cell_that_is_its_number_not_a_digit_of_an_address() -> None:
    rows = [
        ["排名", "网站名称", "网址", "访问量（万次）", "排名较上月变化"],
        ["11", "西部在线", "www.xb01.cn", "292.3", "↓1"],
    ]
    doc = Document("t.pdf", pages=[Page(6, tables=[Table(rows=rows, page=6)])])
    snippet = "11 西部在线 www.xb01.cn 292.3 ↓1"
    facts = [
        _fact("11", snippet, 6, "table", "", "rank"),
        _fact("292.3", snippet, 6, "table", "万次"),
        _fact("1", snippet, 6, "table", "", "rank_change"),
    ]
    got = {(o.number, o.context): (o.fact, o.reason) for o in account(doc, facts)}
    assert got[("1", "↓1")] == (2, None) and got[("01", "www.xb01.cn")] == (None, "phone_or_code")


def test_settings_change_the_outcome() -> None:
    doc = _doc("全省光纤用户达到2993万户。")
    facts = [_fact("2993", "2993万户x")]  # a snippet found nowhere: 2993 is claimed by no fact
    strict = account(doc, facts, Settings(restated_min_digits=5))
    assert [o.reason for o in strict] == [None]
    assert [o.reason for o in account(doc, facts)] == [RESTATED]


def test_bbox_of_a_number_is_its_printed_line() -> None:
    para = Paragraph(
        "全省互联网宽带接入用户达到2993万户，同比增长9.5%。",
        2,
        lines=[
            Line("全省互联网宽带接入用户达到", (72, 100, 300, 112)),
            Line("2993万户，同比增长9.5%。", (72, 114, 260, 126)),
        ],
    )
    doc = Document("t.pdf", pages=[Page(2, paragraphs=[para])])
    boxes = {o.number: o.bbox for o in account(doc, [])}
    assert boxes["2993"] == (72, 114, 260, 126)


def test_halfwidth_offsets_are_offsets_of_the_printed_text() -> None:
    text = "全省用户８６４３．５万户"
    (o,) = account(_doc(text), [])
    assert text[o.start : o.end] == o.number == "８６４３．５" and to_halfwidth(o.number) == "8643.5"


# -- a real PDF, read and extracted like any report ---------------------------------------------------


def _render(path: Path, pages: list[list[str]]) -> Path:
    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    for number, lines in enumerate(pages, start=1):
        c.setFont(font, 9)
        c.drawString(72, 806, "河南省互联网发展状况月报 2020年8月")
        c.drawCentredString(297, 30, f"- {number} -")
        c.setFont(font, 10.5)
        y = 760.0
        for line in lines:
            c.drawString(72, y, line)
            y -= 24
        c.showPage()
    c.save()
    return path


PDF_PAGES = [
    [
        "一、总体情况",
        "2020年8月，河南省互联网宽带接入用户达到2993万户，同比增长9.5%。",
        "联系电话：0371-65800000。",
    ],
    ["二、业务发展", "预计到2025年，全省5G基站将达到15万个。", "8月份，全省移动电话用户达到10156万户。"],
]


def test_a_real_pdf_where_every_number_is_accounted_for(tmp_path: Path) -> None:
    from extract.explain import read_and_account

    pdf = _render(tmp_path / "henan-2020-08.pdf", PDF_PAGES)
    facts, outcomes = read_and_account(pdf)
    left = [(o.page, o.number, o.context) for o in outcomes if o.unexplained]
    assert left == []
    claimed = {o.number for o in outcomes if o.fact is not None}
    assert {"2993", "9.5", "10156"} <= claimed
    assert {o.reason for o in outcomes if o.source == "furniture"} <= {"page_number", "running_header"}


# -- the store keeps the numbers that are not facts ---------------------------------------------------


def test_set_aside_numbers_are_stored_with_the_document_and_replaced_with_it(db_url: str) -> None:
    from extract.store import Store

    store = Store(db_url)
    doc = _doc(
        "一、总体情况", "8月份，全省新增光缆线路长度1.7万公里，互联网宽带接入用户达到2993万户。", page=3
    )
    facts = [_fact("2993", "互联网宽带接入用户达到2993万户", page=3)]
    outcomes = account(doc, facts)
    kw = dict(name="t.pdf", sha256="s" * 64, pages=3, size=1, kind="pdf", title="", version="v1")
    store.save_document(**kw, fact_rows=facts, numbers=outcomes)
    rows = store.set_aside_numbers()
    assert sorted(zip(rows["number"], rows["reason"], strict=True)) == [
        ("1.7", "unexplained"),
        ("8", "date"),
        ("一", "section_number"),
    ]
    assert set(rows["page"]) == {3} and set(rows["document"]) == {"t.pdf"}
    assert "光缆线路长度1.7万公里" in rows.loc[rows["number"] == "1.7", "text"].iloc[0]
    tallies = store.number_tallies()
    assert tallies[["numbers", "facts", "set_aside", "unexplained"]].values.tolist() == [[4, 1, 2, 1]]

    # a re-ingest replaces them with the document: nothing of the old version is left
    doc2 = _doc("8月份，互联网宽带接入用户达到2993万户。", page=3)
    store.save_document(**kw, fact_rows=facts, numbers=account(doc2, facts))
    rows = store.set_aside_numbers()
    assert list(zip(rows["number"], rows["reason"], strict=True)) == [("8", "date")]
    assert len(store.documents()) == 1 and store.number_tallies()["numbers"].tolist() == [2]
    assert store.set_aside_numbers(reason="unexplained").empty

    store.delete_document(int(store.documents()["id"].iloc[0]))
    assert store.set_aside_numbers().empty and store.number_tallies().empty


def test_a_failed_write_leaves_neither_facts_nor_numbers(db_url: str) -> None:
    """Facts and numbers are written in one transaction: a bad number row rolls back the document."""
    from dataclasses import replace

    from extract.store import Store

    store = Store(db_url)
    facts = [_fact("2993", "用户达到2993万户")]
    outcomes = account(_doc("8月，用户达到2993万户，另有1.7万公里。"), facts)
    broken = [*outcomes[:-1], replace(outcomes[-1], number=None)]  # NOT NULL violated
    with pytest.raises(Exception):  # noqa: B017 - whatever the database raises
        store.save_document(
            name="t.pdf",
            sha256="b" * 64,
            pages=1,
            size=1,
            kind="pdf",
            title="",
            version="v",
            fact_rows=facts,
            numbers=broken,
        )
    assert store.documents().empty and store.count_facts() == 0 and store.set_aside_numbers().empty


# -- the rules against the hand-written keys ---------------------------------------------------------


def _keyed_documents() -> list[tuple[Path, list[Path]]]:
    from .conftest import ANSWERS, FIXTURES, SHARED

    pairs = [
        (SHARED / "corpus" / f"{k.stem}.pdf", [k]) for k in sorted((SHARED / "corpus" / "keys").glob("*.csv"))
    ]
    for name in ("henan-internet-monthly-2020-08", "tencent-cloud-ai-whitepaper-2021"):
        pairs.append((FIXTURES / f"{name}.pdf", [ANSWERS / f"{name}.csv"]))
    return [(doc, keys) for doc, keys in pairs if doc.exists()]


#: Reasons a key may disagree with: some keys record the base of a change (由上年的46.6%降至45.7%) as a fact.
KEY_MAY_DISAGREE = {"change_base"}


def test_no_rule_sets_aside_a_number_the_answer_keys_record_as_a_fact() -> None:
    """Independent of the extractors: the keys' numbers, located like facts, get no reason from the rules."""
    from extract.evaluate import read_key
    from extract.readers import read_document

    pairs = _keyed_documents()
    if not pairs:
        pytest.skip("no keyed documents in ../shared")
    wrong: list[str] = []
    located = 0
    for path, keys in pairs:
        doc = read_document(path)
        rows = [r for k in keys for r in read_key(k)]
        key_facts = [
            Fact(
                "",
                0,
                r.get("method") or "prose",
                r["indicator"],
                "",
                r["region"],
                "",
                "",
                r["operator"],
                r["subject"],
                r["period"],
                "",
                "",
                "",
                r["measure"],
                0.0,
                "",
                r["value"],
                r["unit"],
                r["snippet"],
            )
            for r in rows
        ]
        years = [int(r["period"][:4]) for r in rows if r["period"][:4].isdigit()]
        by_rules = account(doc, [], year=max(years) if years else None)
        by_key = account(doc, key_facts)
        for mine, theirs in zip(by_rules, by_key, strict=True):
            if theirs.fact is None:
                continue
            located += 1
            if mine.reason is not None and mine.reason not in KEY_MAY_DISAGREE:
                wrong.append(f"{path.name} p{mine.page} {mine.number} {mine.reason} «{mine.context}»")
    assert located > 500
    assert wrong == [], "\n".join(wrong)


# -- make quality ------------------------------------------------------------------------------------


def _quality():
    import importlib.util
    import sys

    from .conftest import REPO

    if "bench_quality" not in sys.modules:
        spec = importlib.util.spec_from_file_location("bench_quality", REPO / "bench" / "quality.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_quality"] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules["bench_quality"]


def test_quality_says_so_and_exits_0_without_the_shared_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert _quality().main(["--shared", str(tmp_path / "absent")]) == 0
    assert "is not here" in capsys.readouterr().out


def test_quality_scores_a_keyed_corpus_and_counts_its_unexplained_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    corpus = tmp_path / "shared" / "corpus"
    (corpus / "keys").mkdir(parents=True)
    _render(
        corpus / "henan-2020-08.pdf",
        [PDF_PAGES[0], ["8月份，全省共举办网络安全宣传活动36场，移动电话用户达到10156万户。"]],
    )
    (corpus / "keys" / "henan-2020-08.csv").write_text(
        "method,indicator,region,operator,subject,period,measure,value,unit,snippet\n"
        "prose,互联网宽带接入用户,河南省,,,2020-08,value,2993,万户,河南省互联网宽带接入用户达到2993万户\n"
        "prose,网络安全宣传活动,河南省,,,2020-08,value,36,场,全省共举办网络安全宣传活动36场\n",
        encoding="utf-8",
    )
    assert _quality().main(["--shared", str(tmp_path / "shared"), "--corpus-only"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"corpus/henan-2020-08.pdf\s+\d+\s+2\s+[01]\.\d{3}\s+0\.500\s", out), out
    assert "unexplained numbers: 1 of 16 (6.2%) in 1 documents" in out
    assert "numbers of the keys: 2; unexplained (missed by the extractors) 1; set aside by a reason 0" in out
    assert re.search(r"method\s+prose\s+P=", out) and re.search(r"measure\s+value\s+P=", out)


# -- the counts printed by evaluate ------------------------------------------------------------------

UNEXPLAINED_LINE = "8月份，全省共举办网络安全宣传活动36场，移动电话用户达到10156万户。"


def _two_pages(tmp_path: Path) -> Path:
    """Page 1 fully explained; page 2 with one number no extractor reads and no rule explains (36场)."""
    return _render(tmp_path / "henan-2020-08.pdf", [PDF_PAGES[0], [UNEXPLAINED_LINE]])


def _key(tmp_path: Path) -> Path:
    key = tmp_path / "henan-2020-08.csv"
    key.write_text(
        "indicator,region,operator,subject,period,measure,value,unit,snippet\n"
        "互联网宽带接入用户,河南省,,,2020-08,value,2993,万户,河南省互联网宽带接入用户达到2993万户\n",
        encoding="utf-8",
    )
    return key


def test_evaluate_prints_the_unexplained_count_per_document(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    from extract.cli import main

    main(["evaluate", str(_key(tmp_path)), "--", str(_two_pages(tmp_path))])
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "numbers      henan-2020-08.pdf: 1 of 16 numbers unexplained (6.2%)", out


# -- the explain command, and the counts printed by ingest ------------------------------------------


def test_explain_lists_each_number_with_its_outcome(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from extract.cli import main

    pdf = _two_pages(tmp_path)
    assert main(["explain", str(pdf)]) == 0
    out = capsys.readouterr().out
    assert re.search(
        r"p1 .*2993  fact: 互联网宽带接入用户 \| 河南省 \| 2020-08 \| value = 29930000 户", out
    ), out
    assert re.search(r"p1 .*0371  phone_or_code  «", out), out
    assert re.search(r"p1 .*furniture .*1  page_number  «- 1 -»", out), out
    assert re.search(r"p2 .*36  UNEXPLAINED  «.*宣传活动36场", out), out
    last = out.splitlines()[-1]
    assert last.startswith("henan-2020-08.pdf: ") and last.endswith("1 of 16 numbers unexplained (6.2%)"), (
        last
    )

    assert main(["explain", str(pdf), "--page", "2"]) == 0
    out = capsys.readouterr().out
    assert "p1 " not in out and "p2 " in out and "henan-2020-08.pdf p2: " in out

    assert main(["explain", str(pdf), "--unexplained"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [ln for ln in lines if ln.startswith("p")] == [ln for ln in lines if "UNEXPLAINED" in ln]
    assert len([ln for ln in lines if "UNEXPLAINED" in ln]) == 1

    assert main(["explain", str(tmp_path / "missing.pdf")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_ingest_prints_the_unexplained_count_and_stores_the_set_aside_numbers(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from extract import ingest as ingest_module
    from extract.cli import main
    from extract.store import Store

    pdf = _two_pages(tmp_path)
    assert main(["--db", db_url, "ingest", str(pdf)]) == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines() if "henan-2020-08.pdf" in ln)
    assert re.search(r"\d+ facts from 2 pages, 1 of 16 numbers unexplained", line), line
    store = Store(db_url)
    rows = store.set_aside_numbers()
    assert rows.loc[rows["reason"] == "unexplained", "number"].tolist() == ["36"]
    assert {"date", "phone_or_code", "page_number", "running_header"} <= set(rows["reason"])

    # a new extractor version re-extracts: the numbers are replaced with the document, never doubled
    monkeypatch.setattr(ingest_module, "CODE_VERSION", ingest_module.CODE_VERSION + "-next")
    assert main(["--db", db_url, "ingest", str(pdf)]) == 0
    assert "已入库 stored" in capsys.readouterr().out
    again = store.set_aside_numbers()
    assert again.drop(columns="document_id").equals(rows.drop(columns="document_id"))
    assert len(store.documents()) == 1
    assert store.number_tallies()[["numbers", "unexplained"]].values.tolist() == [[16, 1]]


def test_evaluate_prints_the_stored_unexplained_count(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from extract.cli import main

    db = f"sqlite:///{tmp_path / 'facts.sqlite'}"
    assert main(["--db", db, "ingest", str(_two_pages(tmp_path))]) == 0
    capsys.readouterr()
    main(["evaluate", str(_key(tmp_path)), "--db", db])
    assert "numbers      henan-2020-08.pdf: 1 of 16 numbers unexplained (6.2%)" in capsys.readouterr().out
