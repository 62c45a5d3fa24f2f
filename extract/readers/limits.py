"""The limits every reader checks before it decompresses or reads much: one settings object.

A file over a limit is refused with a reason that names the limit ("too large: …"), before the
bytes that would exhaust memory are produced. The hard limits (memory, wall clock) of the process
that reads a file are in :mod:`extract.isolate`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Limits:
    """Guards against hostile files (the CLI sets ``max_pages`` and ``timeout_s``)."""

    max_pages: int = 2000
    timeout_s: float = 300.0
    #: a text dump larger than this is not a report (a 50 MB one-line file is an attack or an accident)
    max_text_bytes: int = 16 * 1024 * 1024
    #: what a workbook may unpack to (all its zip members together), checked from the zip directory
    max_unpacked_bytes: int = 128 * 1024 * 1024
    #: cells of a sheet (rows × columns actually present, not as declared)
    max_cells: int = 2_000_000


def megabytes(n: int) -> str:
    """
    >>> megabytes(16 * 1024 * 1024), megabytes(1_500_000)
    ('16 MB', '1.4 MB')
    """
    mb = n / 1024 / 1024
    return f"{mb:.0f} MB" if mb >= 10 else f"{mb:.1f} MB"
