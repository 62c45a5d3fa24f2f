"""``zhibiao`` (also ``python -m extract``): ingest reports, export facts, list documents, resolve
phrases, evaluate against answer keys."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .names import shown

if TYPE_CHECKING:
    import pandas as pd

    from .ingest import Result
    from .store import Store


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="zhibiao", description="Zhibiao 指标看板: reports → facts.")
    p.add_argument(
        "--db", help="database URL or SQLite path (default: $ZHIBIAO_DB_URL or data/zhibiao.sqlite)"
    )
    sub = p.add_subparsers(dest="command", required=True)

    ing = sub.add_parser("ingest", help="read PDFs, text dumps and NBS spreadsheets into the store")
    ing.add_argument(
        "paths",
        nargs="+",
        help="files or folders (folders searched recursively: hidden folders "
        "skipped, a .txt beside a PDF of the same name skipped; see --include/--exclude)",
    )
    ing.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="GLOB",
        help="in folders, take only files matching this pattern (name or relative path; repeatable)",
    )
    ing.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="in folders, skip files matching this pattern (name or relative path; repeatable)",
    )
    ing.add_argument("--workers", type=int, default=1, help="files processed in parallel (default 1)")
    ing.add_argument("--password", help="password for encrypted PDFs")
    ing.add_argument("--max-pages", type=int, default=2000, help="refuse PDFs with more pages (default 2000)")
    ing.add_argument(
        "--timeout", type=float, default=300.0, help="seconds allowed per document (default 300)"
    )
    ing.add_argument(
        "--force",
        action="store_true",
        help="read and extract again even files stored with this extractor version "
        "(reviewed decisions are re-applied)",
    )
    ing.add_argument(
        "--lock-wait",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="how long to wait for another process writing to the database (default 120 s)",
    )
    ing.add_argument(
        "--max-memory",
        type=int,
        default=1536,
        metavar="MB",
        help="memory allowed to the process reading one document (default 1536 MB)",
    )
    ing.add_argument("--indicator", help="indicator of a plain spreadsheet without a 指标 line")
    ing.add_argument("--unit", help="unit of a plain spreadsheet without a unit")
    ing.add_argument(
        "--ocr",
        choices=("auto", "never", "always"),
        default="auto",
        help="read PDF pages by OCR: auto (pages without a usable text layer; default), never, always",
    )
    ing.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)

    exp = sub.add_parser("export", help="write the fact table as CSV or Excel")
    exp.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    exp.add_argument("-o", "--output", help="output file (default: standard output for csv)")
    exp.add_argument("--indicator", action="append", help="only this indicator (repeatable)")
    exp.add_argument("--region", action="append", help="only this region (repeatable)")
    exp.add_argument("--operator", action="append", help="only this operator (repeatable)")
    exp.add_argument("--from", dest="start", help="first period, e.g. 2020-01")
    exp.add_argument("--to", dest="end", help="last period, e.g. 2020-08")
    exp.add_argument(
        "--with-ids",
        action="store_true",
        help="a leading fact_id column, to name facts on the command line (zhibiao review …)",
    )
    exp.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)

    docs = sub.add_parser("documents", help="list stored documents")
    docs.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)

    dele = sub.add_parser("delete", help="delete a stored document and its facts")
    dele.add_argument("document", help="the document's exact name (or its id, with --id)")
    dele.add_argument("--id", action="store_true", help="DOCUMENT is a document id (see `documents`)")
    dele.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation on a terminal")
    dele.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)

    orig = sub.add_parser("original", help="write a stored original back out, byte for byte")
    orig.add_argument("document", help="the document's exact name (or its id, with --id)")
    orig.add_argument("--id", action="store_true", help="DOCUMENT is a document id (see `documents`)")
    orig.add_argument("-o", "--output", required=True, help="the file to write")
    orig.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)

    _db_parser(sub)

    res = sub.add_parser(
        "resolve", help="show how a phrase is read (region, operator, period, quantity, indicator)"
    )
    res.add_argument("kind", choices=("region", "operator", "period", "quantity", "indicator"))
    res.add_argument("text")
    res.add_argument("--period", help="the document's own period, e.g. 2020-08")
    res.add_argument("--region", help="the document's province, e.g. 河南省")

    _review_parser(sub)

    chk = sub.add_parser(
        "check",
        help="check the stored numbers against each other (parts and totals, "
        "stated against derived, restatements, ranges, magnitudes)",
    )
    chk.add_argument("--document", help="show only failures involving this document (all are re-checked)")
    chk.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)

    dash = sub.add_parser("dashboard", help="start the dashboard (in the foreground; Ctrl-C stops it)")
    dash.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    dash.add_argument(
        "--expose",
        action="store_true",
        help="listen on every network address, not only 127.0.0.1 (put access control in front)",
    )
    dash.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)

    ev = sub.add_parser(
        "evaluate", help="score extraction against answer keys: evaluate KEY.csv... -- FILES..."
    )
    ev.add_argument("items", nargs="*", help="answer keys, then -- and the report files")
    ev.add_argument(
        "--db", dest="db_sub", help="score facts stored in this database instead of reading files"
    )
    ev.add_argument("--method", help="only score facts of this method (table, prose, import)")

    from .explain import add_parser as add_explain_parser

    add_explain_parser(sub)
    return p


def entry() -> None:
    """The ``zhibiao`` console command: :func:`main`, ending quietly when the reader of standard
    output goes away (``zhibiao documents | head``)."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader closed the pipe: nothing more to say, and nothing to say it to
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 0
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    files: list[str] = []
    if "--" in argv and "evaluate" in argv[: argv.index("--")]:  # evaluate KEYS… -- FILES…
        cut = argv.index("--")
        argv, files = argv[:cut], argv[cut + 1 :]
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code not in (0, None) else 0
    db = getattr(args, "db_sub", None) or args.db
    if args.command == "ingest":
        return _ingest(args, db)
    if args.command == "export":
        return _export(args, db)
    if args.command == "documents":
        return _documents(db)
    if args.command == "delete":
        return _delete(args, db)
    if args.command == "original":
        return _original(args, db)
    if args.command == "db":
        return _db(args, db)
    if args.command == "resolve":
        return _resolve(args)
    if args.command == "dashboard":
        return _dashboard(args, db)
    if args.command == "check":
        return _check(args, db)
    if args.command == "review":
        from .review import run as run_review

        return run_review(args, db)
    if args.command == "evaluate":
        from .evaluate import run_evaluate

        return run_evaluate(args.items, files, db=db, method=args.method)
    if args.command == "explain":
        from .explain import run_explain

        return run_explain(args)
    return 2


