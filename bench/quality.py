"""Extraction quality: P/R/F1 against every hand-written answer key, and the numbers nothing explains.

    python bench/quality.py [--shared ../shared] [--corpus-only | --answers-only] [--examples N]

Scores, with extract/evaluate.py's matching, every document that has a key:

* ``../shared/corpus/NAME.pdf`` against ``../shared/corpus/keys/NAME.csv``;
* the fixtures in ``../shared/fixtures`` against ``tests/answers`` as tests/test_answer_keys.py does
  (the monthly report and its CID-font, fake-bold and three-line copies against one key, the CNNIC
  summary on pages 12–16 of the magazine issue, the monthly statistics from its page 80 on, the
  Tencent white paper), and the NBS exports in ``../shared/data/nbs`` against ``tests/answers/nbs``.

Prints P/R/F1 per document, per method and per measure, then the numbers each document prints
that are neither a fact nor set aside with a reason (extract/accounting.py), per document and in
total, with the unexplained numbers grouped by the unit printed after them: what the extractors
miss.  Without ``../shared`` it says so and exits 0.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# bench/ is not a package: a script there must never shadow a standard-library module
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(REPO))

from extract.accounting import NumberOutcome, Tally, tally  # noqa: E402
from extract.evaluate import Report, Score, read_key, score  # noqa: E402
from extract.model import Fact  # noqa: E402

ANSWERS = REPO / "tests" / "answers"
MONTHLY = "henan-internet-monthly-2020-08"
ISSUE = "henan-internet-2020-09-issue"


@dataclass
class Case:
    """One scored document: a file, its key rows and the pages the key covers."""

    label: str
    path: Path
    keys: list[Path]
    first_page: int = 0
    last_page: int = 10**6


def cases(shared: Path, corpus: bool = True, answers: bool = True) -> list[Case]:
    """Every (document, key) pair that exists under ``shared`` and tests/answers."""
    out: list[Case] = []
    if corpus:
        for key in sorted((shared / "corpus" / "keys").glob("*.csv")):
            pdf = shared / "corpus" / f"{key.stem}.pdf"
            if pdf.exists():
                out.append(Case(f"corpus/{pdf.name}", pdf, [key]))
    if answers:
        fixtures = shared / "fixtures"
        for variant in ("", "-cidfont", "-wordstyle", "-threeline"):
            out.append(
                Case(
                    f"answers/{MONTHLY}{variant}.pdf",
                    fixtures / f"{MONTHLY}{variant}.pdf",
                    [ANSWERS / f"{MONTHLY}.csv"],
                )
            )
        out.append(
            Case(
                f"answers/{ISSUE}.pdf (CNNIC p12-16)",
                fixtures / f"{ISSUE}.pdf",
                [ANSWERS / f"{ISSUE}.cnnic.csv"],
                12,
                16,
            )
        )
        out.append(
            Case(
                f"answers/{ISSUE}.pdf (monthly p80-)",
                fixtures / f"{ISSUE}.pdf",
                [ANSWERS / f"{MONTHLY}.csv"],
                80,
            )
        )
        name = "tencent-cloud-ai-whitepaper-2021"
        out.append(Case(f"answers/{name}.pdf", fixtures / f"{name}.pdf", [ANSWERS / f"{name}.csv"]))
        for key in sorted((ANSWERS / "nbs").glob("*.csv")):
            data = shared / "data" / "nbs" / key.name
            out.append(Case(f"answers/nbs/{key.name}", data, [key]))
    return [c for c in out if c.path.exists() and all(k.exists() for k in c.keys)]


def unit_after(o: NumberOutcome, context_chars: int) -> str:
    """The unit printed right after an outcome's number, or a mark for none.

    >>> unit_after(NumberOutcome(1, "2993", "宽带接入用户达到2993万户。", "text", 8, 12), 18)
    '万户'
    >>> unit_after(NumberOutcome(1, "35.3", "比增长35.3%，增速", "text", 40, 44), 3)
    '%'
    """
    from extract.normalize.numbers import to_halfwidth
    from extract.normalize.quantities import unit_table

    at = min(o.start, context_chars) + len(o.number)
    after = to_halfwidth(o.context[at : at + 6]).lstrip()
    table = unit_table()
    for n in range(min(5, len(after)), 0, -1):
        if after[:n] in table:
            return after[:n]
    if o.source == "table":
        return "(table cell)"
    return "(no unit)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(REPO.parent / "shared"), help="the shared corpus and fixtures")
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--corpus-only", action="store_true")
    group.add_argument("--answers-only", action="store_true")
    ap.add_argument("--examples", type=int, default=0, help="print up to N unexplained numbers per document")
    args = ap.parse_args(argv)

    shared = Path(args.shared)
    if not shared.is_dir():
        print(f"{shared} is not here: no corpus or fixtures to score (nothing to do)")
        return 0
    todo = cases(shared, corpus=not args.answers_only, answers=not args.corpus_only)
    if not todo:
        print(f"no keyed documents found under {shared} and {ANSWERS}")
        return 0

    import pandas as pd

    from extract.accounting import DEFAULT_SETTINGS, account
    from extract.extractors import extract_facts
    from extract.model import FACT_COLUMNS, Document, InputError
    from extract.readers import read_document
    from extract.store import typed_facts

    report = Report()
    read: dict[Path, tuple[pd.DataFrame, list[NumberOutcome], Document]] = {}
    tallies: dict[str, Tally] = {}
    units: Counter[str] = Counter()
    rows: list[tuple[str, int, int, Score]] = []
    hidden: Counter[str] = Counter()
    hidden_examples: list[str] = []
    keyed = keyed_missed = 0
    for case in todo:
        if case.path not in read:
            try:
                doc = read_document(case.path)
                facts = extract_facts(doc)
                outcomes = account(doc, facts)
            except InputError as exc:
                print(f"skipped {case.label}: {exc.reason}", file=sys.stderr)
                continue
            df = typed_facts(pd.DataFrame([f.row() for f in facts], columns=list(FACT_COLUMNS)))
            read[case.path] = (df, outcomes, doc)
            t = tallies[case.path.name] = tally(outcomes)
            left = [o for o in outcomes if o.unexplained]
            units.update(unit_after(o, DEFAULT_SETTINGS.context_chars) for o in left)
            if args.examples and left:
                print(f"{case.path.name}: {t.line()}")
                for o in left[: args.examples]:
                    print(f"    p{o.page} {o.source:<5} {o.number:>10}  «{o.context}»")
        df, outcomes, doc = read[case.path]
        df = df[df["page"].between(case.first_page, case.last_page)]
        keys = [row for k in case.keys for row in read_key(k)]
        score(keys, df, case.label, report)
        # the key's numbers, located like facts: a rule must never set one of them aside
        by_key = account(doc, [key_fact(k) for k in keys])
        for mine, theirs in zip(outcomes, by_key, strict=True):
            if theirs.fact is None or not case.first_page <= mine.page <= case.last_page:
                continue
            keyed += 1
            if mine.fact is None and mine.reason is not None:
                hidden[mine.reason] += 1
                hidden_examples.append(
                    f"    {case.label} p{mine.page} {mine.number} {mine.reason}  «{mine.context}»"
                )
            elif mine.unexplained:
                keyed_missed += 1
        doc = report.by_document[case.label]
        rows.append((case.label, len(df), len(keys), doc))

    width = max(len(r[0]) for r in rows) if rows else 10
    print(f"{'document':<{width}}  facts   key      P      R     F1")
    for label, n_facts, n_keys, s in rows:
        print(f"{label:<{width}}  {n_facts:>5}  {n_keys:>4}  {s.precision:.3f}  {s.recall:.3f}  {s.f1:.3f}")
    print(
        f"{'all':<{width}}  {sum(r[1] for r in rows):>5}  {sum(r[2] for r in rows):>4}  "
        f"{report.overall.precision:.3f}  {report.overall.recall:.3f}  {report.overall.f1:.3f}"
    )
    print()
    for title, scores in (("method", report.by_method), ("measure", report.by_measure)):
        for name, s in sorted(scores.items()):
            print(f"{title:<8} {name:<12} {s.line()}")
    print()
    print(f"{'document':<{width}}  numbers  facts  set aside  unexplained")
    for name, t in tallies.items():
        print(f"{name:<{width}}  {t.numbers:>7}  {t.facts:>5}  {t.set_aside:>9}  {t.unexplained:>11}")
    total = Tally(
        *(
            sum(getattr(t, f) for t in tallies.values())
            for f in ("numbers", "facts", "set_aside", "unexplained")
        )
    )
    print(
        f"unexplained numbers: {total.unexplained} of {total.numbers} ({total.unexplained_pct:.1f}%) "
        f"in {len(tallies)} documents"
    )
    if units:
        print(
            "unexplained by the unit printed after them: "
            + ", ".join(f"{u} {n}" for u, n in units.most_common(15))
        )
    print(
        f"numbers of the keys: {keyed}; unexplained (missed by the extractors) {keyed_missed}; "
        f"set aside by a reason {sum(hidden.values())}" + (f" ({dict(hidden)})" if hidden else "")
    )
    for line in hidden_examples[: max(args.examples, 10)]:
        print(line)
    return 0


def key_fact(row: dict) -> Fact:
    """A key row as a fact, so the accounting can find its number (page unknown: searched everywhere)."""
    method = row.get("method") or "prose"
    return Fact(
        "",
        0,
        method,
        row["indicator"],
        "",
        row["region"],
        "",
        "",
        row["operator"],
        row["subject"],
        row["period"],
        "",
        "",
        "",
        row["measure"],
        0.0,
        "",
        row["value"],
        row["unit"],
        row["snippet"],
    )


if __name__ == "__main__":
    raise SystemExit(main())
