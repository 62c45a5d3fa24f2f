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
