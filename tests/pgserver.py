"""A throwaway PostgreSQL server for the tests and the benches: ``with pg_cluster() as url: ...``.

Algorithm:

1. Find the server binaries (``initdb``, ``pg_ctl``): ``$ZHIBIAO_PG_BIN`` when set, else the newest
   ``/usr/lib/postgresql/*/bin`` (Debian's layout), else ``PATH``.
2. Pick the user that owns the cluster: PostgreSQL refuses to run as root, so as root a dedicated
   system user (``zhibiao-pg``, created with ``useradd`` when missing) runs every server command; any
   other user runs them as itself.
3. Make a private temporary folder owned by that user: ``data/`` (the cluster, ``initdb`` with UTF-8,
   locale C and password authentication for a random password), ``socket/`` (the unix socket, so no
   shared ``/var/run/postgresql`` is needed) and ``server.log``.
4. Start it with ``pg_ctl -w`` on a free port of 127.0.0.1 only (``listen_addresses``), retrying on
   another port when the chosen one was taken meanwhile; create the database.
5. Yield the SQLAlchemy URL ``postgresql+psycopg://zhibiao:PASSWORD@127.0.0.1:PORT/DBNAME``.
6. Always: stop the server (``pg_ctl -m fast``, then ``immediate`` if it hangs) and remove the folder.

``fast=True`` (the tests) turns off ``fsync``, ``synchronous_commit`` and ``full_page_writes``: a crash
may lose the cluster, which is thrown away anyway. Benches measuring a real server pass ``fast=False``.

When the server cannot be had (no binaries, no user to run it as, initdb or start failing),
:class:`PgUnavailable` says why; the caller decides whether that skips or fails.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

#: the system user that owns the cluster when we run as root
PG_USER = "zhibiao-pg"
#: the database role the URL logs in as (the cluster's superuser)
PG_ROLE = "zhibiao"
#: settings of a throwaway test cluster: durability off, small, quiet
FAST_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
BASE_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "max_connections": "200",
    "shared_buffers": "128MB",
    "log_min_messages": "warning",
}
START_TIMEOUT_S = 60


class PgUnavailable(RuntimeError):
    """A PostgreSQL server could not be started here; the message says why."""


@dataclass(frozen=True)
class Runner:
    """Runs server commands as the cluster's owner."""

    user: str | None  # None: as ourselves
    uid: int
    gid: int

    def run(self, args: list[str], timeout: float = START_TIMEOUT_S) -> subprocess.CompletedProcess:
        extra = {} if self.user is None else {"user": self.uid, "group": self.gid, "extra_groups": []}
        return subprocess.run(
            args,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "LC_ALL": "C", "LANG": "C"},
            cwd="/",
            **extra,
        )


