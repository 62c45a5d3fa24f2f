"""Hostile files: how long each ingest takes and the peak resident memory of any process of it.

    .venv/bin/python bench/hostile.py          (generates the files in a temporary folder)

The files are made by tests/hostile_inputs.py: an .xlsx declaring A1:XFD1048576, a zip-bomb .xlsx
(1 GB of shared strings), a flate-bomb PDF (2 GB and 4 GB of zeros), a 50 MB one-line .txt. Each is
ingested alone with --timeout 5; memory is sampled from /proc every 50 ms over the whole process
tree (the CLI, its forkserver and the reader it forks).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.hostile_inputs import (  # noqa: E402
    dimension_bomb_xlsx,
    flate_bomb_pdf,
    one_line_text,
    run_measured,
    zip_bomb_xlsx,
)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        files = {
            "xlsx declaring A1:XFD1048576": dimension_bomb_xlsx(d / "dimension.xlsx"),
            "zip-bomb xlsx (1 GB strings)": zip_bomb_xlsx(d / "zipbomb.xlsx", 1024),
            "flate-bomb PDF (2 GB)": flate_bomb_pdf(d / "flate2g.pdf", 2048),
            "flate-bomb PDF (4 GB)": flate_bomb_pdf(d / "flate4g.pdf", 4096),
            "50 MB one-line txt": one_line_text(d / "oneline.txt", 50),
        }
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        print(f"{'file':<32} {'size':>9} {'exit':>4} {'time':>7} {'peak RSS':>9}  result")
        for label, path in files.items():
            run = run_measured(
                [
                    sys.executable,
                    "-m",
                    "extract",
                    "--db",
                    str(d / "h.sqlite"),
                    "ingest",
                    str(path),
                    "--timeout",
                    "5",
                ],
                cwd=REPO,
                env=env,
            )
            size = path.stat().st_size
            shown = f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"
            reason = run.stdout.strip().split(": ", 1)[-1][:90]
            print(
                f"{label:<32} {shown:>9} {run.returncode:>4} {run.seconds:>6.1f}s {run.peak_rss_mb:>7.0f} MB  {reason}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
