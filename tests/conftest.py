"""Shared test fixtures: where ../shared lives, and temporary databases."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = SHARED / "fixtures"
NBS = SHARED / "data" / "nbs"
ANSWERS = Path(__file__).resolve().parent / "answers"


def fixture(name: str) -> Path:
    path = FIXTURES / name
    if not path.exists():
        pytest.skip(f"fixture {path} not available")
    return path


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh SQLite database (and file store) for one test."""
    url = f"sqlite:///{tmp_path / 'facts.sqlite'}"
    monkeypatch.setenv("ZHIBIAO_DB_URL", url)
    return url


def run_cli(
    *args: str,
    cwd: Path = REPO,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess:
    """``python -m extract ARGS`` as a user runs it, in a process of its own (text output captured)."""
    return subprocess.run(
        [sys.executable, "-m", "extract", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=stdin,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
    )
