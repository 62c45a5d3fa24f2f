"""The dashboard's frame of every fact, kept up to date without reading every fact again: a columnar
snapshot in memory and on disk, refreshed from the store's log of changed facts.

Reading every fact (:func:`.columnar.read_facts`) costs about 1 s a million facts on SQLite — 40 s at ten
million — and a dashboard would pay it at every start and after every change (an import, a review
decision, a check run). Instead :meth:`Snapshots.frame` does:

1. **State.** In one read transaction: the store's identity (``store_meta``), the last change number
   (``fact_changes.seq``, logged by the database's triggers on every update or deletion of a fact) and
   the highest fact id — a :class:`State`.
2. **Base.** The frame this process holds, else the snapshot on disk for this store (folder
   ``<cache>/<identity>-<address digest>/``, its columns memory-mapped and read ahead in the background:
   :func:`read_ahead`) — either only if it is of the
   same store and not ahead of it (a store restored from a backup is older than its snapshot, which is
   then dropped). Without a base every fact is read; the state is taken *before* that read, so the frame
   is at least as new as its state and the next refresh re-reads whatever changed meanwhile (re-reading a
   fact is harmless).
3. **Changes.** In the same transaction as step 1: the ids logged since the base's change number and the
   facts above the base's highest id (a new fact has a higher id, or one freed by a deletion — which is
   logged). More than :attr:`SnapshotSettings.full_read_share` of the frame: everything is read instead.
4. **Merge.** The base's rows with those ids are dropped and the facts with those ids that still exist
   are inserted in id order; categories are put back in order of first appearance (unused ones dropped),
   so the frame equals a fresh read of the store exactly (tests compare them after imports, deletions,
   decisions and check runs, on SQLite and PostgreSQL).
5. **Keep.** The frame becomes the process's base and is written to disk — new files in a folder of
   their own, then named ``current`` by an atomic rename — in a background thread; older snapshots of the
   store are removed. A cache folder that cannot be written only costs the next process a full read.

Writers on both databases commit one after another (SQLite's write lock; a PostgreSQL advisory lock,
:func:`.write._serialised`), so change numbers and ids are visible in the order they were given: a reader
that has seen a change number has seen every earlier one.

Limits: the log is never pruned (a few bytes a changed fact). A store restored from a backup is older
than its snapshot and is read afresh — unless, before any dashboard looks at it, it is changed until its
identity, last change number and highest id all match the snapshot's again; then the snapshot would be
taken for it. Deleting the cache folder (``zhibiao`` never needs it) starts every snapshot again.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from .columnar import HELD, index_type, paramstyle, query, read_facts, read_rows

#: the layout of a snapshot on disk; a snapshot of another layout (or other held columns) is not read
FORMAT = 1


@dataclass(frozen=True)
class SnapshotSettings:
    """When a refresh reads everything instead of the changes, and how long stale files may stay."""

    #: changed facts, as a share of the frame, above which every fact is read again (row by row reads
    #: cost about ten times a grouped full read per fact)
    full_read_share: float = 0.1
    #: a folder left by a writer that died (no ``current`` names it) is removed after this many seconds
    stale_after_s: float = 3600.0


SETTINGS = SnapshotSettings()


@dataclass(frozen=True)
class State:
    """What a frame shows: the store's identity, its last change number and its highest fact id."""

    identity: str
    seq: int
    top: int

    def covers(self, later: State) -> bool:
        """Whether ``later`` can be reached from this state by re-reading changes (same store, not older)."""
        return self.identity == later.identity and self.seq <= later.seq


@dataclass
class Snapshot:
    frame: pd.DataFrame
    state: State


