"""Per-page dashboard timings on a large store (default: about 1,000,000 synthetic facts).

    .venv/bin/python bench/dashboard.py                 # builds /tmp/zhibiao-bench.sqlite once, then times
    .venv/bin/python bench/dashboard.py --facts 200000  # a smaller store
    .venv/bin/python bench/dashboard.py --rebuild       # regenerate the store first
    .venv/bin/python bench/dashboard.py --facts 10000000 --db /tmp/zhibiao-bench-10m.sqlite
    .venv/bin/python bench/dashboard.py --pg            # the same on a throwaway PostgreSQL server
    .venv/bin/python bench/dashboard.py --db postgresql+psycopg://…  # an existing database (filled once)

The store (bench/synth.py) has a realistic shape: 全国, the 31 provinces and all their cities,
4 operators, 40 indicators, 120 months, one report per province and month at 1 M facts; past that
more years, indicators and reports. It is built, and opened once by the store (so any missing index
is created), in a separate process: the figures below are the dashboard's alone. ``--pg`` starts a
throwaway PostgreSQL cluster (tests/pgserver.py, durable settings), fills it and times against it;
it is removed afterwards.

Each page is rendered through streamlit.testing.v1.AppTest (the real script, in process), so a
timing is everything one rerun does: reading and aggregating the data, building the figures,
serialising the page. Printed per page, as p50 / p95 / max:

* cold — the first render after every Streamlit cache was cleared (a new Store: the facts come from
  the snapshot on disk that opening the store made, as in a new dashboard process), with a filter just
  changed;
* warm — a typical filter change: sequences of sidebar changes (indicators, provinces, cities,
  operators, period) and page controls, each new to the page: ``--rounds`` of them (default 2, each with
  other values: 31–37 changes a page, so that p95 — by nearest rank, the second slowest — is not simply
  the slowest change; the slowest is printed as max).

Before each page the store's pages are read into the system's cache (``--store-cache``, see
:func:`store_cache`): the pages fetch the printed text of the facts they show from the store, and a
store whose pages the system dropped makes each fact shown for the first time wait for the disk.

Also printed: the app's first run in this fresh process (imports, reading the store, 概览) and
the peak RSS of the process (resource.getrusage ru_maxrss). Targets from issue #16: p95 < 300 ms
warm, cold start < 5 s, peak RSS < 2 GB. This is a benchmark, not a test: nothing is asserted.
The process's address space is capped (``--max-memory``, 6 GiB) so a runaway read fails here
instead of starving the machine.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
# this file is itself called dashboard.py: keep bench/ off the path so `import dashboard` finds the app
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(REPO))

PAGES = ("overview", "trend", "regions", "operators", "table", "imports")
SYNTH_VERSION = "synthetic-3"  # bench/synth.py VERSION: stores of an older shape are rebuilt
TARGET_WARM_P95 = 0.300
TARGET_COLD = 5.0
TARGET_RSS_MIB = 2048

#: (facts, reports, extractor version) of a store, read through the store in a child process
SHAPE = """
import json, sys, time
from extract.store import Store
s = Store(sys.argv[1])
d = s.documents()
v = str(d["extractor_version"].max()) if len(d) else ""
t = time.perf_counter()
s.facts_frame()  # the dashboard's snapshot of the store, made once (or brought up to date)
s.snapshots.wait_saved()
print(json.dumps([s.count_facts(), len(d), v, s.snapshots.last_refresh, time.perf_counter() - t]))
"""


def store_shape(url: str) -> tuple[int, int, str]:
    """(facts, reports, extractor version of the documents) of a store, (0, 0, '') if none; opening it
    through the store (in another process) also brings its schema up to date and makes (or refreshes) the
    dashboard's snapshot of it on disk (extract/store/snapshot.py), as the first dashboard start would."""
    import json

    path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else ""
    if path and not Path(path).exists():
        return 0, 0, ""
    proc = subprocess.run(
        [sys.executable, "-c", SHAPE, url], cwd=REPO, capture_output=True, text=True, check=True
    )
    n, docs, version, how, took = json.loads(proc.stdout.strip().splitlines()[-1])
    if int(n):
        what = {"full": "read every fact and wrote", "changes": "brought up to date", "disk": "found"}
        print(f"(snapshot: {what.get(how, how)} the dashboard's snapshot in {took:.1f}s)", file=sys.stderr)
    return int(n), int(docs), str(version)


