"""Warm-up for the reader processes: imported once by the forkserver (:mod:`extract.isolate`), it reads
a three-line report so that the catalogues, the gazetteer and the compiled patterns are loaded before
any reader is forked — each forked reader then starts with them (about 0.3 s saved per file).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from .ingest import Options, extract_file

_REPORT = (
    "2020年8月河南省互联网发展情况\n"
    "截至2020年8月底，全省互联网用户总数达到11636.5万户，同比增长5.2%，占全国的7.9%，居全国第3位。\n"
    "郑州市移动电话用户1500.2万户，河南移动公司移动互联网接入流量53443万G。\n"
)


def warm() -> None:
    with tempfile.TemporaryDirectory(prefix="zhibiao-warm-") as tmp:
        path = Path(tmp) / "warm.txt"
        path.write_text(_REPORT, encoding="utf-8")
        extract_file(path, Options(max_memory_mb=0))


warm()
