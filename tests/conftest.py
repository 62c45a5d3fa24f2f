"""Shared test fixtures: where ../shared lives, and temporary databases on both stores.

``db_url`` is a fresh, empty database for one test, once on SQLite (a file in the test's folder) and
once on PostgreSQL (a database of its own on one throwaway server per session, tests/pgserver.py, with
the originals kept in the test's folder): a test that takes it runs on both stores. ``sqlite_url`` is
the SQLite file alone, for behaviour only SQLite has (WAL, file locks, the file itself).

When the PostgreSQL server cannot start, its half is skipped with the reason, except in CI (``$CI``
set), where that fails the run. The run's summary says how many tests ran on PostgreSQL.

Under pytest-xdist (``make test``) each worker is a process of its own: it starts its own server and
keeps its own cache folder; what the summary needs of them comes back in ``config.workeroutput``.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy.engine import make_url

from .pgserver import PgUnavailable, admin_execute, database_url, pg_cluster

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = SHARED / "fixtures"
NBS = SHARED / "data" / "nbs"
ANSWERS = Path(__file__).resolve().parent / "answers"

#: the stores a ``db_url`` test runs on; the PostgreSQL half carries the marker ``postgresql``
STORES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


#: no time limit on a property test's example: a deadline measures the machine's load (two xdist
#: workers share its cores, and the other half's tests start processes), not the code
settings.register_profile("zhibiao", deadline=None)
settings.load_profile("zhibiao")


@dataclass
class _PgState:
    """What became of the session's PostgreSQL servers (one per xdist worker), for the summary."""

    reason: str = ""
    started_s: list[float] = field(default_factory=list)
    databases: int = 0


_pg = _PgState()
_db_numbers = itertools.count(1)


def fixture(name: str) -> Path:
    path = FIXTURES / name
    if not path.exists():
        pytest.skip(f"fixture {path} not available")
    return path


_own_cache = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: runs on the session's throwaway PostgreSQL server")
    # the dashboard's snapshots of the tests' stores (extract/store/snapshot.py) stay in a folder of the
    # run's, never in the user's cache; set here so the servers and commands the tests start inherit it.
    # An xdist worker inherits the controller's folder and makes its own inside it: two workers never
    # write the same snapshot (the committed data/zhibiao.sqlite is opened by tests on both)
    given = os.environ.get("ZHIBIAO_CACHE_DIR")
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and given and given == workerinput.get("zhibiao_cache_dir"):
        os.environ["ZHIBIAO_CACHE_DIR"] = tempfile.mkdtemp(prefix=f"{workerinput['workerid']}-", dir=given)
        config.stash[_own_cache] = os.environ["ZHIBIAO_CACHE_DIR"]
    elif not given:
        os.environ["ZHIBIAO_CACHE_DIR"] = tempfile.mkdtemp(prefix="zhibiao-test-cache-")
        config.stash[_own_cache] = os.environ["ZHIBIAO_CACHE_DIR"]


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """xdist, in the controller: tell each worker which cache folder is the controller's own."""
    own = node.config.stash.get(_own_cache, "")
    if own:
        node.workerinput["zhibiao_cache_dir"] = own