def _ingest(args: argparse.Namespace, db: str | None) -> int:
    from .ingest import Options, Selection, collect_files, ingest, same_facts_notes
    from .progress import Progress

    options = Options(
        password=args.password,
        max_pages=args.max_pages,
        timeout_s=args.timeout,
        indicator=args.indicator,
        unit=args.unit,
        max_memory_mb=args.max_memory,
        lock_wait_s=args.lock_wait,
        ocr=args.ocr,
        force=args.force,
    )
    bar = Progress(sys.stderr)

    def report(result: Result) -> None:
        bar.clear()
        print(result.line(), flush=True)
        bar.step()

    selection = Selection(tuple(args.include), tuple(args.exclude))
    found, _ = collect_files(args.paths, selection)
    bar.start(len(found))

    def note(text: str) -> None:
        bar.clear()
        print(f"注意 note: {text}", file=sys.stderr, flush=True)

    results = ingest(
        args.paths, db, options, workers=max(1, args.workers), progress=report, selection=selection, note=note
    )
    bar.finish()
    stored = sum(r.status == "stored" for r in results)
    same = sum(r.status == "unchanged" for r in results)
    failed = sum(r.status == "failed" for r in results)
    skipped = sum(r.status == "skipped" for r in results)
    facts = sum(r.facts for r in results)
    for text in same_facts_notes(results):
        print(f"注意 note: {text}", file=sys.stderr)
    print(
        f"共 {len(results)} 个文件: {stored} stored ({facts} facts), {same} unchanged, {failed} failed"
        + (f", {skipped} skipped" if skipped else ""),
        file=sys.stderr,
    )
    return 1 if failed else 0


