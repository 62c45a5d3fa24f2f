"""Zhibiao 指标看板: Chinese statistical reports → a tidy, traceable fact table.

Data flows one way: ``readers`` (file → :class:`~extract.model.Document`) →
``extractors`` (document → facts, using ``normalize``) → ``store`` → dashboard.

The API is imported lazily so that the command line starts fast (a re-ingest of
unchanged files needs neither pandas nor the PDF libraries).

>>> import extract
>>> callable(extract.read_report) and callable(extract.load)
True
"""

from __future__ import annotations

from typing import Any

from .model import FACT_COLUMNS, Fact, InputError

__all__ = ["FACT_COLUMNS", "Fact", "InputError", "load", "read_report", "resolve"]


def __getattr__(name: str) -> Any:
    if name in ("load", "read_report", "resolve"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'extract' has no attribute {name!r}")
