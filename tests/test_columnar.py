"""The dashboard's columnar load on both stores: grouped scans, the same frame as reading row by row.

On PostgreSQL the load used to read every fact row by row (968,916 facts: 33 s and 2.1 GB); it now groups
like SQLite (string_agg for group_concat). Several documents, series and pages, ids not in the order of
the groups: the frame must be the row-by-row one, exactly.
"""

from __future__ import annotations

import pandas as pd

from extract.model import Fact
from extract.store import Store, columnar


def _facts(doc: str, k: int) -> list[Fact]:
    out = []
    for i in range(6):
        region, code = (("河南省", "410000"), ("郑州市", "410100"))[i % 2]
        out.append(
            Fact(
                doc, 2 + i, "table", ("互联网用户", "移动电话用户")[(i + k) % 2], "用户",
                region, code, ("province", "city")[i % 2], ("", "中国移动")[i % 3 == 2], "", f"2020-0{k + 1}",
                "month", f"2020-0{k + 1}-01", f"2020-0{k + 1}-28", ("value", "yoy_pct")[i % 2],
                1000.5 * (i + 1) + k, ("户", "%")[i % 2], "1", "户", "s",
            )
        )  # fmt: skip
    return out


def test_the_grouped_load_is_the_row_by_row_frame_on_both_stores(db_url, monkeypatch):
    store = Store(db_url)
    for k, doc in enumerate(("b.pdf", "a.pdf", "c.pdf")):
        store.save_document(
            name=doc,
            sha256=doc * 8,
            pages=9,
            size=1,
            kind="pdf",
            title=doc,
            version="t",
            fact_rows=_facts(doc, k),
        )
    raw = store.engine.raw_connection()
    try:
        by_rows = columnar._read_rows(raw)
    finally:
        raw.close()

    def no_rows(_raw):
        raise AssertionError("read row by row")

    monkeypatch.setattr(columnar, "_read_rows", no_rows)
    grouped = columnar.read_facts(store.engine, store.url)
    assert len(grouped) == 18
    pd.testing.assert_frame_equal(grouped, by_rows)
