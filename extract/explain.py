"""``python -m extract explain FILE [--page N]``: every number of a report and what became of it.

Each printed number is shown with its page, where it was printed (text, table, furniture), the
number as printed and its outcome — the fact it became (indicator | region | operator | period |
measure = value unit), the reason it was set aside (``data/number_reasons.csv`` or a structural
reason of :mod:`extract.accounting`), or ``UNEXPLAINED`` — and the text around it.  A summary
by reason and the count of unexplained numbers close the listing.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .accounting import NumberOutcome, Tally, account, tally
from .model import Fact

if TYPE_CHECKING:
    import pandas as pd

UNEXPLAINED_LABEL = "UNEXPLAINED"


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``explain`` subcommand to the CLI's subparsers."""
    p = sub.add_parser(
        "explain", help="list each number of a report with its outcome: a fact, a reason, or UNEXPLAINED"
    )
    p.add_argument("file", help="a report (PDF, text dump or spreadsheet)")
    p.add_argument("--page", type=int, help="only this page (1-based)")
    p.add_argument("--unexplained", action="store_true", help="only the numbers nothing explains")
    p.add_argument("--password", help="password for an encrypted PDF")
    return p


def read_and_account(
    path: str | Path,
    password: str | None = None,
    *,
    ocr: str | None = None,
    indicator: str | None = None,
    unit: str | None = None,
) -> tuple[list[Fact], list[NumberOutcome]]:
    """Read a report, extract its facts and account for its numbers (no database).

    Raises :class:`extract.model.InputError` for files that cannot be read.
    """
    from .extractors import extract_facts
    from .readers import read_document

    doc = read_document(path, password=password, ocr=ocr, indicator=indicator, unit=unit)
    facts = extract_facts(doc)
    return facts, account(doc, facts)


def read_report_and_tally(path: str | Path, password: str | None = None) -> tuple[pd.DataFrame, Tally]:
    """The facts of a report as a typed DataFrame (like :func:`extract.api.read_report`) and the tally
    of its numbers."""
    import pandas as pd

    from .model import FACT_COLUMNS
    from .store import typed_facts

    facts, outcomes = read_and_account(path, password=password)
    return typed_facts(pd.DataFrame([f.row() for f in facts], columns=list(FACT_COLUMNS))), tally(outcomes)


def stored_tallies(db: str | None = None) -> dict[str, Tally]:
    """The tallies of the documents stored in a database, by document name."""
    from .store import Store

    df = Store(db).number_tallies()
    return {
        str(r.document): Tally(int(r.numbers), int(r.facts), int(r.set_aside), int(r.unexplained))
        for r in df.itertuples()
    }


def print_tallies(tallies: dict[str, Tally], out: TextIO | None = None) -> None:
    """One line per document: how many of its numbers nothing explains, then the total.

    >>> print_tallies({"a.pdf": Tally(57, 42, 12, 3), "b.pdf": Tally(20, 10, 10, 0)})
    numbers      a.pdf: 3 of 57 numbers unexplained (5.3%)
    numbers      b.pdf: 0 of 20 numbers unexplained (0.0%)
    numbers      all: 3 of 77 numbers unexplained (3.9%)
    """
    out = out or sys.stdout
    for name, t in sorted(tallies.items()):
        print(f"numbers      {name}: {t.line()} ({t.unexplained_pct:.1f}%)", file=out)
    if len(tallies) > 1:
        total = Tally(
            *(
                sum(getattr(t, f) for t in tallies.values())
                for f in ("numbers", "facts", "set_aside", "unexplained")
            )
        )
        print(f"numbers      all: {total.line()} ({total.unexplained_pct:.1f}%)", file=out)


def describe(o: NumberOutcome, facts: list[Fact]) -> str:
    """The outcome of one number in words.

    >>> f = Fact("a.pdf", 1, "prose", "互联网用户", "用户", "河南省", "410000", "province", "", "", "2020-08",
    ...          "month", "2020-08-01", "2020-08-31", "value", 86435000.0, "户", "8643.5", "万户", "达到8643.5万户")
    >>> describe(NumberOutcome(1, "8643.5", "达到8643.5万户", "text", 2, 8, fact=0), [f])
    'fact: 互联网用户 | 河南省 | 2020-08 | value = 86435000 户'
    >>> describe(NumberOutcome(1, "2020", "2020年", "text", 0, 4, reason="date"), [f])
    'date'
    >>> describe(NumberOutcome(1, "7", "约7万", "text", 1, 2), [f])
    'UNEXPLAINED'
    """
    if o.fact is not None:
        f = facts[o.fact]
        keys = [f.indicator, f.region or "-"]
        if f.operator:
            keys.append(f.operator)
        if f.subject:
            keys.append(f.subject)
        keys.append(f.period)
        value = int(f.value) if float(f.value).is_integer() and abs(f.value) < 2**53 else f.value
        return f"fact: {' | '.join(keys)} | {f.measure} = {value} {f.unit}".rstrip()
    return o.reason or UNEXPLAINED_LABEL


def print_outcomes(
    name: str,
    outcomes: list[NumberOutcome],
    facts: list[Fact],
    out: TextIO | None = None,
    only_unexplained: bool = False,
) -> Tally:
    """Print one line per number, then a summary by reason; the tally of what was printed."""
    out = out or sys.stdout
    for o in outcomes:
        if only_unexplained and not o.unexplained:
            continue
        context = o.context.replace("\n", " ")
        print(f"p{o.page:<3} {o.source:<9} {o.number:>12}  {describe(o, facts)}  «{context}»", file=out)
    t = tally(outcomes)
    reasons = Counter(o.reason for o in outcomes if o.fact is None and o.reason)
    if reasons:
        print("set aside: " + ", ".join(f"{r} {n}" for r, n in reasons.most_common()), file=out)
    print(
        f"{name}: {t.facts} numbers are facts, {t.set_aside} set aside, {t.line()}"
        f" ({t.unexplained_pct:.1f}%)",
        file=out,
    )
    return t


def run_explain(args: argparse.Namespace) -> int:
    """The ``explain`` command: 0 when the file was read, 1 when it could not be, 2 on a bad --page."""
    from .model import InputError

    try:
        facts, outcomes = read_and_account(args.file, password=getattr(args, "password", None))
    except InputError as exc:
        print(f"cannot read {exc.path}: {exc.reason}", file=sys.stderr)
        return 1
    page = getattr(args, "page", None)
    if page is not None:
        pages = {o.page for o in outcomes}
        if page < 1:
            print(f"--page must be 1 or more, not {page}", file=sys.stderr)
            return 2
        outcomes = [o for o in outcomes if o.page == page]
        if not outcomes and page not in pages:
            print(f"no numbers on page {page}", file=sys.stderr)
    print_outcomes(
        Path(args.file).name + (f" p{page}" if page is not None else ""),
        outcomes,
        facts,
        only_unexplained=bool(getattr(args, "unexplained", False)),
    )
    return 0
