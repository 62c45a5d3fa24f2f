"""The fact store — the one door to the database: only this package names tables and columns.

SQLAlchemy Core over SQLite (default, ``data/zhibiao.sqlite``) or PostgreSQL. The package's modules:

- :mod:`.core` — :class:`Store`, which joins the others over one engine;
- :mod:`.schema` — the tables, the flags the store sets, the engine, idempotent schema creation;
- :mod:`.write` — a document with its facts in one transaction (fully present or absent), names,
  deletion, check results, review decisions re-applied on re-extraction;
- :mod:`.read` — documents, facts, the number accounting, failures, reviews, the audit log;
- :mod:`.columnar` — every fact without its provenance text, column by column, for the dashboard;
- :mod:`.migrate` — schema versions: the Alembic revisions of ``migrations/`` run on open;
- :mod:`.files` — the originals' bytes, so any machine with the database address can show a source page;
- :mod:`.known` — which files are stored already, asked of a SQLite file with the standard library alone
  (the re-ingest of unchanged files).

Importing the package is light: the names that need SQLAlchemy, pandas or numpy (:class:`Store`,
:class:`StoreBusy`, :class:`StoredDocument`, :func:`typed_facts`, the flags) are imported from their
modules on first use (a PEP 562 module ``__getattr__``; ``from extract.store import Store`` works as
before, and mypy sees the names through the ``TYPE_CHECKING`` imports). Why, measured on the shared
2-core machine under load (``python -X importtime -m extract ingest`` of two unchanged PDFs): importing
this package eagerly took 1.1–2.0 s of the run's 1.3–2.4 s of imports (pandas 0.4–0.8 s, SQLAlchemy
0.3–0.8 s, numpy 0.2–0.3 s, through ``.read``) to answer what one SQLite query answers; the re-ingest
took 1.6–1.75 s wall. Lazy, it imports none of them (:mod:`.known`): 0.16–0.3 s of imports, 0.17–0.24 s
wall.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ..files import file_sha256
from ..paths import resolve_url

if TYPE_CHECKING:
    from .core import Store
    from .core import note_on_stderr as note_on_stderr  # not in __all__, as before
    from .read import StoredDocument, typed_facts
    from .schema import CHECK_FLAG, CORRECTED_FLAG, REVIEWED_FLAG, UNEXPLAINED
    from .write import StoreBusy

__all__ = [
    "CHECK_FLAG",
    "CORRECTED_FLAG",
    "REVIEWED_FLAG",
    "UNEXPLAINED",
    "Store",
    "StoreBusy",
    "StoredDocument",
    "file_sha256",
    "resolve_url",
    "typed_facts",
]

#: the names imported on first use, and the module of each
_LAZY = {
    "Store": ".core",
    "note_on_stderr": ".core",
    "StoredDocument": ".read",
    "typed_facts": ".read",
    "CHECK_FLAG": ".schema",
    "CORRECTED_FLAG": ".schema",
    "REVIEWED_FLAG": ".schema",
    "UNEXPLAINED": ".schema",
    "StoreBusy": ".write",
}


def __getattr__(name: str) -> Any:
    """A lazy name: imported from its module, then kept in the package (later uses do not come here)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