def as_url(db: str) -> str:
    return db if "://" in db else f"sqlite:///{Path(db).resolve()}"


def ensure_store(url: str, facts: int, rebuild: bool) -> tuple[int, int]:
    """Fill the store at ``url`` with about ``facts`` synthetic facts unless it already holds them;
    (facts, reports)."""
    t0 = time.perf_counter()
    n, docs, version = store_shape(url)
    took = time.perf_counter() - t0
    if took > 5:
        print(
            f"(opening the store took {took:.1f}s: the schema brought up to date and the snapshot made)",
            file=sys.stderr,
        )
    if rebuild or version != SYNTH_VERSION or not facts * 0.8 <= n <= facts * 1.2:
        if url.startswith("sqlite:///"):
            db = Path(url[len("sqlite:///") :])
            for p in db.parent.glob(db.name + "*"):
                p.unlink()
        elif n:
            raise SystemExit(f"{url.split('@')[-1]} holds {n:,} other facts: give an empty database")
        print(f"building a store of about {facts:,} facts in {url.split('@')[-1]} (once) …", file=sys.stderr)
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, str(BENCH / "synth.py"), "--db", url, "--facts", str(facts)],
            check=True,
            cwd=REPO,
        )
        print(f"built in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
        n, docs, version = store_shape(url)
    return n, docs


def clear_caches() -> None:
    import logging

    import streamlit as st

    for name in list(logging.root.manager.loggerDict):  # "No runtime found": clearing outside a script run
        if name.startswith("streamlit.runtime.caching"):
            logging.getLogger(name).setLevel(logging.ERROR)

    st.cache_data.clear()
    st.cache_resource.clear()


#: the process's CPU seconds of every timed rerun, in order (all threads): on a shared, loaded machine
#: a steadier figure than the wall-clock time, which includes waiting for a core
CPU_TIMES: list[float] = []


def run(at, fn: Callable | None = None, *, cold: bool = False) -> float:
    """Apply ``fn`` (a widget change), then time one rerun of the script (wall seconds; the CPU
    seconds go to :data:`CPU_TIMES`)."""
    if fn:
        fn()
    if cold:
        clear_caches()
    c0 = time.process_time()
    t0 = time.perf_counter()
    at.run()
    dt = time.perf_counter() - t0
    CPU_TIMES.append(time.process_time() - c0)
    if at.exception:
        raise SystemExit(f"{at.exception[0].value}")
    return dt


def pct(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank, so p95 of 20 samples is the 19th slowest); NaN for no values."""
    if not values:
        return math.nan
    s = sorted(values)
    return s[min(len(s), max(1, math.ceil(q * len(s)))) - 1]


def median(values: list[float]) -> float:
    """The median; NaN for no values (``--cold 0``)."""
    return statistics.median(values) if values else math.nan


def sidebar_changes(at, opts: dict, k: int) -> list[tuple[str, Callable]]:
    """A typical analyst's sequence of sidebar changes, different for every page (``k`` shifts it)."""
    inds = opts["indicators"]
    level = opts["region_level"]
    provinces = [r for r in opts["regions"] if level.get(r) == "province"]
    cities = [r for r in opts["regions"] if level.get(r) == "city"]
    ops = [o for o in opts["operators"] if o]
    months = opts["months"]
    n = len(inds)

    def ind(*i):
        return lambda: at.multiselect(key="f_ind").set_value([inds[(j + 3 * k) % n] for j in i])

    def reg(values):
        return lambda: at.multiselect(key="f_region").set_value(values)

    def op(values):
        return lambda: at.multiselect(key="f_op").set_value(values)

    def period(a, b):
        def f():
            at.selectbox(key="f_from").set_value(months[a])
            at.selectbox(key="f_to").set_value(months[b])

        return f

    def clear():
        at.multiselect(key="f_ind").set_value([])
        at.multiselect(key="f_region").set_value([])
        at.multiselect(key="f_op").set_value([])
        period(0, len(months) - 1)()

    p = [provinces[(i + 5 * k) % len(provinces)] for i in range(8)]
    c = [cities[(i * 37 + 11 * k) % len(cities)] for i in range(4)] if cities else p[:2]
    m = len(months)
    return [
        ("指标", ind(0)),
        ("地区", reg(p[:3])),
        ("期间", period(m // 2, m - 1)),
        ("指标×2", ind(1, 2)),
        ("地市", reg(c[:2])),
        ("运营商", op(ops[:2])),
        ("地区", reg([p[3]])),
        ("期间", period(m // 4, 3 * m // 4)),
        ("指标", ind(4)),
        ("运营商", op([])),
        ("地区", reg(p[4:7])),
        ("清除", clear),
        ("期间", period(m - 25, m - 1)),
        ("指标", ind(5)),
        ("地区", reg([p[7], c[2]])),
        ("指标", ind(6)),
        ("清除", clear),
    ]


def page_changes(at, page: str) -> list[tuple[str, Callable]]:
    """A few of the page's own controls (each a rerun with new data to show).

    A select box is set by its value, never by ``select_index``: AppTest's ``options`` are the labels
    shown (after ``format_func``), so ``select_index`` would set a label as the value — 地市 instead
    of ``city`` for 层级 — and the next rerun fails with a value that is not among the options.
    """
    from dashboard import data
    from dashboard.pages_.regions import LEVELS, MEASURES

    boxes = {w.key: w for w in at.selectbox if w.key}
    picks = {
        "overview": [("o_region", 3), ("o_region", 40), ("o_region", -1)],
        "regions": [("r_level", -1), ("r_period", -1), ("r_ind", -1)],
        "operators": [("op_region", 3), ("op_ind", 3), ("op_region", 1)],
    }.get(page, [])
    raw = [*LEVELS, *MEASURES, *data.facts()["period"].cat.categories]

    def pick(key: str, i: int) -> None:
        box = at.selectbox(key=key)  # as the last rerun drew it
        label = box.options[i % len(box.options)]
        value = next((v for v in raw if str(box.format_func(v)) == label), label)
        box.set_value(value)

    out: list[tuple[str, Callable]] = []
    for key, i in picks:
        if key in boxes and len(boxes[key].options) > max(i, 1):
            out.append((key, lambda key=key, i=i: pick(key, i)))
    if page == "trend" and at.get("button_group"):
        from dashboard.fmt import MEASURE_LABELS

        shown = [o.content for o in at.get("button_group")[0].proto.options]
        out += [
            ("t_measure", lambda m=m: at.get("button_group")[0].set_value(m))
            for m in ("mom_pct", "yoy_pct", "value")
            if MEASURE_LABELS[m] in shown
        ]
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", default="/tmp/zhibiao-bench.sqlite", help="SQLite path or database URL")
    p.add_argument(
        "--pg", action="store_true", help="on a throwaway PostgreSQL server (tests/pgserver.py) instead"
    )
    p.add_argument("--max-memory", type=int, default=6144, help="address-space cap of this process, MiB")
    p.add_argument("--facts", type=int, default=1_000_000)
    p.add_argument("--rebuild", action="store_true")
    p.add_argument(
        "--cold",
        type=int,
        default=3,
        help="cold renders per page (0: warm reruns only — at 10 M facts every cold render reads the store again)",
    )
    p.add_argument(
        "--verbose", "-v", action="store_true", help="print every warm timing (ms) with its change"
    )
    p.add_argument("--pages", default=",".join(PAGES), help="comma-separated pages to time (default: all)")
    p.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="sequences of warm changes per page, each with other filter values (2: 31–37 changes a page, so "
        "that p95 is not simply the slowest one; the slowest is printed as max)",
    )
    p.add_argument(
        "--store-cache",
        choices=("warm", "cold", "as-is"),
        default="warm",
        help="the store's pages before each page is timed: read through (warm), dropped from the system's "
        "cache (cold, SQLite only) or as found (see store_cache)",
    )
    args = p.parse_args(argv)

    cap = args.max_memory * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    if args.pg:
        from tests.pgserver import pg_cluster

        with pg_cluster(fast=False) as url:
            return bench(url, args)
    return bench(as_url(args.db), args)


def share_script_cache() -> None:
    """Compile each page script once, as the server does: AppTest gives every run a new ``ScriptCache``, so
    each rerun would parse and compile its page again (Streamlit's "magic" rewrite included, 10–25 ms at
    every rerun) — a cost of the test harness, not of the dashboard. The first run still pays it."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared


def store_cache(url: str, mode: str) -> str:
    """Put the store's pages in the state ``mode`` names (``--store-cache``) before a page is timed; says
    what was done.

    The pages fetch the printed text of the facts they show from the store by id: where the system dropped
    the store's pages from its cache (an idle machine, or one reclaiming memory as this VM does within a
    minute or two), each fact shown for the first time waits for the disk — about 0.3 ms a fact here.
    ``warm`` reads the whole store first (:meth:`Store.read_through`), as in a store in daily use;
    ``cold`` drops a SQLite file from the system's cache (``posix_fadvise``), the worst case; ``as-is``
    leaves the cache as it finds it (the figures then depend on what ran before)."""
    if mode == "as-is":
        return "store's pages: as found"
    if mode == "cold":
        path = make_url(url).database
        if not url.startswith("sqlite") or not path:
            raise SystemExit("--store-cache cold: only a SQLite file's pages can be dropped from here")
        for name in (path, f"{path}-wal"):
            if os.path.exists(name):
                fd = os.open(name, os.O_RDONLY)
                try:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                finally:
                    os.close(fd)
        return "store's pages: dropped from the system's cache"
    from dashboard import data

    t0 = time.perf_counter()
    n = data.get_store(url).read_through()
    return f"store's pages: read through ({n:,} facts, {time.perf_counter() - t0:.1f}s)"


def bench(url: str, args: argparse.Namespace) -> int:
    n, n_docs = ensure_store(url, args.facts, args.rebuild)
    os.environ["ZHIBIAO_DB_URL"] = url
    load = os.getloadavg()
    from streamlit.testing.v1 import AppTest

    share_script_cache()
    at = AppTest.from_file(str(REPO / "dashboard" / "app.py"), default_timeout=600)
    c0 = time.process_time()
    t0 = time.perf_counter()
    at.run()
    app_cold = time.perf_counter() - t0
    app_cold_cpu = time.process_time() - c0
    if at.exception:
        raise SystemExit(f"{at.exception[0].value}")
    from dashboard import data

    opts = data.options()
    levels = list(opts["region_level"].values())
    print(f"\nstore: {url.split('@')[-1]} · load average at start {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print(
        f"\n{n:,} facts · {n_docs:,} reports · {len(opts['indicators'])} indicators · "
        f"{len(opts['regions'])} regions ({levels.count('province')} provinces, {levels.count('city')} cities) · "
        f"{len([o for o in opts['operators'] if o])} operators · {len(opts['months'])} months"
    )
    print(
        f"app cold start (first run in a fresh process: imports, reading the store, 概览): {app_cold:.2f}s "
        f"({app_cold_cpu:.2f} CPU s)\n"
    )

    rows = []
    cpu: dict[str, tuple[list[float], list[float]]] = {}
    all_warm: list[float] = []
    all_cold: list[float] = []
    for k, page in enumerate(PAGES):
        if page not in args.pages.split(","):
            continue
        cache_state = store_cache(url, args.store_cache)
        at.switch_page(f"pages_/{page}.py")
        run(at)  # arrive on the page
        mark = len(CPU_TIMES)
        changes = sidebar_changes(at, opts, k)
        if page == "imports":  # no data filters on this page: time plain reruns
            cold = [run(at, cold=True) for _ in range(args.cold)]
            warm = [run(at) for _ in changes * args.rounds]
        else:
            cold = [run(at, changes[i][1], cold=True) for i in range(args.cold)]
            warm = []
            for r in range(args.rounds):
                # each round another analyst's sequence (other indicators, regions and periods)
                steps = changes[args.cold :] if r == 0 else sidebar_changes(at, opts, k + r * len(PAGES))
                steps = steps + page_changes(at, page)
                timed = [run(at, fn) for _, fn in steps]
                warm += timed
                if args.verbose:
                    if r == 0:
                        print(f"  {cache_state}")
                    print(
                        "  "
                        + " ".join(
                            f"{label}:{t * 1000:.0f}" for (label, _), t in zip(steps, timed, strict=True)
                        )
                    )
        all_warm += warm
        all_cold += cold
        rows.append((page, cold, warm))
        cpu[page] = (CPU_TIMES[mark : mark + len(cold)], CPU_TIMES[mark + len(cold) :])
        print(
            f"{page:<10} cold {len(cold)}× p50 {median(cold):6.3f}s p95 {pct(cold, 0.95):6.3f}s · "
            f"warm {len(warm)}× p50 {median(warm):6.3f}s p95 {pct(warm, 0.95):6.3f}s "
            f"max {max(warm):6.3f}s",
            flush=True,
        )

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    warm_p95 = max(pct(w, 0.95) for _, _, w in rows)
    cold_max = max([app_cold, *all_cold])
    print(f"\n{'page':<10} {'cold p50':>9} {'cold p95':>9} {'warm p50':>9} {'warm p95':>9} {'warm max':>9}")
    for page, cold, warm in rows:
        print(
            f"{page:<10} {median(cold) * 1000:7.0f}ms {pct(cold, 0.95) * 1000:7.0f}ms "
            f"{median(warm) * 1000:7.0f}ms {pct(warm, 0.95) * 1000:7.0f}ms {max(warm) * 1000:7.0f}ms"
        )
    print(
        "\nCPU seconds of the process per rerun (all threads; what the load adds to the wall time is not in it):"
    )
    for page, (cold, warm) in cpu.items():
        print(
            f"{page:<10} cold p50 {median(cold) * 1000:6.0f}ms  warm p50 {median(warm) * 1000:6.0f}ms "
            f"p95 {pct(warm, 0.95) * 1000:6.0f}ms"
        )
    print(
        f"\nall pages: warm p50 {median(all_warm) * 1000:.0f}ms, p95 {pct(all_warm, 0.95) * 1000:.0f}ms "
        f"({len(all_warm)} filter changes); cold p95 {pct(all_cold, 0.95):.2f}s"
    )
    print(f"peak RSS: {rss:,.0f} MiB")
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} (2 cores)")
    print("\ntargets (issue #16):")
    print(
        f"  warm p95 < 300 ms on every page: worst page {warm_p95 * 1000:.0f}ms  "
        f"{'met' if warm_p95 < TARGET_WARM_P95 else 'NOT met'}"
    )
    print(
        f"  cold start < 5 s:                 slowest {cold_max:.2f}s  {'met' if cold_max < TARGET_COLD else 'NOT met'}"
    )
    print(
        f"  peak RSS < 2 GB:                  {rss:,.0f} MiB  {'met' if rss < TARGET_RSS_MIB else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
