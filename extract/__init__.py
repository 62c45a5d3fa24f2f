"""Zhibiao 指标看板: Chinese statistical reports → a tidy, traceable fact table.

Data flows one way: ``readers`` (file → :class:`~extract.model.Document`) →
``extractors`` (document → facts, using ``normalize``) → ``store`` → dashboard.

>>> import extract
>>> callable(extract.read_report) and callable(extract.load)
True
"""

from .api import load, read_report, resolve
from .model import FACT_COLUMNS, Fact, InputError

__all__ = ["FACT_COLUMNS", "Fact", "InputError", "load", "read_report", "resolve"]