def _export(args: argparse.Namespace, db: str | None) -> int:
    from .export import write_export
    from .store import Store

    if args.format == "xlsx" and not args.output:
        print("export --format xlsx needs -o FILE", file=sys.stderr)
        return 2
    store = Store(db)
    df = store.facts(
        indicator=args.indicator,
        region=args.region,
        operator=args.operator,
        start=args.start,
        end=args.end,
        with_location=args.with_ids,
    )
    data = write_export(
        df, store.documents(), args.format, args.output, with_ids=args.with_ids, review=store.audit_log()
    )
    if not args.output:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        print(f"wrote {len(df)} facts to {args.output}", file=sys.stderr)
    return 0


def _documents(db: str | None) -> int:
    from .store import Store

    store = Store(db)
    df = store.documents()
    other = store.names()
    if df.empty:
        print("no documents stored yet: add some with  python -m extract ingest PATH...")
        return 0
    for row in df.itertuples():
        note = f"  {row.error}" if row.error else ""
        if other.get(int(row.id)):
            note += "  (also named " + ", ".join(shown(n) for n in other[int(row.id)]) + ")"
        print(
            f"{row.id:>4}  {row.status:<6}  {row.facts:>5} facts  {row.pages:>4} pages  {row.ingested_at}  {shown(str(row.name))}{note}"
        )
    return 0


def _pick_document(store: Store, document: str, by_id: bool, verb: str) -> pd.Series | int:
    """The stored document named ``document`` exactly (or with id ``document`` when ``by_id``), or the exit
    code after saying why not: none, or several with that name (listed with their ids, nothing ``verb``)."""
    df = store.documents()
    if by_id:
        if not document.isdigit():
            print(f"--id needs a number, not {shown(document)}", file=sys.stderr)
            return 2
        hits = df[df["id"] == int(document)]
    else:
        aliases = {i for i, names in store.names().items() if document in names}
        hits = df[(df["name"] == document) | df["id"].isin(aliases)]
    if hits.empty:
        what = f"with id {document}" if by_id else f"named {shown(document)}"
        print(f"no stored document {what} (see `zhibiao documents`)", file=sys.stderr)
        return 1
    if len(hits) > 1:
        print(
            f"{len(hits)} stored documents are named {shown(document)}; nothing {verb}. "
            "Name one by its id with --id:",
            file=sys.stderr,
        )
        for row in hits.itertuples():
            print(f"  --id {row.id}   {row.facts} facts, stored {row.ingested_at}", file=sys.stderr)
        return 1
    return hits.iloc[0]


def _delete(args: argparse.Namespace, db: str | None) -> int:
    """Delete one document: by exact name, or by id with ``--id``; several documents with that name →
    refuse and list them; on a terminal, ask first (``--yes`` skips the question)."""
    from .store import Store

    store = Store(db)
    doc = _pick_document(store, args.document, args.id, "deleted")
    if isinstance(doc, int):
        return doc
    doc_id, name, n = int(doc["id"]), str(doc["name"]), int(doc["facts"])
    if not args.yes and sys.stdin.isatty():
        answer = input(f"delete {shown(name)} (id {doc_id}) and its {n} facts? [y/N] ")
        if answer.strip().lower() not in ("y", "yes", "是"):
            print("nothing deleted", file=sys.stderr)
            return 1
    store.delete_document(doc_id)
    print(f"deleted {shown(name)} (id {doc_id}) and its {n} facts")
    return 0


