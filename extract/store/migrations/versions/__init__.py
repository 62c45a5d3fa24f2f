"""One file per schema revision (``0001_baseline``, ``0002_originals`` …)."""
