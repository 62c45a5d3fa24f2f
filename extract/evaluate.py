"""Score extracted facts against hand-written answer keys.

A key row matches a fact when region, operator, subject, period and measure are
equal, the indicators are the same canonical indicator, and the value agrees as
printed or after unit conversion. Keys are matched to documents by name: the key
``report.csv`` (or ``report.anything.csv``) scores ``report.pdf``.
"""

from __future__ import annotations

import csv
import math
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .normalize.indicators import indicator_key
from .normalize.quantities import parse_quantity

KEY_COLUMNS = ("indicator", "region", "operator", "subject", "period", "measure", "value", "unit", "snippet")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    def line(self) -> str:
        return f"P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} (tp={self.tp} fp={self.fp} fn={self.fn})"


@dataclass
class Report:
    overall: Score = field(default_factory=Score)
    by_document: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    by_measure: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    by_method: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    misses: list[dict] = field(default_factory=list)
    false_positives: list[dict] = field(default_factory=list)


def canonical_indicator(name: str) -> str:
    """Indicators are compared by catalogue name, or by normalised printed name when uncatalogued.

    >>> canonical_indicator("固定宽带用户"), canonical_indicator("全省移动电话基站总数")
    ('互联网宽带接入用户', '移动电话基站')
    """
    return indicator_key(name)


def key_value(row: dict) -> float | None:
    """A key's value in canonical units (8643.5 万户 → 86435000.0).

    >>> key_value({"value": "8643.5", "unit": "万户", "measure": "value"})
    86435000.0
    >>> key_value({"value": "-1", "unit": "位", "measure": "rank_change"})
    -1.0
    """
    text = str(row.get("value", "")).strip()
    unit = str(row.get("unit", "") or "").strip()
    if row.get("measure") in ("rank", "rank_change"):
        try:
            return float(text.replace("+", ""))
        except ValueError:
            return None
    q = parse_quantity(text + unit) if unit else None
    if q is not None:
        return q.value
    try:
        return float(text.replace("+", ""))
    except ValueError:
        return None


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return False
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _key_tuple(row: dict) -> tuple[str, ...]:
    return (
        canonical_indicator(str(row["indicator"])),
        str(row.get("region", "") or ""),
        str(row.get("operator", "") or ""),
        str(row.get("subject", "") or ""),
        str(row["period"]),
        str(row["measure"]),
    )


