"""Ingest: files → documents → facts → store, one file at a time or in parallel.

Reading and extracting run in worker processes (``workers > 1``); only the main
process writes to the store, one transaction per document, so a crash leaves
every document either fully stored or absent.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .files import file_sha256
from .model import SUFFIXES, Fact, InputError
from .names import shown
from .paths import DATA_DIR

if TYPE_CHECKING:
    from .accounting import NumberOutcome
    from .checks import Failure
    from .model import Document
    from .store import Store

CODE_VERSION = "0.2.0"


def extractor_version() -> str:
    """The code version plus a digest of the extraction catalogues (``data/*.csv``), so editing one
    re-extracts; the dashboard's own tables in ``data/dashboard/`` are not part of it."""
    h = hashlib.sha256(CODE_VERSION.encode())
    for name in sorted(p.name for p in DATA_DIR.glob("*.csv")):
        h.update(name.encode())
        h.update((DATA_DIR / name).read_bytes())
    return f"{CODE_VERSION}+{h.hexdigest()[:10]}"


def reading_version(options: Options) -> str:
    """The extractor version a file is stored under: :func:`extractor_version`, plus each reading option
    that changes what is extracted when it is not the default (OCR mode, a spreadsheet's indicator or
    unit), so a re-ingest with other options reads the file again instead of reporting it unchanged.

    >>> reading_version(Options()) == extractor_version()
    True
    >>> reading_version(Options(ocr="always")).endswith("+ocr=always")
    True
    """
    default = Options()
    marks = [
        f"{name}={value}"
        for name in READING_OPTIONS
        if (value := getattr(options, name)) != getattr(default, name)
    ]
    return "+".join([extractor_version(), *marks])


@dataclass
class Options:
    password: str | None = None
    max_pages: int = 2000
    timeout_s: float = 300.0
    indicator: str | None = None
    unit: str | None = None
    #: address-space limit of the child process that reads one file (0: no limit, no child process)
    max_memory_mb: int = 1536
    #: how long a write waits for another process that holds the database's write lock
    lock_wait_s: float = 120.0
    #: read and extract again even when the file is stored with this extractor version
    force: bool = False
    #: which PDF pages are read by OCR: auto (pages without a usable text layer) | never | always
    ocr: str = "auto"


#: Options that change what is read from a file (not how the batch runs): part of the stored version.
READING_OPTIONS = ("ocr", "indicator", "unit")


@dataclass
class Result:
    path: str
    status: str  # stored | unchanged | failed
    facts: int = 0
    pages: int = 0
    reason: str = ""
    warnings: list[str] = field(default_factory=list)
    numbers: int = 0  # numbers printed in the document (extract/accounting.py)
    unexplained: int = 0  # of which neither a fact nor set aside with a reason
    #: what the stored facts say (indicator, region, operator, subject, period, measure, value), to
    #: notice two documents of one batch that state the same facts
    signatures: frozenset[tuple] = field(default=frozenset(), repr=False, compare=False)

    def line(self) -> str:
        """The one-line report printed for each file."""
        path = shown(self.path)
        if self.status == "stored":
            note = f"  ({'; '.join(self.warnings)})" if self.warnings else ""
            counts = f", {self.unexplained} of {self.numbers} numbers unexplained" if self.numbers else ""
            return f"已入库 stored     {path}: {self.facts} facts from {self.pages} pages{counts}{note}"
        if self.status == "unchanged":
            why = self.reason or "already stored with this extractor version, skipped"
            return f"未变化 unchanged  {path}: {why}"
        if self.status == "skipped":
            return f"跳过   skipped    {path}: {self.reason}"
        return f"失败   failed     {path}: {self.reason}"


@dataclass
class Extracted:
    """What a worker hands back to the writer."""

    path: str
    name: str
    sha256: str
    size: int
    pages: int = 0
    kind: str = ""
    title: str = ""
    facts: list[Fact] = field(default_factory=list)
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    numbers: list[NumberOutcome] = field(default_factory=list)  # every printed number and its outcome


@dataclass(frozen=True)
class Selection:
    """Which files of a folder are taken (``ingest --include/--exclude``).

    Rules, in order, for files found by walking a folder (a file named on the command line is
    always taken):

    1. hidden files and folders (name starting with ``.``) and ``__pycache__`` are skipped;
    2. only supported types are taken: .pdf, .txt, .csv, .xls, .xlsx;
    3. with ``include`` patterns, only files matching one of them are taken; files matching an
       ``exclude`` pattern are skipped. A pattern is a shell glob matched against the file name and
       against its path relative to the folder (``src/*``, ``*.txt``, ``2020*``);
    4. a ``.txt`` file is skipped when a PDF of the same name is in the same folder tree: it is that
       report's text or markup, and reading both would store every fact twice (an ``include``
       pattern that names it takes it anyway).
    """

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def matches(self, patterns: tuple[str, ...], rel: PurePosixPath) -> bool:
        return any(
            fnmatch.fnmatchcase(rel.name, p) or rel.match(p) or fnmatch.fnmatchcase(str(rel), p)
            for p in patterns
        )


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(names):
            if not name.startswith("."):
                yield Path(root) / name


def collect_files(
    paths: Iterable[str | Path], selection: Selection | None = None
) -> tuple[list[Path], list[Result]]:
    """Files to ingest under the given paths (folders by the rules of :class:`Selection`), and a
    result for each bad path and each file skipped by rule 4."""
    selection = selection or Selection()
    files: list[Path] = []
    problems: list[Result] = []
    for p in map(Path, paths):
        if p.is_file():
            files.append(p)
            continue
        if not p.is_dir():
            problems.append(Result(str(p), "failed", reason="no such file or folder"))
            continue
        found = []
        for f in _walk(p):
            rel = PurePosixPath(f.relative_to(p).as_posix())
            if f.suffix.lower() not in SUFFIXES:
                continue
            included = selection.matches(selection.include, rel)
            if (selection.include and not included) or selection.matches(selection.exclude, rel):
                continue
            found.append((f, included))
        pdf_stems = {f.stem for f, _ in found if f.suffix.lower() == ".pdf"}
        for f, included in found:
            if f.suffix.lower() == ".txt" and f.stem in pdf_stems and not included:
                problems.append(
                    Result(
                        str(f),
                        "skipped",
                        reason=f"a PDF named {f.stem}.pdf is in the same folder "
                        "tree: this is its text, not another report (--include to take it)",
                    )
                )
            else:
                files.append(f)
    return files, problems


def same_facts_notes(results: list[Result], threshold: float = 0.8) -> list[str]:
    """Notes for documents of one batch that state the same facts (a report stored twice, e.g. as
    PDF and as text dump): pairs sharing at least ``threshold`` of the smaller one's facts.

    >>> a = Result("a.pdf", "stored", facts=3, signatures=frozenset({1, 2, 3}))
    >>> b = Result("b.txt", "stored", facts=3, signatures=frozenset({1, 2, 3}))
    >>> same_facts_notes([a, b, Result("c.pdf", "stored", facts=1, signatures=frozenset({9}))])
    ['a.pdf and b.txt state the same 3 facts (100% of b.txt): the same report twice? Delete one, or use --exclude']
    """
    stored = [r for r in results if r.status == "stored" and r.signatures]
    notes = []
    for i, a in enumerate(stored):
        for b in stored[i + 1 :]:
            common = len(a.signatures & b.signatures)
            smaller = a if len(a.signatures) < len(b.signatures) else b
            if common and common >= threshold * len(smaller.signatures):
                notes.append(
                    f"{a.path} and {b.path} state the same {common} facts "
                    f"({common / len(smaller.signatures):.0%} of {smaller.path}): the same report twice? "
                    "Delete one, or use --exclude"
                )
    return notes


@contextmanager
def deadline(seconds: float, path: str) -> Iterator[None]:
    """Stop reading a document after ``seconds`` (a SIGALRM timer, where this runs on a main thread).

    Elsewhere (a dashboard thread) the PDF reader's own page-by-page check applies.
    """
    usable = (
        seconds > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def expire(_signum, _frame):
        raise InputError(
            path, f"reading took longer than the limit of {seconds:g} s (raise it with --timeout)"
        )

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def extract_file(path: str | Path, options: Options, sha256: str | None = None) -> Extracted:
    """Read and extract one file (no store access; runs in a worker)."""
    from .extractors import extract_facts
    from .readers import Limits, read_document

    path = Path(path)
    size = path.stat().st_size if path.exists() else 0
    digest = sha256 or (file_sha256(path) if path.exists() else "")
    out = Extracted(path=str(path), name=path.name, sha256=digest, size=size)
    try:
        with deadline(options.timeout_s, str(path)):
            doc = read_document(
                path,
                password=options.password,
                limits=Limits(options.max_pages, options.timeout_s),
                indicator=options.indicator,
                unit=options.unit,
                ocr=options.ocr,
            )
            out.facts = extract_facts(doc)
            out.numbers = _account(doc, out.facts)
        out.pages, out.kind, out.title, out.warnings = len(doc.pages), doc.kind, doc.title, doc.warnings
    except InputError as exc:
        out.error = exc.reason
    except Exception as exc:  # a bug or an unforeseen file: report it, keep the batch going
        out.error = f"unexpected error while reading ({type(exc).__name__}: {exc})"
    return out


def ingest(
    paths: Iterable[str | Path],
    store: Store | str | None,
    options: Options | None = None,
    workers: int = 1,
    progress: Callable[[Result], None] | None = None,
    selection: Selection | None = None,
    note: Callable[[str], None] | None = None,
) -> list[Result]:
    """Ingest files into the store (a :class:`Store`, or a database URL/path opened only when
    there is something to write); returns one result per file, in completion order. ``note`` is told
    when a write waits for another process."""
    options = options or Options()
    files, results = collect_files(paths, selection)
    for r in results:
        _report(progress, r)
    version = reading_version(options)
    hashed: list[tuple[Path, str]] = []
    for f in files:
        try:
            hashed.append((f, file_sha256(f)))
        except OSError as exc:
            results.append(
                _report(progress, Result(str(f), "failed", reason=f"cannot read the file ({exc.strerror})"))
            )
    try:
        known = _known_versions(store, [d for _, d in hashed], options.lock_wait_s)
    except Exception as exc:  # the database cannot be read: every file says so, as when it cannot be opened
        reason = f"could not open the database ({_storage_reason(exc)})"
        for f, _ in hashed:
            results.append(_report(progress, Result(str(f), "failed", reason=reason)))
        return results
    todo: list[tuple[Path, str]] = []
    first_of: dict[str, Path] = {}
    copies: list[tuple[Path, str]] = []  # the same content under another name, in this batch
    renamed: list[tuple[Path, str, str]] = []  # unchanged content already stored under another name
    for f, digest in hashed:
        if digest in first_of:
            copies.append((f, digest))
            continue
        first_of[digest] = f
        stored = known.get(digest)
        if stored is not None and stored[:2] == ("ok", version) and not options.force:
            if stored[2] != f.name:
                renamed.append((f, digest, stored[2]))
            else:
                results.append(_report(progress, Result(str(f), "unchanged")))
        else:
            todo.append((f, digest))
    if not (todo or copies or renamed):
        return results
    try:
        if store is None or isinstance(store, str):
            from .store import Store

            opened = Store(store, lock_wait_s=options.lock_wait_s, on_wait=note)
        else:
            opened = store
            if note is not None and opened.on_wait is None:
                opened.on_wait = note
    except Exception as exc:  # the database cannot be opened: every file says so, nothing is half-written
        reason = f"could not open the database ({_storage_reason(exc)})"
        for f, _ in todo + copies:
            results.append(_report(progress, Result(str(f), "failed", reason=reason)))
        for f, _, _ in renamed:
            results.append(_report(progress, Result(str(f), "failed", reason=reason)))
        return results
    for f, digest, stored_name in renamed:
        results.append(_report(progress, _keep_name(opened, f, digest, stored_name)))
    todo.sort(key=lambda item: item[0].stat().st_size, reverse=True)  # largest first balances the workers
    stored_ok: set[str] = set()
    for extracted in _run(todo, options, workers):
        result = _save_safely(opened, extracted, version, options.force)
        if result.status in ("stored", "unchanged"):
            stored_ok.add(extracted.sha256)
        results.append(_report(progress, result))
    for f, digest in copies:
        if digest in stored_ok or known.get(digest, ("",))[0] == "ok":
            results.append(_report(progress, _keep_name(opened, f, digest, first_of[digest].name)))
        else:
            results.append(
                _report(
                    progress,
                    Result(
                        str(f),
                        "failed",
                        reason=f"same content as {shown(str(first_of[digest]))}, which was not stored",
                    ),
                )
            )
    if any(r.status == "stored" for r in results):
        _check_after_ingest(opened, note)
    return results


def check_store(store: Store, max_facts: int | None = None) -> list[Failure] | None:
    """Every consistency check over the stored facts; the failures replace the last run's (their facts
    flagged ``check_failed``). None, without checking, when more than ``max_facts`` facts are stored."""
    from .checks import run_checks

    if max_facts is not None and store.count_facts() > max_facts:
        return None
    failures = run_checks(store.facts(with_location=True))
    store.replace_check_failures(failures)
    return failures


def _check_after_ingest(store: Store, note: Callable[[str], None] | None) -> None:
    """The checks after an ingest (CLI and dashboard alike); a check that cannot run is reported, not fatal."""
    from .checks import SETTINGS

    say = note or (lambda _text: None)
    try:
        failures = check_store(store, SETTINGS.auto_max_facts)
    except Exception as exc:  # the facts are stored; the checks are a second look
        say(f"the consistency checks could not run ({type(exc).__name__}: {exc})")
        return
    if failures is None:
        say(f"more than {SETTINGS.auto_max_facts:,} facts stored: run `zhibiao check` to check them")
    elif failures:
        say(f"{len(failures)} consistency check(s) failed across the store; see `zhibiao check`")


def _keep_name(store: Store, f: Path, digest: str, stored_name: str) -> Result:
    """Content stored once, under another name: keep this name too, so the document is found by it."""
    try:
        store.add_name(digest, f.name)
    except Exception as exc:
        return Result(str(f), "failed", reason=f"could not store its name ({_storage_reason(exc)})")
    return Result(
        str(f), "unchanged", reason=f"same content as {shown(stored_name)}: stored once, this name kept"
    )


def _storage_reason(exc: Exception) -> str:
    """A storage error in words (no traceback): busy, full disk, read-only, or the driver's message."""
    from .store import StoreBusy

    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    low = text.lower()
    if isinstance(exc, StoreBusy):
        return text
    if "disk is full" in low or "disk i/o" in low or "no space" in low:
        return f"the disk is full or failing: {text}"
    if "readonly" in low or "read-only" in low:
        return f"the database is read-only: {text}"
    return text


def _save_safely(store: Store, ex: Extracted, version: str, force: bool = False) -> Result:
    """:func:`_save`, with any storage failure reported for this file only (the batch goes on)."""
    from sqlalchemy.exc import IntegrityError

    try:
        known = store.find(ex.sha256)
        if (
            known
            and known.status == "ok"
            and known.extractor_version == version
            and not ex.error
            and not force
        ):
            # another process stored the same content with this extractor version meanwhile
            return Result(ex.path, "unchanged", reason="stored meanwhile by another process")
        return _save(store, ex, version)
    except IntegrityError:
        return Result(ex.path, "unchanged", reason="stored meanwhile by another process")
    except Exception as exc:
        return Result(
            ex.path,
            "failed",
            reason=f"could not store its facts ({_storage_reason(exc)}); nothing of it was written",
        )


def _known_versions(
    store: Store | str | None, digests: list[str], lock_wait_s: float
) -> dict[str, tuple[str, str, str]]:
    """(status, extractor version, name) of already stored documents, by sha256.

    Given a database address (the command line), :mod:`extract.store.known` asks a SQLite file with one
    read-only query and never imports SQLAlchemy or pandas, so a re-ingest of unchanged files costs little
    more than hashing them; a SQLite file that does not exist is not created just to be asked.
    """
    if not digests:
        return {}
    if store is None or isinstance(store, str):
        from .store.known import stored_versions

        return stored_versions(store, digests, lock_wait_s)
    return store.stored_versions(digests)


#: Imported once by the forkserver, so that each child starts with the readers and extractors loaded.
PRELOAD = ("extract.ingest", "extract.readers", "extract.extractors", "extract.warm")


def _job(item: tuple[Path, Options, str]) -> Extracted:
    path, options, digest = item
    return extract_file(path, options, digest)


def _run(todo: list[tuple[Path, str]], options: Options, workers: int) -> Iterator[Extracted]:
    """Each file read in its own child process under hard limits (:mod:`extract.isolate`); with
    ``max_memory_mb = 0`` in this process (no limits, for debugging)."""
    if options.max_memory_mb <= 0:
        for f, digest in todo:
            yield extract_file(f, options, digest)
        return
    from .isolate import Failure, Guard, run_isolated

    guard = Guard(
        max_memory_mb=options.max_memory_mb,
        timeout_s=options.timeout_s,
        workers=max(1, min(workers, len(todo), os.cpu_count() or 1)),
    )
    # the readers run in the forkserver's working directory: they get absolute paths
    given = {f.absolute(): f for f, _ in todo}
    items = [(f.absolute(), options, digest) for f, digest in todo]
    for (path, _, digest), result in run_isolated(_job, items, guard, PRELOAD):
        f = given[path]
        if isinstance(result, Failure):
            size = f.stat().st_size if f.exists() else 0
            yield Extracted(path=str(f), name=f.name, sha256=digest, size=size, error=result.reason)
        else:
            result.path = str(f)
            yield result


def _save(store: Store, ex: Extracted, version: str) -> Result:
    if ex.error:
        known = store.find(ex.sha256)
        if known and known.status == "ok":  # never replace good facts with a failure
            return Result(ex.path, "failed", reason=ex.error + " (the facts stored earlier are kept)")
        store.save_document(
            name=ex.name,
            sha256=ex.sha256,
            pages=ex.pages,
            size=ex.size,
            kind=ex.kind or "",
            title="",
            version=version,
            fact_rows=[],
            status="failed",
            error=ex.error,
        )
        return Result(ex.path, "failed", reason=ex.error)
    kept = store.keep_file(ex.path, ex.sha256)
    store.save_document(
        name=ex.name,
        sha256=ex.sha256,
        pages=ex.pages,
        size=ex.size,
        kind=ex.kind,
        title=ex.title,
        version=version,
        fact_rows=ex.facts,
        file_path=str(kept),
        numbers=ex.numbers,
    )
    signatures = frozenset(
        (f.indicator, f.region, f.operator, f.subject, f.period, f.measure, round(f.value, 9))
        for f in ex.facts
    )
    return Result(
        ex.path,
        "stored",
        facts=len(ex.facts),
        pages=ex.pages,
        warnings=ex.warnings,
        signatures=signatures,
        numbers=len(ex.numbers),
        unexplained=sum(o.unexplained for o in ex.numbers),
    )


def _account(doc: Document, facts: list[Fact]) -> list[NumberOutcome]:
    """Every number of the document and its outcome; a failure here never fails the document."""
    from .accounting import account

    try:
        return account(doc, facts)
    except Exception as exc:  # a bug in the accounting: keep the facts, say so
        doc.warnings.append(f"numbers not accounted for ({type(exc).__name__}: {exc})")
        return []


def _report(progress: Callable[[Result], None] | None, result: Result) -> Result:
    if progress:
        progress(result)
    return result