def read_state(cur: Any) -> State:
    """The store's :class:`State`, in the cursor's transaction."""
    cur.execute("SELECT value FROM store_meta WHERE key = 'uuid'")
    row = cur.fetchone()
    cur.execute("SELECT coalesce(max(seq), 0) FROM fact_changes")
    seq = int(cur.fetchone()[0])
    cur.execute("SELECT coalesce(max(id), 0) FROM facts")
    top = int(cur.fetchone()[0])
    return State(str(row[0]) if row else "", seq, top)


class Snapshots:
    """The frame of one store, refreshed incrementally (see the module's algorithm); thread-safe."""

    def __init__(self, engine: Engine, url: str, folder: Path | None, settings: SnapshotSettings = SETTINGS):
        self.engine = engine
        self.url = url
        self.folder = folder
        self.settings = settings
        self.held: Snapshot | None = None
        self._lock = threading.Lock()
        self._saving = threading.Lock()
        self.last_refresh = ""  # how the last frame was obtained: held, disk, changes, full
        self._writer: threading.Thread | None = None

    def frame(self) -> pd.DataFrame:
        """Every stored fact without its provenance text, as :func:`.columnar.read_facts` gives it."""
        with self._lock:
            snap, how = self._refresh()
            self.last_refresh = how
            if how != "held":
                self.held = snap
                if how in ("changes", "full"):
                    self._save_soon(snap)
            return snap.frame

    def _refresh(self) -> tuple[Snapshot, str]:
        base, how = self.held, "held"
        if base is None:
            base, how = self._load(), "disk"

        def changes(cur: Any) -> tuple[State, np.ndarray, pd.DataFrame] | State:
            state = read_state(cur)
            if base is None or not base.state.covers(state):
                return state
            if base.state == state:
                return state, np.zeros(0, dtype="int64"), pd.DataFrame()
            changed = _ints(cur, "SELECT DISTINCT fact_id FROM fact_changes WHERE seq > ?", (base.state.seq,))
            if len(changed) + max(0, state.top - base.state.top) > self.settings.full_read_share * max(
                len(base.frame), 1000
            ):
                return state
            rows = read_rows(cur, "id > ?", (base.state.top,))
            if len(changed) and changed[0] <= base.state.top:
                again = read_rows(
                    cur,
                    "id <= ? AND id IN (SELECT fact_id FROM fact_changes WHERE seq > ?)",
                    (base.state.top, base.state.seq),
                )
                rows = _concat_rows(rows, again)
            # every id read is dropped from the base first, even one changed after ``changed`` was read
            return state, np.union1d(changed, rows["id"].to_numpy()), rows

        got = query(self.engine, changes)
        if isinstance(got, State):  # no usable base, or too much changed: read everything
            frame = read_facts(self.engine, self.url)
            return Snapshot(frame, got), "full"
        state, drop, rows = got
        assert base is not None
        if base.state == state:
            return base, how
        return Snapshot(merge(base.frame, drop, rows), state), "changes"

    # -- on disk -----------------------------------------------------------------------------------

    def _home(self, identity: str) -> Path | None:
        if self.folder is None or not identity:
            return None
        digest = hashlib.sha256(self.url.encode()).hexdigest()[:12]
        return self.folder / f"{identity}-{digest}"

    def _load(self) -> Snapshot | None:
        """The snapshot on disk named ``current`` for this store, its columns memory-mapped; None if
        there is none, or it cannot be read."""
        state = query(self.engine, read_state)
        home = self._home(state.identity)
        if home is None:
            return None
        try:
            name = (home / "current").read_text(encoding="utf-8").strip()
            return load(home / name)
        except (OSError, ValueError, KeyError):
            return None

    def _save_soon(self, snap: Snapshot) -> None:
        home = self._home(snap.state.identity)
        if home is None:
            return

        def write() -> None:
            with self._saving:
                if self.held is not snap:  # a newer frame came meanwhile: it will be written instead
                    return
                try:
                    save(snap, home, self.settings)
                except OSError:
                    pass  # the next process reads everything again

        self._writer = threading.Thread(target=write, name="zhibiao-snapshot-save", daemon=True)
        self._writer.start()

    def wait_saved(self) -> None:
        """Wait until the last frame is on disk (for tests and benchmarks)."""
        if self._writer is not None:
            self._writer.join()


