"""Per-page dashboard timings on a large store (default: about 1,000,000 synthetic facts).

    .venv/bin/python bench/dashboard.py                 # builds /tmp/zhibiao-bench.sqlite once, then times
    .venv/bin/python bench/dashboard.py --facts 200000  # a smaller store

Each page is rendered through streamlit.testing.v1.AppTest (the real script, in process).
Printed per page: the first view after switching to it, then re-renders after filter changes
(indicator, region, period) — the number an analyst feels. The one-off cold load (reading the
store into the shared cache) is printed separately. This is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
# this file is itself called dashboard.py: keep bench/ off the path so `import dashboard` finds the app
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(REPO))

PAGES = ("overview", "trend", "regions", "operators", "table", "imports")


def ensure_store(db: Path, facts: int, rebuild: bool) -> int:
    from extract.store import Store

    if rebuild and db.exists():
        for p in db.parent.glob(db.name + "*"):
            p.unlink()
    store = Store(str(db))
    n = store.count_facts()
    if n >= facts * 0.8:
        return n
    import importlib.util

    spec = importlib.util.spec_from_file_location("synth", BENCH / "synth.py")
    synth = importlib.util.module_from_spec(spec)
    sys.modules["synth"] = synth  # dataclasses look their module up
    spec.loader.exec_module(synth)
    print(f"building a store of about {facts:,} facts in {db} (once) …", file=sys.stderr)
    # about 12 facts per province, indicator and month (value, 同比 and 占比 for the total and 4 operators)
    months = 120
    indicators = max(2, min(60, round(facts / (months * 32 * 12))))
    return synth.build(str(db), months=months, n_indicators=indicators, cities_per_province=0)


def timed(at, fn=None) -> float:
    t0 = time.perf_counter()
    if fn:
        fn()
    at.run()
    dt = time.perf_counter() - t0
    if at.exception:
        raise SystemExit(at.exception[0].value)
    return dt


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", default="/tmp/zhibiao-bench.sqlite")
    p.add_argument("--facts", type=int, default=1_000_000)
    p.add_argument("--rebuild", action="store_true")
    args = p.parse_args(argv)

    db = Path(args.db)
    n = ensure_store(db, args.facts, args.rebuild)
    os.environ["ZHIBIAO_DB_URL"] = str(db)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "dashboard" / "app.py"), default_timeout=600)
    cold = timed(at)
    from dashboard import data

    opts = data.options()
    inds = opts["indicators"]
    provinces = [r for r in opts["regions"] if opts["region_level"].get(r) == "province"]
    months = opts["months"]
    changes = [
        ("指标", lambda: at.multiselect(key="f_ind").set_value([inds[0]])),
        ("地区", lambda: at.multiselect(key="f_region").set_value(provinces[:3])),
        ("期间", lambda: at.selectbox(key="f_from").set_value(months[len(months) // 2])),
        ("指标", lambda: at.multiselect(key="f_ind").set_value([inds[1], inds[2]])),
        ("地区", lambda: at.multiselect(key="f_region").set_value(provinces[3:5])),
        ("清除", lambda: (at.multiselect(key="f_ind").set_value([]), at.multiselect(key="f_region").set_value([]),
                         at.selectbox(key="f_from").set_value(months[0]))),
    ]
    print(f"\n{n:,} facts · {len(inds)} indicators · {len(opts['regions'])} regions · {len(months)} months")
    print(f"cold start (read the store into the shared cache): {cold:.2f}s\n")
    print(f"{'page':<10} {'first view':>10} " + " ".join(f"{c[0]:>6}" for c in changes) + f" {'median':>7} {'max':>6}")
    worst = 0.0
    for page in PAGES:
        at.switch_page(f"pages_/{page}.py")
        first = timed(at)
        if page == "imports":  # no data filters on this page: time plain reruns
            times = [timed(at) for _ in changes]
        else:
            times = [timed(at, fn) for _, fn in changes]
        worst = max(worst, max(times))
        print(f"{page:<10} {first:>9.3f}s " + " ".join(f"{t:>5.3f}s" for t in times)
              + f" {statistics.median(times):>6.3f}s {max(times):>5.3f}s")
    print(f"\nslowest filter change on any page: {worst:.3f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
