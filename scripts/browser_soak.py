"""Run the browser tests N times in a row beside a CPU burner, and print how many passed.

The stability check of the browser tests: they wait for conditions, never for time, so they must
pass on a loaded machine. One busy process per core runs beside them for the whole soak.

    .venv/bin/python scripts/browser_soak.py 10 [BURNERS]     (or: make browser-soak N=10)

BURNERS defaults to one per core.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def burn() -> None:
    """Keep one core busy until killed."""
    x = 0
    while True:
        x = (x * 1103515245 + 12345) % 2**31


def main(argv: list[str]) -> int:
    runs = int(argv[0]) if argv else 10
    count = int(argv[1]) if len(argv) > 1 else os.cpu_count() or 1
    burners = [mp.Process(target=burn, daemon=True) for _ in range(count)]
    for b in burners:
        b.start()
    passed = 0
    try:
        for i in range(1, runs + 1):
            t0 = time.monotonic()
            proc = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_browser.py"],
                cwd=REPO,
                capture_output=True,
                text=True,
            )
            tail = (proc.stdout.strip().splitlines() or ["(no output)"])[-1]
            ok = proc.returncode == 0 and "skipped" not in tail
            passed += ok
            print(
                f"run {i:>2}/{runs}: {'ok  ' if ok else 'FAIL'} {time.monotonic() - t0:6.1f} s  {tail}",
                flush=True,
            )
            if not ok:
                print(proc.stdout[-4000:], flush=True)
    finally:
        for b in burners:
            b.kill()
    print(f"{passed} of {runs} runs passed beside {len(burners)} CPU burner(s)")
    return 0 if passed == runs else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