def merge(base: pd.DataFrame, drop: np.ndarray, rows: pd.DataFrame) -> pd.DataFrame:
    """``base`` without the facts whose id is in ``drop`` (sorted), with ``rows`` (facts as read, in id
    order) inserted in id order; categories in order of first appearance, unused ones dropped — what a
    fresh read of the store gives (see :func:`.columnar.read_facts`). Columns that no change touches are
    shared with ``base``, not copied: the common refreshes are facts changed in place (a decision, a
    check) and facts appended (an import).

    >>> a = pd.DataFrame({"id": [1, 2, 3], "region": pd.Categorical(["北京", "上海", "北京"])})
    >>> b = pd.DataFrame({"id": [2, 4], "region": pd.Categorical(["河南", "上海"])})
    >>> out = merge(a, np.array([1, 2, 4]), b)
    >>> out["id"].tolist(), out["region"].tolist(), list(out["region"].cat.categories)
    ([2, 3, 4], ['河南', '北京', '上海'], ['河南', '北京', '上海'])
    """
    ids = base["id"].to_numpy()
    new_ids = rows["id"].to_numpy() if len(rows) else np.zeros(0, dtype="int64")
    where = np.searchsorted(ids, drop)
    found = where < len(ids)
    found[found] = ids[where[found]] == drop[found]
    if np.array_equal(drop[found], new_ids):  # the same facts, changed in place
        return _replaced(base, where[found], rows)
    if not found.any() and (not len(ids) or not len(new_ids) or new_ids[0] > ids[-1]):
        return _appended(base, rows)
    keep = np.ones(len(ids), dtype=bool)
    keep[where[found]] = False
    at = np.searchsorted(ids[keep], new_ids)
    out: dict[str, Any] = {}
    for name in base.columns:
        col = base[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            cats, added = _with_categories(col.cat.categories, rows[name] if len(rows) else None)
            codes = np.insert(_codes(col)[keep].astype(index_type(len(cats))), at, added)
            out[name] = _categorical(*_first_appearance(codes, cats))
        else:
            values = col.to_numpy()[keep]
            out[name] = np.insert(
                values, at, rows[name].to_numpy().astype(values.dtype) if len(rows) else values[:0]
            )
    return pd.DataFrame(out, columns=base.columns, copy=False)


def _replaced(base: pd.DataFrame, positions: np.ndarray, rows: pd.DataFrame) -> pd.DataFrame:
    """``base`` with the rows at ``positions`` replaced by ``rows`` (same ids); unchanged columns shared."""
    out: dict[str, Any] = {}
    for name in base.columns:
        col = base[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            cats, added = _with_categories(col.cat.categories, rows[name])
            codes = _codes(col)
            if len(cats) == len(col.cat.categories) and np.array_equal(codes[positions], added):
                out[name] = col
                continue
            codes = codes.astype(index_type(len(cats)))  # a copy
            codes[positions] = added
            out[name] = _categorical(*_first_appearance(codes, cats))
        else:
            values = col.to_numpy()
            new = rows[name].to_numpy().astype(values.dtype)
            if _same(values[positions], new):
                out[name] = col
                continue
            values = values.copy()
            values[positions] = new
            out[name] = values
    return pd.DataFrame(out, columns=base.columns, copy=False)


def _appended(base: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """``base`` followed by ``rows`` (all of higher ids): new categories follow the old in order of first
    appearance, so no category moves."""
    if not len(rows):
        return base
    out: dict[str, Any] = {}
    for name in base.columns:
        col = base[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            cats, added = _with_categories(col.cat.categories, rows[name])
            codes = _codes(col).astype(index_type(len(cats)), copy=False)
            out[name] = _categorical(np.concatenate([codes, added]), cats)
        else:
            values = col.to_numpy()
            out[name] = np.concatenate([values, rows[name].to_numpy().astype(values.dtype)])
    return pd.DataFrame(out, columns=base.columns, copy=False)


def _with_categories(cats: pd.Index, added: pd.Series | None) -> tuple[pd.Index, np.ndarray]:
    """``cats`` extended by the values of ``added`` not among them (in order of first appearance), and the
    codes of ``added`` in the result."""
    if added is None:
        return cats, np.zeros(0, dtype="int8")
    text = pd.Index(np.asarray(added, dtype=object), dtype=object)
    unseen = text[~text.isin(cats)].unique()
    if len(unseen):
        cats = cats.append(pd.Index(unseen, dtype=object))
    return cats, cats.get_indexer(text).astype(index_type(len(cats)))


def _first_appearance(codes: np.ndarray, cats: pd.Index) -> tuple[np.ndarray, pd.Index]:
    """Categories reordered by first appearance in ``codes``, unused ones dropped (codes renumbered)."""
    order = pd.unique(codes)
    if len(order) == len(cats) and np.array_equal(order, np.arange(len(cats))):
        return codes, cats
    remap = np.zeros(len(cats), dtype=codes.dtype)
    remap[order] = np.arange(len(order), dtype=codes.dtype)
    return remap[codes], cats[order]


def _categorical(codes: np.ndarray, cats: pd.Index) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=pd.Index(cats, dtype=object), validate=False)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal arrays, NaN and NaT equal to themselves."""
    return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fcmM"))


def _concat_rows(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Two frames of facts as read, as one in id order (categoricals joined as text)."""
    if not len(a):
        return b
    if not len(b):
        return a
    joined = {
        c: pd.Categorical(np.concatenate([np.asarray(a[c], dtype=object), np.asarray(b[c], dtype=object)]))
        if isinstance(a[c].dtype, pd.CategoricalDtype)
        else np.concatenate([a[c].to_numpy(), b[c].to_numpy().astype(a[c].dtype)])
        for c in a.columns
    }
    out = pd.DataFrame(joined, columns=a.columns)
    return out.iloc[np.argsort(out["id"].to_numpy(), kind="stable")].reset_index(drop=True)


def _ints(cur: Any, sql: str, params: tuple) -> np.ndarray:
    cur.execute(paramstyle(cur, sql), params)
    return np.sort(np.fromiter((int(r[0]) for r in cur.fetchall()), dtype="int64"))


# -- the files ------------------------------------------------------------------------------------------


def save(snap: Snapshot, home: Path, settings: SnapshotSettings = SETTINGS) -> Path:
    """Write ``snap`` under ``home`` (a new folder, then ``current`` renamed onto its name) and remove the
    store's older snapshots; the new folder."""
    home.mkdir(parents=True, exist_ok=True)
    s = snap.state
    name = f"s{s.seq}-t{s.top}-{os.getpid()}-{time.monotonic_ns()}"
    target = home / name
    target.mkdir()
    meta: dict[str, Any] = {
        "format": FORMAT,
        "held": list(HELD),
        "state": [s.identity, s.seq, s.top],
        "rows": len(snap.frame),
        "columns": {},
    }
    for column in snap.frame.columns:
        col = snap.frame[column]
        categorical = isinstance(col.dtype, pd.CategoricalDtype)
        values = _codes(col) if categorical else col.to_numpy()
        _write_array(target / f"{column}.npy", values)
        meta["columns"][column] = {"categories": [str(c) for c in col.cat.categories]} if categorical else {}
    (target / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    pointer = home / f".current-{name}"
    pointer.write_text(name, encoding="utf-8")
    os.replace(pointer, home / "current")
    _tidy(home, keep=name, stale_after_s=settings.stale_after_s)
    return target


def _write_array(path: Path, values: np.ndarray) -> None:
    """``values`` as a .npy file; a column unchanged since it was memory-mapped from an earlier snapshot is
    linked to that file instead of written again (a decision on one fact changes one or two columns)."""
    source = _mapped_file(values)
    if source is not None:
        try:
            os.link(source, path)
            return
        except OSError:
            pass
    np.save(path, values)


def _memmap_of(values: np.ndarray) -> np.memmap | None:
    """The memory map ``values`` is a view of (:func:`load` maps each column), else None."""
    base: Any = values
    while base is not None and not isinstance(base, np.memmap):
        base = getattr(base, "base", None)
    return base


def _mapped_file(values: np.ndarray) -> Path | None:
    """The .npy file ``values`` is exactly the whole of (memory-mapped by :func:`load`), else None."""
    base = _memmap_of(values)
    name = getattr(base, "filename", None)
    if base is None or name is None:
        return None
    whole = base.shape == values.shape and base.dtype == values.dtype
    if not whole or base.__array_interface__["data"][0] != values.__array_interface__["data"][0]:
        return None
    return Path(name)


def load(folder: Path) -> Snapshot:
    """A snapshot written by :func:`save`, its columns memory-mapped (read-only)."""
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT or meta.get("held") != list(HELD):
        raise ValueError(f"{folder}: a snapshot of another layout")
    out: dict[str, Any] = {}
    for column, info in meta["columns"].items():
        values = np.load(folder / f"{column}.npy", mmap_mode="r").view(np.ndarray)
        if len(values) != meta["rows"]:
            raise ValueError(f"{folder}: {column} has {len(values)} rows, not {meta['rows']}")
        if "categories" in info:
            cats = pd.Index(info["categories"], dtype=object)
            out[column] = pd.Categorical.from_codes(values, categories=cats, validate=False)
        else:
            out[column] = values
    identity, seq, top = meta["state"]
    read_ahead([v.codes if isinstance(v, pd.Categorical) else v for v in out.values()])
    return Snapshot(pd.DataFrame(out, columns=list(meta["columns"]), copy=False), State(identity, seq, top))


def read_ahead(columns: list[np.ndarray]) -> None:
    """Ask the system to read the files of memory-mapped ``columns`` into its cache now
    (``madvise(MADV_WILLNEED)``, answered in the background), so that the first filter changes that reach a
    page of a snapshot whose files the system had dropped do not each wait for the disk (a first pass over
    a column of 10 M facts took 0.1–0.2 s instead of 5 ms). Nothing is mapped into the process by it: the
    resident memory grows only with what the pages read."""
    advice = getattr(mmap, "MADV_WILLNEED", None)
    if advice is None:  # pragma: no cover - not on Linux/BSD
        return
    for values in columns:
        mapped = getattr(_memmap_of(values), "_mmap", None)
        if mapped is not None:
            try:
                mapped.madvise(advice)
            except (OSError, ValueError):  # pragma: no cover - advice is only a hint
                pass


def _tidy(home: Path, keep: str, stale_after_s: float) -> None:
    """Remove the store's snapshots older than ``keep`` (a newer one is another process's, about to be
    named ``current``); any folder or pointer left for longer than ``stale_after_s`` (a writer that died)."""
    now = time.time()
    kept_at = (home / keep).stat().st_mtime
    for path in home.iterdir():
        if path.name in (keep, "current"):
            continue
        try:
            at = path.stat().st_mtime
            if path.name.startswith(".current-"):
                if now - at > stale_after_s:
                    path.unlink()
            elif ((path / "meta.json").exists() and at < kept_at) or now - at > stale_after_s:
                shutil.rmtree(path, ignore_errors=True)  # older than ours, or abandoned
        except OSError:
            pass


def _codes(col: pd.Series) -> np.ndarray:
    """A categorical column's codes, read-only and not copied (``Series.cat.codes`` copies them)."""
    return np.asarray(col.array.codes)
