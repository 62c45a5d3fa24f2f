"""OCR throughput: scanned pages per second through `zhibiao ingest`, 1 and 2 workers.

    python bench/ocr.py [--copies 2] [--shared ../shared]

Builds a corpus of N distinct copies of the scanned fixture (11 image-only pages each; a comment
after %%EOF makes each copy's sha256 different), ingests it into fresh databases with --workers 1
and --workers 2 (each file read by OCR in its own worker process, one ONNX Runtime thread each,
under the default 1536 MB limit), and prints pages/s and facts/s; then one file read in one process:
its CPU seconds per page (the figure a loaded machine does not blur), peak RSS and peak address
space (what the memory limit counts).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import REPO, facts_in, run

SCANNED = "henan-internet-monthly-2020-08-scanned.pdf"
ONE_FILE = """
import resource, sys
from extract.ingest import Options, extract_file
out = extract_file(sys.argv[1], Options(max_memory_mb=0))
assert not out.error, out.error
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
use = resource.getrusage(resource.RUSAGE_SELF)
print(use.ru_maxrss / 1024, int(status["VmPeak"].split()[0]) / 1024, (use.ru_utime + use.ru_stime) / out.pages)
"""


def build_corpus(shared: Path, target: Path, copies: int) -> tuple[list[Path], int]:
    import pypdfium2 as pdfium

    target.mkdir(parents=True, exist_ok=True)
    files, pages = [], 0
    for k in range(copies):
        dst = target / f"scanned-copy{k}.pdf"
        shutil.copyfile(shared / "fixtures" / SCANNED, dst)
        with open(dst, "ab") as fh:
            fh.write(f"\n% zhibiao ocr bench copy {k}\n".encode())
        files.append(dst)
        pages += len(pdfium.PdfDocument(str(dst)))
    return files, pages


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", type=int, default=2, help="copies of the scanned fixture (11 pages each)")
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = ap.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="zhibiao-ocr-bench-") as tmp:
        tmp_path = Path(tmp)
        files, pages = build_corpus(args.shared, tmp_path / "corpus", args.copies)
        print(f"corpus: {len(files)} scanned PDFs, {pages} image-only pages (150 dpi)")
        print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
        walls = {}
        for workers in (1, 2):
            db = tmp_path / f"w{workers}.sqlite"
            os.environ["ZHIBIAO_FILES_DIR"] = str(tmp_path / f"files{workers}")
            wall, rss, out = run(
                [
                    py,
                    "-m",
                    "extract",
                    "--db",
                    str(db),
                    "ingest",
                    str(tmp_path / "corpus"),
                    "--workers",
                    str(workers),
                ]
            )
            n = facts_in(db)
            walls[workers] = wall
            print(
                f"zhibiao --workers {workers}   {wall:7.1f} s  {pages / wall:6.2f} pages/s  {n / wall:6.1f} facts/s"
                f"  ({n} facts)"
            )
            if n == 0:
                print(out)
        print(f"speed-up 1 → 2 workers: {walls[1] / walls[2]:5.2f}×")
        # the reading process's own peak (the forkserver's children are not counted by RUSAGE_CHILDREN)
        wall, _, out = run([py, "-c", ONE_FILE, str(files[0])])
        rss, address, cpu = map(float, out.split())
        print(
            f"one file in one process: {wall:6.1f} s  {cpu:4.1f} CPU s per page (≈ {1 / cpu:4.2f} pages/s per idle core)"
            f"  peak RSS {rss:5.0f} MiB  peak address space {address:5.0f} MiB (limit 1536)"
        )


if __name__ == "__main__":
    main()
