"""Ingest throughput against pdfplumber alone, on the same pages.

    python bench/ingest.py [--copies 4] [--shared ../shared]
    python bench/ingest.py --pg                          # into a throwaway PostgreSQL server
    python bench/ingest.py --db-url postgresql+psycopg://USER:PW@HOST/DB   # into databases of that server

Builds a corpus of N distinct copies of the fixture PDFs (a comment after %%EOF makes
each copy's sha256 different), then prints, for the same pages:

* pdfplumber alone: open every page, extract_text() and extract_tables();
* Zhibiao `python -m extract ingest` with --workers 1 and --workers 2 (fresh databases);
* re-ingest of the unchanged corpus;

with pages/s, facts/s, peak RSS and the ratios the targets are stated in.

By default each run writes a fresh SQLite file. ``--pg`` starts a throwaway PostgreSQL cluster
(tests/pgserver.py, durable settings: fsync on) and ``--db-url`` names a server of your own; each
run then gets a fresh database of that server (``zhibiao_bench_w1`` …, created and dropped; the role
needs CREATEDB). Peak RSS is Zhibiao's processes' alone (not the server's).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = (
    "henan-internet-monthly-2020-08.pdf",
    "henan-internet-2020-09-issue.pdf",
    "tencent-cloud-ai-whitepaper-2021.pdf",
    "cernet-industry-news-2026-04.pdf",
    "wuzhen-faces-2025.pdf",
    "wic-wuzhen-2025-newspaper.pdf",
)

PDFPLUMBER_ALONE = """
import sys, pdfplumber
pages = 0
for path in sys.argv[1:]:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()
            page.close()
            pages += 1
print(pages)
"""


def build_corpus(shared: Path, target: Path, copies: int) -> tuple[list[Path], int]:
    import pypdfium2 as pdfium

    target.mkdir(parents=True, exist_ok=True)
    files, pages = [], 0
    for k in range(copies):
        for name in FIXTURES:
            src = shared / "fixtures" / name
            dst = target / f"{src.stem}-copy{k}.pdf"
            shutil.copyfile(src, dst)
            with open(dst, "ab") as fh:
                fh.write(f"\n% zhibiao bench copy {k}\n".encode())
            files.append(dst)
            pages += len(pdfium.PdfDocument(str(dst)))
    return files, pages


MEASURE = """
import resource, subprocess, sys, time
t0 = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
sys.stdout.write(proc.stdout)
sys.stderr.write(f"@@ {wall} {peak} {proc.returncode}\\n" + proc.stderr[-2000:])
"""


def run(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) of that command's processes (a fresh wrapper measures each run)."""
    proc = subprocess.run([sys.executable, "-c", MEASURE, *cmd], cwd=REPO, capture_output=True, text=True)
    line = next(ln for ln in proc.stderr.splitlines() if ln.startswith("@@ "))
    wall, peak, code = line.split()[1:]
    if int(code) not in (0, 1):
        sys.exit(f"{' '.join(cmd[:4])}… failed: {proc.stderr[-2000:]}")
    return float(wall), float(peak), proc.stdout


def facts_in(url: str) -> int:
    """Facts stored at ``url``, counted through the store (in a child process: no store code is loaded
    here while timing)."""
    code = "import sys; from extract.store import Store; print(Store(sys.argv[1]).count_facts())"
    proc = subprocess.run(
        [sys.executable, "-c", code, url], cwd=REPO, capture_output=True, text=True, check=True
    )
    return int(proc.stdout.strip().splitlines()[-1])


class Databases:
    """A fresh database per run: SQLite files in the temporary folder, or databases of one server."""

    def __init__(self, tmp: Path, server: str | None):
        self.tmp, self.server, self.made = tmp, server, []

    def fresh(self, name: str) -> str:
        if self.server is None:
            return f"sqlite:///{self.tmp / (name + '.sqlite')}"
        sys.path.insert(0, str(REPO))
        from tests.pgserver import admin_execute, database_url

        db = f"zhibiao_bench_{name}"
        admin_execute(self.server, f'DROP DATABASE IF EXISTS "{db}"', f'CREATE DATABASE "{db}"')
        self.made.append(db)
        return database_url(self.server, db)

    def drop(self) -> None:
        if self.server is not None and self.made:
            from tests.pgserver import admin_execute

            admin_execute(self.server, *(f'DROP DATABASE IF EXISTS "{db}"' for db in self.made))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", type=int, default=4, help="copies of the fixture set (4 ≈ 600 pages)")
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    where = ap.add_mutually_exclusive_group()
    where.add_argument(
        "--pg", action="store_true", help="into a throwaway PostgreSQL server (tests/pgserver.py)"
    )
    where.add_argument("--db-url", help="into fresh databases of this PostgreSQL server (SQLAlchemy URL)")
    args = ap.parse_args()
    if args.pg:
        sys.path.insert(0, str(REPO))
        from tests.pgserver import pg_cluster

        with pg_cluster("zhibiao_bench", fast=False) as url:
            bench(args, url)
    else:
        bench(args, args.db_url)


def bench(args: argparse.Namespace, server: str | None) -> None:
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="zhibiao-bench-") as tmp:
        tmp_path = Path(tmp)
        dbs = Databases(tmp_path, server)
        try:
            run_all(args, py, tmp_path, dbs)
        finally:
            dbs.drop()


def run_all(args: argparse.Namespace, py: str, tmp_path: Path, dbs: Databases) -> None:
    files, pages = build_corpus(args.shared, tmp_path / "corpus", args.copies)
    print(f"corpus: {len(files)} PDFs, {pages} pages ({args.copies} copies of {len(FIXTURES)} fixtures)")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    load = os.getloadavg()
    store = "SQLite" if dbs.server is None else f"PostgreSQL at {dbs.server.split('@')[-1]}"
    print(f"store: {store} · load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")

    alone, alone_rss, out = run([py, "-c", PDFPLUMBER_ALONE, *map(str, files)])
    print(
        f"pdfplumber alone      {alone:7.1f} s  {pages / alone:7.1f} pages/s  peak RSS {alone_rss:6.0f} MiB"
    )

    results = {}
    for workers in (1, 2):
        db = dbs.fresh(f"w{workers}")
        env_files = tmp_path / f"files{workers}"
        os.environ["ZHIBIAO_FILES_DIR"] = str(env_files)
        wall, rss, _ = run(
            [
                py,
                "-m",
                "extract",
                "--db",
                db,
                "ingest",
                str(tmp_path / "corpus"),
                "--workers",
                str(workers),
            ]
        )
        n = facts_in(db)
        results[workers] = (wall, db)
        print(
            f"zhibiao --workers {workers}   {wall:7.1f} s  {pages / wall:7.1f} pages/s  {n / wall:8.0f} facts/s"
            f"  peak RSS {rss:6.0f} MiB  ({n} facts)"
        )
    again, _, out = run([py, "-m", "extract", "--db", results[1][1], "ingest", str(tmp_path / "corpus")])
    print(f"re-ingest unchanged   {again:7.2f} s")
    print()
    print(f"ratio zhibiao(1 worker) / pdfplumber alone: {results[1][0] / alone:5.2f}   (target ≤ 1.0)")
    print(
        f"speed-up 1 → 2 workers:                     {results[1][0] / results[2][0]:5.2f}×  (target ≥ 1.8×)"
    )
    print(f"re-ingest vs first ingest:                  {results[1][0] / again:5.0f}×  (target ≥ 100×)")
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
