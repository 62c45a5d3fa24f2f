"""Read and extract each file in a child process under hard limits, so that no file can take the
batch (or the dashboard's server) down with it.

Algorithm:

1. A *forkserver* is started once per batch with the readers and extractors already imported; each
   file is read in a fresh child forked from it (cheap, and safe from a multi-threaded parent such as
   the Streamlit server).
2. The child first lowers its own address-space limit (``RLIMIT_AS``, :attr:`Guard.max_memory_mb`) and
   asks the kernel to kill it when its parent dies (``PR_SET_PDEATHSIG``), then runs the job and sends
   the result back through a pipe. A job that needs more memory gets ``MemoryError`` (or a failed
   allocation inside a C library) instead of dragging the machine into swap.
3. The parent waits for results with a deadline per child (:attr:`Guard.timeout_s` plus a grace
   period for the child's own, friendlier timeout to fire). A child past its deadline is killed
   with SIGKILL — this ends even C code (pdfium) that a Python-level timer cannot interrupt.
4. A child that dies without a result (killed, out of memory in C code, crashed) is reported as a
   failure of that file only, in words; the other files go on.

At most :attr:`Guard.workers` children run at once.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import multiprocessing.spawn
import resource
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Guard:
    """The hard limits of one child (one file)."""

    max_memory_mb: int = 1536
    timeout_s: float = 300.0
    #: extra seconds before the hard kill, so the child's own timeout can say more first
    grace_s: float = 5.0
    workers: int = 1


@dataclass
class Failure:
    """A child that ended without a result: why, in words (English; the caller adds the Chinese)."""

    reason: str


@dataclass
class _Running(Generic[T]):
    item: T
    process: Any
    conn: Connection
    deadline: float


def _die_with_parent() -> None:
    """Linux: have the kernel SIGKILL this process when its parent exits (no orphaned workers)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the pipe to the parent still ends the child's work
        pass


def _child(conn: Connection, job: Callable[[T], R], item: T, max_memory_mb: int) -> None:
    _die_with_parent()
    if max_memory_mb > 0:
        limit = max_memory_mb * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit if hard == resource.RLIM_INFINITY else hard))
    try:
        result: object = job(item)
    except MemoryError:
        result = Failure(
            f"too large: reading it needs more than the memory limit of {max_memory_mb} MB "
            "(raise it with --max-memory)"
        )
    except BaseException as exc:  # anything else is reported for this file only
        result = Failure(f"unexpected error while reading ({type(exc).__name__}: {exc})")
    try:
        conn.send(result)
    except MemoryError:
        conn.send(Failure(f"too large: its facts need more than the memory limit of {max_memory_mb} MB"))
    finally:
        conn.close()


_CONTEXT: Any = None
_STARTING = threading.local()
_PREPARATION_DATA = multiprocessing.spawn.get_preparation_data


def _preparation_without_main(name: str) -> dict[str, Any]:
    """multiprocessing's preparation data, without the parent's ``__main__`` for our readers: a child would
    otherwise run the parent's main script again (under Streamlit's AppTest that is the dashboard app)."""
    data = _PREPARATION_DATA(name)
    if getattr(_STARTING, "reader", False):
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
    return data


multiprocessing.spawn.get_preparation_data = _preparation_without_main


def _context(preload: tuple[str, ...]) -> Any:
    """The forkserver context, its server preloaded with ``preload`` (started on first use)."""
    global _CONTEXT
    if _CONTEXT is None:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(list(preload))
        _CONTEXT = ctx
    return _CONTEXT


def _died(process: Any, guard: Guard) -> Failure:
    code = process.exitcode
    if code is not None and code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
        if -code == signal.SIGKILL:
            return Failure(
                f"too large or too slow: the reader was stopped by the system ({name}); "
                f"limits {guard.max_memory_mb} MB, {guard.timeout_s:g} s"
            )
        return Failure(
            f"too large or damaged: the reader stopped ({name}) — a page needs more than the memory "
            f"limit of {guard.max_memory_mb} MB (--max-memory), or the file is damaged"
        )
    return Failure(
        f"too large: the reader ended without a result (exit status {code}; "
        f"memory limit {guard.max_memory_mb} MB)"
    )


def run_isolated(
    job: Callable[[T], R], items: Iterable[T], guard: Guard, preload: tuple[str, ...] = ()
) -> Iterator[tuple[T, R | Failure]]:
    """``job(item)`` for every item, each in its own limited child; yields ``(item, result)`` in
    completion order, a :class:`Failure` in place of the result when the child gave none."""
    ctx = _context(preload)
    queue = list(items)
    running: list[_Running[T]] = []
    try:
        while queue or running:
            while queue and len(running) < max(1, guard.workers):
                item = queue.pop(0)
                parent, child = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_child, args=(child, job, item, guard.max_memory_mb), daemon=True)
                _STARTING.reader = True
                try:
                    proc.start()
                finally:
                    _STARTING.reader = False
                child.close()
                deadline = (
                    time.monotonic() + guard.timeout_s + guard.grace_s
                    if guard.timeout_s > 0
                    else float("inf")
                )
                running.append(_Running(item, proc, parent, deadline))
            now = time.monotonic()
            timeout = max(0.0, min(r.deadline for r in running) - now)
            ready = wait([r.conn for r in running], timeout=min(timeout, 3600.0))
            for r in list(running):
                result: R | Failure | None = None
                if r.conn in ready:
                    try:
                        result = r.conn.recv()
                    except (EOFError, OSError):
                        r.process.join(timeout=5)
                        result = _died(r.process, guard)
                elif time.monotonic() >= r.deadline:
                    r.process.kill()
                    result = Failure(
                        f"took too long: stopped after {guard.timeout_s:g} s "
                        "(the limit; raise it with --timeout)"
                    )
                if result is None:
                    continue
                r.conn.close()
                r.process.join(timeout=5)
                running.remove(r)
                yield r.item, result
    finally:
        for r in running:
            r.process.kill()
            r.conn.close()


__all__ = ["Failure", "Guard", "run_isolated"]
