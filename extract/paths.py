"""Where Zhibiao's data files live: resolved from the repository, never the working directory."""

from __future__ import annotations

import os
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_DIR / "data"
DEFAULT_DB_PATH = DATA_DIR / "zhibiao.sqlite"


def default_db_url() -> str:
    """The database URL when none is given: ``$ZHIBIAO_DB_URL`` if set, else the embedded SQLite file."""
    return database_url(None)


def cache_dir() -> Path | None:
    """Where Zhibiao keeps what it can make again (the dashboard's snapshots of stores):
    ``$ZHIBIAO_CACHE_DIR``, else ``$XDG_CACHE_HOME/zhibiao``, else ``~/.cache/zhibiao``; None when it
    cannot be made (nothing is then kept between processes)."""
    given = os.environ.get("ZHIBIAO_CACHE_DIR") or ""
    if given:
        folder = Path(given).expanduser()
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path("~/.cache").expanduser())
        folder = Path(base) / "zhibiao"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


def data_file(name: str) -> Path:
    """A catalogue file under ``data/``.

    >>> data_file("indicators.csv").name
    'indicators.csv'
    """
    return DATA_DIR / name


def database_url(given: str | None = None) -> str:
    """The one resolver of a database address, for the CLI (``--db``), the Python API and the dashboard.

    Order: ``given``, else ``$ZHIBIAO_DB_URL``, else the embedded ``data/zhibiao.sqlite``. An address
    with ``://`` is a SQLAlchemy URL and is used as it is; anything else is a path to a SQLite file,
    ``~`` expanded and relative paths taken against the working directory.

    >>> database_url("/tmp/x.sqlite")
    'sqlite:////tmp/x.sqlite'
    >>> database_url("postgresql://u@h/db")
    'postgresql://u@h/db'
    >>> database_url("sqlite:///rel.sqlite") == "sqlite:///" + str(Path("rel.sqlite").resolve())
    True
    """
    address = (given or os.environ.get("ZHIBIAO_DB_URL") or "").strip()
    if not address:
        return f"sqlite:///{DEFAULT_DB_PATH}"
    if address.startswith("sqlite:///") and address != "sqlite:///:memory:":
        path = address[len("sqlite:///") :]
        return f"sqlite:///{Path(path).expanduser().resolve()}" if not path.startswith("/") else address
    if "://" in address:
        return address
    return f"sqlite:///{Path(address).expanduser().resolve()}"


def resolve_url(url: str | None) -> str:
    """Kept for callers of the first release: the same as :func:`database_url`."""
    return database_url(url)


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None for other databases and in-memory SQLite.

    >>> sqlite_path("sqlite:////tmp/x.sqlite"), sqlite_path("postgresql://h/db")
    (PosixPath('/tmp/x.sqlite'), None)
    """
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return Path(url[len("sqlite:///") :])
    return None