def _original(args: argparse.Namespace, db: str | None) -> int:
    """Write a stored original back out, byte for byte (streamed from the database, verified by its hash)."""
    from .store import Store

    store = Store(db)
    doc = _pick_document(store, args.document, args.id, "written")
    if isinstance(doc, int):
        return doc
    name, sha256 = str(doc["name"]), str(doc["sha256"])
    target = Path(args.output)
    if not store.write_original(sha256, target):
        print(f"the original of {shown(name)} is not stored (see `zhibiao documents`)", file=sys.stderr)
        return 1
    print(f"wrote the original of {shown(name)} ({target.stat().st_size} bytes) to {target}", file=sys.stderr)
    return 0


def _db_parser(sub: argparse._SubParsersAction) -> None:
    """``zhibiao db upgrade|copy``: schema versions, and moving a whole store to another database."""
    dbp = sub.add_parser("db", help="the database itself: upgrade its schema, copy it to another database")
    dsub = dbp.add_subparsers(dest="db_command", required=True)
    up = dsub.add_parser("upgrade", help="bring the database's schema to this release (also done on open)")
    up.add_argument("--db", dest="db_sub", help="database URL or SQLite path (default: as for every command)")
    cp = dsub.add_parser(
        "copy", help="copy a whole store (every table, originals included) into another database"
    )
    cp.add_argument("source", help="database URL or SQLite path to copy from")
    cp.add_argument("destination", help="database URL or SQLite path to copy into (made or upgraded first)")
    cp.add_argument(
        "--replace", action="store_true", help="replace what the destination holds (else it must be empty)"
    )


def _db(args: argparse.Namespace, db: str | None) -> int:
    from .store import Store
    from .store.copy import NotEmpty, copy_store

    def say(text: str) -> None:
        print(text, file=sys.stderr)

    if args.db_command == "upgrade":
        store = Store(db, on_note=print)
        if store.schema_before == store.schema:
            print(f"the database is at schema revision {store.schema}, the newest: nothing to do")
        else:
            print(f"the database is now at schema revision {store.schema}")
        return 0
    try:
        copied = copy_store(args.source, args.destination, replace=args.replace, note=say)
    except NotEmpty as exc:
        say(f"{exc}: nothing copied. Copy into an empty database, or pass --replace to replace its data")
        return 1
    except ValueError as exc:
        say(f"{exc}: nothing copied")
        return 2
    print(
        f"copied {copied.get('documents', 0)} documents, {copied.get('facts', 0)} facts and "
        f"{copied.get('originals', 0)} originals ({sum(copied.values())} rows in {len(copied)} tables)"
    )
    return 0


def _review_parser(sub: argparse._SubParsersAction) -> None:
    """``zhibiao review list|accept|reject|correct|make|map|log|catalogue`` (the logic is in :mod:`extract.review`)."""
    rev = sub.add_parser(
        "review",
        help="the review queue, decisions on facts (accept, reject, correct, make), the user catalogue",
    )
    rsub = rev.add_subparsers(dest="review_command", required=True)
    ls = rsub.add_parser("list", help="what needs a person, most consequential first")
    ls.add_argument(
        "--kind",
        choices=(
            "check",
            "unanchored",
            "unit_assumed",
            "low_confidence",
            "ambiguous_region",
            "number",
            "uncatalogued_indicator",
            "set_aside",
        ),
    )
    ls.add_argument("--document", help="only items of this document")
    ls.add_argument("--json", action="store_true", help="one JSON object per line")
    acc = rsub.add_parser("accept", help="the fact is right as it is")
    rej = rsub.add_parser("reject", help="not a statistic: leave it out of the facts")
    cor = rsub.add_parser("correct", help="change fields: correct F123 region=郑州市 value=8643.5万户")
    for p in (acc, rej, cor):
        p.add_argument(
            "target", help="F123 (a fact, or just its id 123) or C7 (every fact of a failed check)"
        )
    cor.add_argument(
        "changes",
        nargs="+",
        metavar="field=value",
        help="fields: indicator, region, operator, subject, period, measure, value, unit",
    )
    mk = rsub.add_parser(
        "make", help="make a fact of a set-aside number: make N12 indicator=… region=… period=… value=…"
    )
    mk.add_argument("target", help="N12 (a number of `review list`)")
    mk.add_argument(
        "changes",
        nargs="+",
        metavar="field=value",
        help="indicator, region, period, value (needed); operator, subject, measure, unit",
    )
    mp = rsub.add_parser(
        "map", help="map an uncatalogued indicator name to a catalogue entry (--to) or add it (--new)"
    )
    mp.add_argument("printed", help="the indicator name as the facts carry it (uncatalogued_indicator)")
    to = mp.add_mutually_exclusive_group(required=True)
    to.add_argument("--to", help="the catalogue indicator it is (a name or synonym of data/indicators.csv)")
    to.add_argument(
        "--new",
        dest="to",
        action="store_const",
        const=None,
        help="add it to the catalogue under its own name",
    )
    mp.add_argument("--category", default="", help="with --new: its category (default: from its head noun)")
    mp.add_argument("--unit", default="", help="with --new: its unit")
    mp.add_argument("--kind", default="", choices=("", "stock", "flow", "rate"), help="with --new: its kind")
    for p in (acc, rej, cor, mk, mp):
        p.add_argument("--note", default="", help="why (kept in the audit log)")
    log = rsub.add_parser("log", help="every decision: who, when, before, after, note")
    cat = rsub.add_parser("catalogue", help="the user catalogue: printed names mapped or added")
    for p in (rev, ls, acc, rej, cor, mk, mp, log, cat):
        p.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)