def pytest_unconfigure(config: pytest.Config) -> None:
    own = config.stash.get(_own_cache, "")
    if own:
        shutil.rmtree(own, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of the session's PostgreSQL server (its maintenance database); skipped (CI: failed) when
    no server can start here."""
    t0 = time.monotonic()
    with ExitStack() as stack:
        try:
            url = stack.enter_context(pg_cluster("zhibiao_admin"))
        except PgUnavailable as exc:
            _pg.reason = str(exc)
            if os.environ.get("CI"):
                pytest.fail(f"PostgreSQL must run in CI: {exc}", pytrace=False)
            pytest.skip(f"PostgreSQL not available: {exc}")
        _pg.started_s.append(time.monotonic() - t0)
        yield url


def pytest_sessionfinish(session: pytest.Session) -> None:
    """xdist, in a worker: hand this worker's servers and databases to the controller's summary."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["zhibiao_pg"] = asdict(_pg)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error: object) -> None:
    """xdist, in the controller: add up what each worker's servers did (a crashed worker tells nothing)."""
    state = getattr(node, "workeroutput", {}).get("zhibiao_pg")
    if state:
        _pg.reason = _pg.reason or state["reason"]
        _pg.started_s.extend(state["started_s"])
        _pg.databases += state["databases"]


#: the originals' folder of each PostgreSQL test database (SQLite keeps them beside its file)
_files_dirs: dict[str, Path] = {}


def use_database(monkeypatch: pytest.MonkeyPatch, url: str) -> str:
    """Point ``$ZHIBIAO_DB_URL`` at ``url``, and ``$ZHIBIAO_FILES_DIR`` at its originals' folder (unset
    for SQLite, whose originals live beside the file): what the CLI, the API and the dashboard read."""
    monkeypatch.setenv("ZHIBIAO_DB_URL", url)
    if url in _files_dirs:
        monkeypatch.setenv("ZHIBIAO_FILES_DIR", str(_files_dirs[url]))
    else:
        monkeypatch.delenv("ZHIBIAO_FILES_DIR", raising=False)
    return url


def _new_postgresql(server: str, folder: Path) -> str:
    name = f"t_{os.getpid()}_{next(_db_numbers)}"
    admin_execute(server, f'CREATE DATABASE "{name}"')
    _pg.databases += 1
    url = database_url(server, name)
    _files_dirs[url] = folder / "files"
    return url


def _drop_postgresql(server: str, url: str) -> None:
    _files_dirs.pop(url, None)
    admin_execute(server, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def _server(request: pytest.FixtureRequest) -> str | None:
    """The PostgreSQL server for this request's store (None for SQLite); skips or fails when unavailable."""
    return request.getfixturevalue("pg_server") if request.param == "postgresql" else None


@contextmanager
def _database(server: str | None, folder: Path) -> Iterator[str]:
    """A fresh, empty database on the server, or on SQLite when None (its files in ``folder``), removed
    afterwards."""
    if server is None:
        yield f"sqlite:///{folder / 'facts.sqlite'}"
        return
    url = _new_postgresql(server, folder)
    try:
        yield url
    finally:
        _drop_postgresql(server, url)


@pytest.fixture
def sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh SQLite database (and file store beside it) for one test: for what only SQLite does."""
    return use_database(monkeypatch, f"sqlite:///{tmp_path / 'facts.sqlite'}")


@pytest.fixture(params=STORES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, empty database for one test, on SQLite and on PostgreSQL (``$ZHIBIAO_DB_URL`` set to it)."""
    with _database(_server(request), tmp_path) as url:
        yield use_database(monkeypatch, url)


@pytest.fixture(params=STORES)
def make_db(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str], str]]:
    """For a test that needs several databases: ``make_db("name")`` makes a fresh, empty one, on SQLite and
    on PostgreSQL, and points ``$ZHIBIAO_DB_URL`` (and the originals' folder) at it."""
    server = _server(request)
    with ExitStack() as stack:

        def make(name: str) -> str:
            folder = tmp_path / name
            folder.mkdir()
            return use_database(monkeypatch, stack.enter_context(_database(server, folder)))

        yield make


@pytest.fixture(scope="module", params=STORES)
def new_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[str], str]]:
    """For data a module's tests share: ``new_db("name")`` makes a fresh, empty database, on SQLite and on
    PostgreSQL, removed after the module. Tests point the app at one with :func:`use_database`."""
    server = _server(request)
    with ExitStack() as stack:

        def make(name: str) -> str:
            return stack.enter_context(_database(server, tmp_path_factory.mktemp(name)))

        yield make


def query(url: str, sql: str) -> list[tuple]:
    """The rows of one SQL query on the database of ``url`` (either store), read the way a person checks."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def _store_of(report: pytest.TestReport) -> str | None:
    """Which store a test report ran on, from its parameter id ("sqlite", "postgresql"), else None."""
    ids = report.nodeid.rpartition("[")[2].rstrip("]").split("-") if report.nodeid.endswith("]") else []
    return next((s for s in ("postgresql", "sqlite") if s in ids), None)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """How many tests ran on each store and how long the PostgreSQL half took, or why it did not run."""
    counts: dict[str, dict[str, int]] = {"sqlite": {}, "postgresql": {}}
    seconds = 0.0
    for outcome, reports in terminalreporter.stats.items():  # setup and teardown reports too, for the time
        for report in reports:
            store = _store_of(report) if isinstance(report, pytest.TestReport) else None
            if store is None:
                continue
            if store == "postgresql":
                seconds += report.duration
            if (outcome in ("passed", "failed") and report.when == "call") or outcome in ("skipped", "error"):
                counts[store][outcome] = counts[store].get(outcome, 0) + 1
    if not any(counts.values()):
        return
    ran = {k: ", ".join(f"{n} {o}" for o, n in v.items()) or "none" for k, v in counts.items()}
    if _pg.started_s:
        # the test time is summed over the workers; each worker started a server of its own
        started = sorted(_pg.started_s)
        servers = (
            f"server started in {started[0]:.1f} s"
            if len(started) == 1
            else f"{len(started)} servers started in {', '.join(f'{s:.1f}' for s in started)} s"
        )
        note = f"{seconds:.0f} s, {servers}, {_pg.databases} databases"
    else:
        note = f"not available: {_pg.reason}" if _pg.reason else "server not started"
    terminalreporter.write_line(f"stores: SQLite {ran['sqlite']}; PostgreSQL {ran['postgresql']} ({note})")


def run_cli(
    *args: str,
    cwd: Path = REPO,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess:
    """``python -m extract ARGS`` as a user runs it, in a process of its own (text output captured)."""
    return subprocess.run(
        [sys.executable, "-m", "extract", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=stdin,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
    )


def listening(port: int) -> list[str]:
    """Local addresses listening on ``port`` (from /proc/net/tcp and tcp6)."""
    out = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for ln in lines:
            local, state = ln.split()[1], ln.split()[3]
            addr, hexport = local.rsplit(":", 1)
            if state == "0A" and int(hexport, 16) == port:
                out.append(addr)
    return out
