"""The originals: each ingested file's bytes in the database, by sha256, so that any machine with the
database address can show a source page or write the file back out.

Algorithm: :meth:`Files.keep_file` reads the file in chunks of :data:`~.schema.CHUNK_BYTES`, hashing as it
goes, and inserts an ``originals`` row, one ``original_chunks`` row per chunk, and the size and count, in
one write transaction; the sha256 must be the one the caller computed (else nothing is kept). Keeping is
idempotent: content already stored is not written again, and on PostgreSQL a concurrent writer of the
same content (a unique violation) counts as having kept it. Readers stream the chunks one query each
(:meth:`Files.original_chunks`), or get the whole bytes, or a file: :meth:`Files.original_path`
materialises the original once in a private cache folder (``<tmp>/zhibiao-originals-<uid>``, verified
by its hash, written under a temporary name and renamed) for libraries that want a path; the cache
keeps the most recently used files up to :data:`CACHE_BYTES`.

:func:`legacy_files_dir` is where the releases before originals moved into the database kept them (the
migration that moves them in reads it).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from ..paths import DATA_DIR, sqlite_path
from .schema import CHUNK_BYTES, original_chunks, originals

#: how much the cache of materialised originals keeps (the most recently used first)
CACHE_BYTES = 1024**3


class Files:
    """The originals half of :class:`~extract.store.Store` (needs ``engine`` and ``_write``)."""

    engine: Engine

    if TYPE_CHECKING:

        def _write(self) -> AbstractContextManager[Connection]: ...  # Writes._write

    def keep_file(self, source: str | Path, sha256: str) -> str:
        """Store the bytes of ``source`` (whose sha256 is ``sha256``) unless already stored; the name it is
        kept under (``<sha256[:2]>/<sha256><suffix>``, recorded as the document's ``file_path``)."""
        suffix = Path(source).suffix.lower()[:8]
        if not self.has_original(sha256):
            try:
                with self._write() as conn:
                    if conn.execute(select(originals.c.sha256).where(originals.c.sha256 == sha256)).first():
                        return stored_name(sha256, suffix)
                    store_bytes(conn, sha256, suffix, read_chunks(Path(source)))
            except IntegrityError:  # another process kept the same content meanwhile (PostgreSQL)
                if not self.has_original(sha256):
                    raise
        return stored_name(sha256, suffix)

    def has_original(self, sha256: str) -> bool:
        return self.original_info(sha256) is not None

    def original_info(self, sha256: str) -> tuple[int, str] | None:
        """(size in bytes, suffix) of a stored original, or None when it is not stored."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(originals.c.size, originals.c.suffix).where(originals.c.sha256 == sha256)
            ).first()
        return None if row is None else (int(row[0]), str(row[1]))

    def original_chunks(self, sha256: str) -> Iterator[bytes]:
        """The bytes of a stored original, chunk by chunk (nothing when it is not stored)."""
        with self.engine.connect() as conn:
            count = conn.execute(select(originals.c.chunks).where(originals.c.sha256 == sha256)).scalar()
        for seq in range(int(count or 0)):
            with self.engine.connect() as conn:
                data = conn.execute(
                    select(original_chunks.c.data).where(
                        original_chunks.c.sha256 == sha256, original_chunks.c.seq == seq
                    )
                ).scalar()
            if data is None:
                raise LookupError(f"the original {sha256} lacks its chunk {seq}")
            yield bytes(data)

    def original_bytes(self, sha256: str) -> bytes | None:
        """The whole bytes of a stored original, or None."""
        if not self.has_original(sha256):
            return None
        return b"".join(self.original_chunks(sha256))

    def write_original(self, sha256: str, target: Path) -> bool:
        """Write a stored original to ``target`` (streamed, verified by its hash, renamed into place);
        False when it is not stored."""
        if not self.has_original(sha256):
            return False
        _write_verified(self.original_chunks(sha256), sha256, target)
        return True

    def original_path(self, sha256: str) -> Path | None:
        """A local file holding the stored original (materialised once in the cache folder), or None."""
        info = self.original_info(sha256)
        if info is None:
            return None
        folder = cache_dir()
        path = folder / f"{sha256}{info[1]}"
        if path.is_file() and path.stat().st_size == info[0]:
            os.utime(path)
            return path
        _write_verified(self.original_chunks(sha256), sha256, path)
        _prune(folder, keep=path)
        return path


def stored_name(sha256: str, suffix: str) -> str:
    return f"{sha256[:2]}/{sha256}{suffix}"


def store_bytes(conn: Connection, sha256: str, suffix: str, chunks: Iterator[bytes]) -> None:
    """Insert an original's chunks and its row inside the caller's transaction; raises ValueError (and
    the caller's transaction is rolled back) when the bytes do not have this sha256."""
    conn.execute(originals.insert().values(sha256=sha256, size=0, suffix=suffix, chunks=0))
    digest = hashlib.sha256()
    size = count = 0
    for data in chunks:
        digest.update(data)
        conn.execute(original_chunks.insert().values(sha256=sha256, seq=count, data=data))
        size += len(data)
        count += 1
    if digest.hexdigest() != sha256:
        raise ValueError(f"the file changed while it was read: its sha256 is not {sha256}")
    conn.execute(update(originals).where(originals.c.sha256 == sha256).values(size=size, chunks=count))


def forget_original(conn: Connection, sha256: str) -> None:
    """Remove a stored original inside the caller's transaction (nothing when none is stored)."""
    conn.execute(delete(original_chunks).where(original_chunks.c.sha256 == sha256))
    conn.execute(delete(originals).where(originals.c.sha256 == sha256))


def read_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        while data := f.read(CHUNK_BYTES):
            yield data


def _write_verified(chunks: Iterator[bytes], sha256: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
    digest = hashlib.sha256()
    try:
        with tmp.open("wb") as f:
            for data in chunks:
                digest.update(data)
                f.write(data)
        if digest.hexdigest() != sha256:
            raise ValueError(f"the stored original {sha256} does not have that sha256")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def cache_dir() -> Path:
    """This user's private folder of materialised originals (created 0700; another owner's is refused)."""
    folder = Path(tempfile.gettempdir()) / f"zhibiao-originals-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    if folder.is_symlink() or folder.stat().st_uid != os.getuid():
        raise PermissionError(f"{folder} belongs to another user")
    return folder


def _prune(folder: Path, keep: Path) -> None:
    """Remove the least recently used files beyond CACHE_BYTES (never ``keep``)."""
    entries = []
    for p in folder.iterdir():
        try:
            st = p.stat()
        except FileNotFoundError:  # removed by another process meanwhile
            continue
        entries.append((st.st_mtime, st.st_size, p))
    total = sum(size for _, size, _ in entries)
    for _, size, p in sorted(entries):
        if total <= CACHE_BYTES:
            break
        if p != keep:
            p.unlink(missing_ok=True)
            total -= size


def legacy_files_dir(url: str) -> Path:
    """Where releases before 0.3 kept the originals: ``$ZHIBIAO_FILES_DIR``, else ``files/`` beside a
    SQLite database, else data/files."""
    env = os.environ.get("ZHIBIAO_FILES_DIR")
    if env:
        return Path(env)
    path = sqlite_path(url)
    return path.parent / "files" if path is not None else DATA_DIR / "files"