def _check(args: argparse.Namespace, db: str | None) -> int:
    """``zhibiao check``: exit 0 when every check passes, 1 when any fails (each printed)."""
    from .ingest import check_store
    from .store import Store

    store = Store(db)
    failures = check_store(store) or []
    shown_failures = failures
    if args.document:
        ids = set(store.facts(document=args.document, with_location=True)["id"].astype(int))
        shown_failures = [f for f in failures if ids & set(f.fact_ids)]
    for f in shown_failures:
        print(
            f"{f.check:<12} {shown(f.document)}: expected {f.expected}; found {f.found} (tolerance {f.tolerance}); "
            f"facts {', '.join(map(str, f.fact_ids))}"
        )
    scope = f" involving {shown(args.document)}" if args.document else ""
    print(
        f"{len(shown_failures)} check failure(s){scope}; the facts involved are flagged check_failed",
        file=sys.stderr,
    )
    return 1 if shown_failures else 0


def dashboard_command(port: int, expose: bool) -> list[str]:
    """The ``streamlit run`` line of ``zhibiao dashboard``: loopback unless ``expose``.

    >>> dashboard_command(8501, False)[-4:]
    ['--server.address', '127.0.0.1', '--server.port', '8501']
    """
    from .paths import REPO_DIR

    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(REPO_DIR / "dashboard" / "app.py"),
        "--server.address",
        "0.0.0.0" if expose else "127.0.0.1",
        "--server.port",
        str(port),
    ]


def _dashboard(args: argparse.Namespace, db: str | None) -> int:
    """Start the dashboard from the repository (its .streamlit settings apply whatever the working
    directory), bound to 127.0.0.1 unless --expose."""
    from .paths import REPO_DIR, database_url

    env = {**os.environ, "ZHIBIAO_DB_URL": database_url(db)}
    if args.expose:
        env["ZHIBIAO_EXPOSE"] = "1"
        print(
            "warning: the dashboard will be reachable from other machines: anyone who can reach this "
            f"port can read the facts and upload or delete reports (port {args.port})",
            file=sys.stderr,
        )
    os.chdir(REPO_DIR)
    os.execve(sys.executable, dashboard_command(args.port, args.expose), env)
    return 0  # pragma: no cover - execve does not return


def _resolve(args: argparse.Namespace) -> int:
    from . import api

    result, reason = api.resolve(args.kind, args.text, period=args.period, region=args.region)
    if result is None:
        print(f"cannot resolve {args.kind} '{args.text}': {reason}", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False))
    if "ambiguous_region" in result.get("flags", []):
        print(
            f"warning: '{args.text}' names several places; give --region to choose (code left empty)",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":  # pragma: no cover
    entry()