def find_bindir() -> Path:
    """The folder of ``initdb`` and ``pg_ctl``: ``$ZHIBIAO_PG_BIN`` when set (that one only), else the newest
    of Debian's, else the one on ``PATH``."""
    given = os.environ.get("ZHIBIAO_PG_BIN")
    if given:
        candidates = [Path(given)]
    else:
        candidates = sorted(
            Path("/usr/lib/postgresql").glob("*/bin"),
            key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
            reverse=True,
        )
        initdb = shutil.which("initdb")
        if initdb:
            candidates.append(Path(initdb).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise PgUnavailable(
        "no PostgreSQL server binaries (initdb, pg_ctl): install the Debian package postgresql "
        "(make system does, as root) or set ZHIBIAO_PG_BIN"
    )


def cluster_owner() -> Runner:
    """Ourselves, or as root the system user ``zhibiao-pg`` (created when missing)."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        return Runner(None, me.pw_uid, me.pw_gid)
    try:
        entry = pwd.getpwnam(PG_USER)
    except KeyError:
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"
        proc = subprocess.run(
            [useradd, "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell",
             "/usr/sbin/nologin", "--user-group", PG_USER],
            capture_output=True,
            text=True,
        )  # fmt: skip
        if proc.returncode not in (0, 9):  # 9: created meanwhile by another process
            raise PgUnavailable(
                f"as root, could not create the user {PG_USER}: {proc.stderr.strip()}"
            ) from None
        entry = pwd.getpwnam(PG_USER)
    return Runner(PG_USER, entry.pw_uid, entry.pw_gid)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _options(port: int, socket_dir: Path, fast: bool) -> str:
    settings = {**BASE_SETTINGS, **(FAST_SETTINGS if fast else {}), "port": str(port)}
    settings["unix_socket_directories"] = str(socket_dir)
    return " ".join(f"-c {k}={v}" for k, v in settings.items())


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _initdb(runner: Runner, bindir: Path, folder: Path, password: str) -> Path:
    pwfile = folder / "pwfile"
    pwfile.write_text(password + "\n")
    os.chown(pwfile, runner.uid, runner.gid)
    pwfile.chmod(0o600)
    data = folder / "data"
    proc = runner.run(
        [str(bindir / "initdb"), "-D", str(data), "-U", PG_ROLE, "--pwfile", str(pwfile), "-E", "UTF8",
         "--locale", "C", "--auth", "scram-sha-256", "--no-sync"],
        timeout=120,
    )  # fmt: skip
    pwfile.unlink()
    if proc.returncode != 0:
        raise PgUnavailable(f"initdb failed: {(proc.stderr or proc.stdout).strip()[-500:]}")
    return data


def _start(runner: Runner, bindir: Path, data: Path, folder: Path, fast: bool) -> int:
    """Start the server on a free port; the port."""
    log = folder / "server.log"
    error = ""
    for _ in range(5):
        port = free_port()
        proc = runner.run(
            [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", str(START_TIMEOUT_S),
             "-o", _options(port, folder / "socket", fast), "start"],
            timeout=START_TIMEOUT_S + 30,
        )  # fmt: skip
        if proc.returncode == 0:
            return port
        error = f"{(proc.stderr or proc.stdout).strip()}\n{_tail(log)}"
        if "already in use" not in error and "could not bind" not in error:
            break
    raise PgUnavailable(f"the server did not start: {error.strip()[-800:]}")


def _stop(runner: Runner, bindir: Path, data: Path) -> None:
    for mode in ("fast", "immediate"):
        try:
            proc = runner.run([str(bindir / "pg_ctl"), "-D", str(data), "-m", mode, "-w", "stop"], timeout=60)
        except subprocess.TimeoutExpired:
            continue
        if proc.returncode == 0 or "no server running" in proc.stderr + proc.stdout:
            return


def admin_execute(url: str, *statements: str) -> None:
    """Run statements outside a transaction (CREATE/DROP DATABASE) on the database of ``url``."""
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    with psycopg.connect(
        host=u.host, port=u.port, user=u.username, password=u.password, dbname=u.database, autocommit=True
    ) as conn:
        for statement in statements:
            conn.execute(statement)


def database_url(server_url: str, dbname: str) -> str:
    """The URL of another database of the same server."""
    from sqlalchemy.engine import make_url

    return make_url(server_url).set(database=dbname).render_as_string(hide_password=False)


@contextmanager
def pg_cluster(dbname: str = "zhibiao", *, fast: bool = True) -> Iterator[str]:
    """A fresh PostgreSQL server with one empty database ``dbname``; its SQLAlchemy URL.

    Raises :class:`PgUnavailable` when none can be started. Stopped and removed on exit.
    """
    try:
        import psycopg  # noqa: F401 - the driver of the URL
    except ImportError as exc:
        raise PgUnavailable(
            "the Python driver psycopg is not installed (pip install -r requirements.txt)"
        ) from exc
    bindir = find_bindir()
    runner = cluster_owner()
    folder = Path(tempfile.mkdtemp(prefix="zhibiao-pg-"))
    data: Path | None = None
    try:
        folder.chmod(0o700)
        (folder / "socket").mkdir()
        for path in (folder, folder / "socket"):
            os.chown(path, runner.uid, runner.gid)
        password = secrets.token_urlsafe(18)
        data = _initdb(runner, bindir, folder, password)
        port = _start(runner, bindir, data, folder, fast)
        server = f"postgresql+psycopg://{PG_ROLE}:{password}@127.0.0.1:{port}/postgres"
        admin_execute(server, f'CREATE DATABASE "{dbname}"')
        yield database_url(server, dbname)
    finally:
        if data is not None and (data / "postmaster.pid").exists():
            _stop(runner, bindir, data)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":  # a smoke test: python -m tests.pgserver
    import time

    t0 = time.monotonic()
    with pg_cluster() as url:
        print(f"up in {time.monotonic() - t0:.1f} s: {url}")
        admin_execute(url, "SELECT 1")
