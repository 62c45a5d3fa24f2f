"""Where Zhibiao's data files live: resolved from the repository, never the working directory."""

from __future__ import annotations

import os
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_DIR / "data"
DEFAULT_DB_PATH = DATA_DIR / "zhibiao.sqlite"


def default_db_url() -> str:
    """The database URL: ``$ZHIBIAO_DB_URL`` if set, else the embedded SQLite file."""
    return os.environ.get("ZHIBIAO_DB_URL") or f"sqlite:///{DEFAULT_DB_PATH}"


def data_file(name: str) -> Path:
    """A catalogue file under ``data/``.

    >>> data_file("indicators.csv").name
    'indicators.csv'
    """
    return DATA_DIR / name


def resolve_url(url: str | None) -> str:
    """A database URL from ``--db``: a URL, or a plain path to a SQLite file.

    >>> resolve_url("/tmp/x.sqlite")
    'sqlite:////tmp/x.sqlite'
    >>> resolve_url("postgresql://u@h/db")
    'postgresql://u@h/db'
    """
    if not url:
        return default_db_url()
    if "://" in url:
        return url
    return f"sqlite:///{Path(url).resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None for other databases and in-memory SQLite.

    >>> sqlite_path("sqlite:////tmp/x.sqlite"), sqlite_path("postgresql://h/db")
    (PosixPath('/tmp/x.sqlite'), None)
    """
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return Path(url[len("sqlite:///"):])
    return None
