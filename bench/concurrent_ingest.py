"""Two ingests of the same files at once, on a fresh database, N times: both must exit 0 and every
document must be stored exactly once (issue: concurrent use).

    .venv/bin/python bench/concurrent_ingest.py [RUNS] [FILES]     (defaults: 10 runs, 30 files)

The files are the PDFs of ../shared/corpus and ../shared/fixtures (the hostile fixtures excluded), then
the NBS exports of ../shared/data/nbs.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EXCLUDE = ("scanned", "encrypted", "truncated")


def main(argv: list[str]) -> int:
    runs = int(argv[0]) if argv else 10
    n = int(argv[1]) if len(argv) > 1 else 30
    files = sorted(
        p
        for d in ("corpus", "fixtures")
        for p in (SHARED / d).glob("*.pdf")
        if not any(x in p.name for x in EXCLUDE)
    )
    files = (files + sorted((SHARED / "data" / "nbs").glob("*.csv")))[:n]
    if not files:
        print(f"no PDFs under {SHARED}: nothing to do")
        return 0
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    bad = 0
    for run in range(1, runs + 1):
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "c.sqlite"
            t0 = time.monotonic()
            procs = [
                subprocess.Popen(
                    [sys.executable, "-m", "extract", "--db", str(db), "ingest", *map(str, files)],
                    cwd=REPO,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    env=env,
                )
                for _ in range(2)
            ]
            outs = [p.communicate() for p in procs]
            codes = [p.returncode for p in procs]
            with sqlite3.connect(db) as con:
                names = [r[0] for r in con.execute("SELECT name FROM documents")]
            once = sorted(names) == sorted(f.name for f in files)
            tracebacks = sum("Traceback" in err for _, err in outs)
            ok = codes == [0, 0] and once and not tracebacks
            bad += not ok
            print(
                f"run {run:>2}: exit {codes}, {len(names)} documents for {len(files)} files "
                f"({'each once' if once else 'NOT each once'}), {tracebacks} tracebacks, "
                f"{time.monotonic() - t0:.1f} s  {'ok' if ok else 'FAIL'}",
                flush=True,
            )
    print(f"{runs - bad} of {runs} runs ok")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
