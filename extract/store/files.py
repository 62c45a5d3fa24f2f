"""Where the originals are kept: content-addressed files (``<sha256[:2]>/<sha256><suffix>``) under
``files/`` beside a SQLite database, or ``$ZHIBIAO_FILES_DIR``, or data/files for other databases.
A file is copied under a temporary name and renamed into place, so a reader never sees half of it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..paths import DATA_DIR


class Files:
    """The originals half of :class:`~extract.store.Store` (needs ``files_dir``)."""

    files_dir: Path

    def keep_file(self, source: str | Path, sha256: str) -> Path:
        """Copy the original into the content-addressed file store (idempotent); the path relative to it."""
        suffix = Path(source).suffix.lower()[:8]
        target = self.files_dir / sha256[:2] / f"{sha256}{suffix}"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(target.suffix + f".tmp{os.getpid()}")
            shutil.copyfile(source, tmp)
            os.replace(tmp, target)
        return target.relative_to(self.files_dir)

    def original(self, file_path: str) -> Path:
        """The kept original of a document (stored relative to the file store)."""
        p = Path(file_path)
        return p if p.is_absolute() else self.files_dir / p


def files_dir(url: str) -> Path:
    env = os.environ.get("ZHIBIAO_FILES_DIR")
    if env:
        return Path(env)
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return Path(url[len("sqlite:///") :]).parent / "files"
    return DATA_DIR / "files"
