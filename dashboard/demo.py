"""Load the demo dataset shipped in data/demo/ into a store.

``data/demo/facts.csv`` holds facts in the contract columns (optionally with the
snippet box ``x0, top, x1, bottom``), extracted by Zhibiao from real reports. Each
``document`` becomes one stored document; if the original report is shipped next
to it (``data/demo/<document>`` or ``data/demo/files/<document>``) it is kept in
the file store so the 数据 page can show the source page.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import pandas as pd

from extract.model import FACT_COLUMNS, Fact
from extract.paths import DATA_DIR
from extract.store import Store, file_sha256

DEMO_DIR = DATA_DIR / "demo"
DEMO_FACTS = DEMO_DIR / "facts.csv"
DEMO_VERSION = "demo"


def available(path: Path | None = None) -> bool:
    path = path or DEMO_FACTS
    return path.is_file() and path.stat().st_size > 0


def _original(name: str, base: Path) -> Path | None:
    for p in (base / name, base / "files" / name):
        if p.is_file():
            return p
    return None


def _num(x: object) -> float | None:
    if not isinstance(x, int | float | str):
        return None
    try:
        v = float(x)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def load_demo(store: Store, path: Path | None = None) -> tuple[int, int]:
    """Store every document of the demo CSV; returns (documents, facts). Raises FileNotFoundError if absent."""
    path = path or DEMO_FACTS
    if not available(path):
        raise FileNotFoundError(str(path))
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in FACT_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{path.name} lacks the columns {', '.join(missing)}")
    n_docs = n_facts = 0
    for name, group in df.groupby("document", sort=False):
        original = _original(str(name), path.parent)
        if original is not None:
            sha = file_sha256(original)
            kept = str(store.keep_file(original, sha))
            size = original.stat().st_size
        else:
            sha = hashlib.sha256(("demo:" + group.to_csv(index=False)).encode("utf-8")).hexdigest()
            kept, size = "", 0
        rows = []
        for rec in group.to_dict("records"):
            value = _num(rec["value"])
            if value is None:
                continue
            x0, top, x1, bottom = (_num(rec.get(k)) for k in ("x0", "top", "x1", "bottom"))
            page = int(_num(rec["page"]) or 0)
            rows.append(
                Fact(
                    **{c: rec[c] for c in FACT_COLUMNS if c not in ("page", "value")},
                    page=page,
                    value=value,
                    bbox=(x0, top, x1, bottom)
                    if x0 is not None and top is not None and x1 is not None and bottom is not None
                    else None,
                )
            )
        pages = int(pd.to_numeric(group["page"], errors="coerce").max() or 0)
        suffix = Path(str(name)).suffix.lower()
        kind = {".txt": "text", ".csv": "spreadsheet", ".xls": "spreadsheet", ".xlsx": "spreadsheet"}.get(
            suffix, "pdf"
        )
        store.save_document(
            name=str(name),
            sha256=sha,
            pages=pages,
            size=size,
            kind=kind,
            title=str(name).rsplit(".", 1)[0],
            version=DEMO_VERSION,
            fact_rows=rows,
            file_path=kept,
        )
        n_docs += 1
        n_facts += len(rows)
    return n_docs, n_facts