def read_key(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = [dict(r) for r in csv.DictReader(fh)]
    for r in rows:
        for c in KEY_COLUMNS:
            r[c] = (r.get(c) or "").strip()
    return rows


def document_of_key(path: str | Path) -> str:
    """The document stem a key scores: 'a.cnnic.csv' → 'a'; 'b.csv' → 'b'.

    >>> document_of_key("tests/answers/henan-internet-2020-09-issue.cnnic.csv")
    'henan-internet-2020-09-issue'
    """
    name = Path(path).name
    return name[: -len(".csv")].split(".")[0] if name.endswith(".csv") else Path(path).stem


def score(
    keys: list[dict], facts: pd.DataFrame, document: str, report: Report, method: str | None = None
) -> None:
    """Match one document's key rows against its facts, adding to ``report``."""
    if method:
        keys = [k for k in keys if (k.get("method") or method) == method]
        facts = facts[facts["method"] == method]
    pool: dict[tuple, list[dict]] = defaultdict(list)
    for rec in facts.to_dict("records"):
        pool[_key_tuple(rec)].append(rec)
    doc_score = Score()
    for k in keys:
        want = key_value(k)
        candidates = pool.get(_key_tuple(k), [])
        hit = next((f for f in candidates if _close(f["value"], want) or _raw_equal(f, k)), None)
        m = k.get("method") or "?"
        if hit is not None:
            candidates.remove(hit)
            for s in (doc_score, report.by_measure[k["measure"]], report.by_method[m]):
                s.tp += 1
        else:
            for s in (doc_score, report.by_measure[k["measure"]], report.by_method[m]):
                s.fn += 1
            report.misses.append({"document": document, **k})
    for left in pool.values():
        for f in left:
            for s in (doc_score, report.by_measure[f["measure"]], report.by_method[f["method"]]):
                s.fp += 1
            report.false_positives.append(f)
    report.by_document[document].add(doc_score)
    report.overall.add(doc_score)


def _raw_equal(fact: dict, key: dict) -> bool:
    return (
        str(fact.get("raw_value", "")).lstrip("+") == key["value"].lstrip("+")
        and str(fact.get("raw_unit", "")) == key["unit"]
    )


def evaluate(
    key_paths: Sequence[str | Path], facts_by_document: dict[str, pd.DataFrame], method: str | None = None
) -> Report:
    report = Report()
    keys_by_doc = keys_by_document(key_paths)
    for name, facts in facts_by_document.items():
        stem = Path(name).stem
        if stem not in keys_by_doc:
            continue
        score(keys_by_doc[stem], facts, name, report, method)
    return report


def keys_by_document(key_paths: Sequence[str | Path]) -> dict[str, list[dict]]:
    """Key rows by the document stem they score."""
    out: dict[str, list[dict]] = defaultdict(list)
    for kp in key_paths:
        out[document_of_key(kp)].extend(read_key(kp))
    return out


def unmatched_keys(key_paths: list[str | Path], documents: list[str]) -> list[str]:
    """Keys that score none of the documents (a missing or misnamed file would read as a perfect score).

    >>> unmatched_keys(["k/a.csv", "k/b.extra.csv"], ["a.pdf"])
    ['k/b.extra.csv']
    """
    stems = {Path(d).stem for d in documents}
    return [str(k) for k in key_paths if document_of_key(k) not in stems]


def print_report(report: Report, out=sys.stdout, limit: int = 200) -> None:
    o = report.overall
    print(
        f"overall      {o.line() if o.tp + o.fp + o.fn else 'nothing scored: no key row and no fact'}",
        file=out,
    )
    for name, s in sorted(report.by_document.items()):
        print(f"document     {name}: {s.line()}", file=out)
    for name, s in sorted(report.by_method.items()):
        print(f"method       {name}: {s.line()}", file=out)
    for name, s in sorted(report.by_measure.items()):
        print(f"measure      {name}: {s.line()}", file=out)
    if report.misses:
        print(f"\nmisses ({len(report.misses)}):", file=out)
        for k in report.misses[:limit]:
            print(
                f"  - {k['indicator']} | {k['region']} | {k['operator']} | {k['subject']} | {k['period']} | "
                f"{k['measure']} = {k['value']}{k['unit']}  «{k['snippet']}»",
                file=out,
            )
    if report.false_positives:
        print(f"\nfalse positives ({len(report.false_positives)}):", file=out)
        for f in report.false_positives[:limit]:
            print(
                f"  + {f['indicator']} | {f['region']} | {f['operator']} | {f['subject']} | {f['period']} | "
                f"{f['measure']} = {f['raw_value']}{f['raw_unit']}  p{f['page']} «{f['snippet'][:80]}»",
                file=out,
            )


def run_evaluate(keys: list[str], files: list[str], db: str | None = None, method: str | None = None) -> int:
    """The ``evaluate`` command: facts from FILES (read now) or from the database.

    Exit status 1, with the reason, when a key has no document to score or a document could not be
    read — a score over nothing must never read as a perfect one.
    """
    from .explain import print_tallies, read_report_and_tally, stored_tallies
    from .model import InputError

    if not keys:
        print(
            "usage: zhibiao evaluate KEY.csv... -- FILES...   (or --db URL instead of FILES)", file=sys.stderr
        )
        return 2
    missing_keys = [k for k in keys if not Path(k).is_file()]
    if missing_keys:
        for k in missing_keys:
            print(f"error: answer key {k}: no such file", file=sys.stderr)
        return 1
    problems = 0
    facts: dict[str, pd.DataFrame] = {}
    tallies = {}  # how many numbers of each document nothing explains (extract/accounting.py)
    if files:
        for f in files:
            if not Path(f).is_file():
                print(f"error: {f}: no such file, not scored", file=sys.stderr)
                problems += 1
                continue
            try:
                facts[Path(f).name], tallies[Path(f).name] = read_report_and_tally(f)
            except InputError as exc:
                print(f"error: {f}: could not be read ({exc.reason}), not scored", file=sys.stderr)
                problems += 1
    else:
        from .store import Store

        df = Store(db).facts()
        facts = {name: group for name, group in df.groupby("document")}
    for k in unmatched_keys(list(keys), list(facts)):
        print(
            f"error: answer key {k} matches no {'file given' if files else 'stored document'} "
            f"(a key named NAME.csv scores NAME.pdf / NAME.txt …)",
            file=sys.stderr,
        )
        problems += 1
    report = evaluate(keys, facts, method)
    print_report(report)
    print_tallies(tallies if files else {n: t for n, t in stored_tallies(db).items() if n in facts})
    if problems:
        print(
            f"{problems} problem(s) above: the score covers only the documents that were read",
            file=sys.stderr,
        )
        return 1
    return 0
