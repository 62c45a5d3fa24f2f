"""Review: what needs a person, and the decisions people take on it.

The **queue** (:func:`queue`) lists, most consequential first:

1. ``check`` — failed consistency checks (:mod:`extract.checks`), one item per failure;
2. ``unanchored`` — earlier decisions whose fact no longer exists after a re-extraction;
3. facts flagged ``unit_assumed``, ``low_confidence``, ``ambiguous_region`` (in that order);
4. ``number`` — numbers the extractor could neither make a fact of nor set aside with a reason;
5. facts flagged ``uncatalogued_indicator``;
6. ``set_aside`` — numbers set aside with a reason (a date, a target …), listed only when asked for
   (``kind="set_aside"``): they are explained, but a person may still make a fact of one.

A fact a person has accepted (flag ``reviewed``) or corrected (``corrected``) leaves the queue, and so
does a failed check once each of its facts is decided. Facts made of set-aside numbers whose number is
gone after a re-extraction come back as ``unanchored`` (M…).

Besides decisions on facts, a person can **map** an uncatalogued printed indicator name to a catalogue
indicator or add it as a new one (:func:`map_printed`: the user catalogue, applied to stored facts now
and at every ingest), and **make** a fact of a number the extractor set aside (:func:`make`), kept by
the store across re-extractions (:mod:`extract.store.review`).

**Decisions** (:func:`decide`) are stored by the store with an anchor on the document's content,
page, snippet, printed number and measure, and re-applied whenever that document is extracted again;
each is written to the audit log with who, when, the fact before and after, and the note.
:func:`parse_changes` turns ``field=value`` words (``region=郑州市 value=8643.5万户``) into the stored
columns, resolving each through the same normalisers as extraction (a corrected value also replaces the
printed number and unit, which the dashboard shows; the snippet keeps the report's words).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from dataclasses import asdict, dataclass

import pandas as pd

from .model import MEASURES
from .names import shown
from .normalize.indicators import UserEntry, open_indicator, resolve_indicator
from .normalize.operators import resolve_operator
from .normalize.periods import parse_period
from .normalize.quantities import parse_quantity, resolve_unit
from .normalize.regions import resolve_region
from .store import CORRECTED_FLAG, REVIEWED_FLAG, Store
from .store import review as store_review

#: Fact flags that put a fact in the queue, most consequential first, with their rank in the queue.
FLAG_KINDS: tuple[str, ...] = ("unit_assumed", "low_confidence", "ambiguous_region", "uncatalogued_indicator")
KINDS: tuple[str, ...] = (
    "check",
    "unanchored",
    "unit_assumed",
    "low_confidence",
    "ambiguous_region",
    "number",
    "uncatalogued_indicator",
    "set_aside",
)
EDITABLE: tuple[str, ...] = (
    "indicator",
    "region",
    "operator",
    "subject",
    "period",
    "measure",
    "value",
    "unit",
)


@dataclass
class Item:
    """One thing a person should look at."""

    id: str  # C12 (a check failure), F345 (a fact), N67 (a number), R8 (an unanchored decision)
    kind: str
    document: str
    page: int
    what: str  # the fact or the number, in words
    why: str
    facts: tuple[int, ...] = ()


def queue(store: Store, kind: str | None = None, document: str | None = None) -> list[Item]:
    """The review queue (see the module docstring for its order)."""
    items: list[Item] = []
    facts = store.facts(with_location=True)
    by_id = facts.set_index("id") if len(facts) else facts
    flags = facts["flags"].fillna("").astype(str) if len(facts) else pd.Series(dtype=str)
    done = flags.str.contains(REVIEWED_FLAG, regex=False) | flags.str.contains(CORRECTED_FLAG, regex=False)
    open_ids = set(facts["id"][~done].astype(int)) if len(facts) else set()
    fails = store.check_failures()
    for r in fails.itertuples():
        ids = tuple(int(i) for i in str(r.fact_ids).split(";") if i)
        if not open_ids.intersection(ids):  # every fact of it decided (or rejected) by a person
            continue
        first = by_id.loc[ids[0]] if ids and ids[0] in by_id.index else None
        items.append(
            Item(
                f"C{r.id}",
                "check",
                str(r.document),
                int(first["page"]) if first is not None else 0,
                f"{r.check_name}: found {r.found}",
                f"expected {r.expected} (tolerance {r.tolerance})",
                ids,
            )
        )
    for r in store.list_reviews().query("status == 'unanchored'").itertuples():
        items.append(
            Item(
                f"R{r.id}",
                "unanchored",
                "",
                int(r.page),
                f"{r.action} of «{r.snippet}» ({r.raw_value})",
                "the fact it was made on is gone after a re-extraction: decide again",
            )
        )
    made = store_review.made_fact_list(store)
    for r in made[made["status"] == "unanchored"].itertuples():
        items.append(
            Item(
                f"M{r.id}",
                "unanchored",
                "",
                int(r.page),
                f"make of «{r.text}» ({r.number})",
                "the number it was made of is no longer set aside there after a re-extraction: decide again",
            )
        )
    if len(facts):
        for flag in FLAG_KINDS[:3]:
            items += _fact_items(facts[flags.str.contains(flag, regex=False) & ~done], flag)
    for r in store.numbers_to_review().itertuples():
        items.append(
            Item(
                f"N{r.id}",
                "number",
                str(r.document),
                int(r.page),
                f"{r.number} in «{r.text}»",
                "neither a fact nor set aside with a reason",
            )
        )
    if len(facts):
        items += _fact_items(facts[flags.str.contains(FLAG_KINDS[3], regex=False) & ~done], FLAG_KINDS[3])
    for r in store_review.set_aside(store).itertuples() if kind == "set_aside" else ():
        items.append(
            Item(
                f"N{r.id}",
                "set_aside",
                str(r.document),
                int(r.page),
                f"{r.number} in «{r.text}»",
                f"set aside: {r.reason}",
            )
        )
    if kind:
        items = [i for i in items if i.kind == kind]
    if document:
        items = [i for i in items if i.document == document]
    return items


def _fact_items(rows: pd.DataFrame, flag: str) -> list[Item]:
    return [
        Item(
            f"F{r.id}",
            flag,
            str(r.document),
            int(r.page),
            describe(r._asdict()),
            f"flagged {flag}",
            (int(r.id),),
        )
        for r in rows.itertuples()
    ]


def describe(fact: dict) -> str:
    """A fact in one line.

    >>> describe({"indicator": "移动电话用户", "region": "河南省", "operator": "", "subject": "", "period": "2020-08",
    ...           "measure": "value", "raw_value": "11000", "raw_unit": "万户", "snippet": "移动电话用户达到11000万户"})
    '移动电话用户 | 河南省 | 2020-08 | value = 11000万户 «移动电话用户达到11000万户»'
    """
    keys = " | ".join(
        str(fact.get(k) or "")
        for k in ("indicator", "region", "operator", "subject", "period")
        if fact.get(k)
    )
    return (
        f"{keys} | {fact.get('measure')} = {fact.get('raw_value')}{fact.get('raw_unit') or ''} "
        f"«{fact.get('snippet')}»"
    )


def parse_changes(words: list[str]) -> dict[str, object]:
    """``field=value`` words as the stored columns they set, resolved like extraction resolves them.

    >>> parse_changes(["region=郑州", "value=8643.5万户", "period=2020年8月"])["region_code"]
    '410100'
    >>> c = parse_changes(["value=8643.5万户"]); c["value"], c["unit"]
    (86435000.0, '户')
    >>> parse_changes(["colour=red"])
    Traceback (most recent call last):
    ...
    ValueError: cannot change 'colour': the fields are indicator, region, operator, subject, period, measure, value, unit
    """
    out: dict[str, object] = {}
    for word in words:
        field, sep, text = word.partition("=")
        text = text.strip()
        if not sep or field not in EDITABLE:
            raise ValueError(f"cannot change {field!r}: the fields are {', '.join(EDITABLE)}")
        if field == "indicator":
            ind = open_indicator(text)
            out.update(indicator=ind.name, category=ind.category)
        elif field == "region":
            match = resolve_region(text)
            if match.region is None:
                raise ValueError(f"region {text!r}: {match.reason}")
            out.update(
                region=match.region.name, region_code=match.region.code, region_level=match.region.level
            )
        elif field == "operator":
            op = resolve_operator(text) if text else None
            if text and op is None:
                raise ValueError(
                    f"operator {text!r} is not an operator (中国移动, 中国联通, 中国电信, 中国广电)"
                )
            out["operator"] = op.operator if op else ""
        elif field == "subject":
            out["subject"] = text
        elif field == "period":
            p = parse_period(text)
            if p is None:
                raise ValueError(f"period {text!r} is not a period (2020-08, 2020年1-8月, 2021Q1, 2020)")
            out.update(
                period=p.period,
                period_type=p.period_type,
                period_start=p.start.isoformat(),
                period_end=p.end.isoformat(),
            )
        elif field == "measure":
            if text not in MEASURES:
                raise ValueError(f"measure {text!r}: one of {', '.join(MEASURES)}")
            out["measure"] = text
        elif field == "value":
            q = parse_quantity(text)
            if q is None:
                raise ValueError(f"value {text!r} is not a number with a unit (8643.5万户, 5.2%)")
            # the number as the person wrote it is what the dashboard shows (it shows raw_value as printed)
            out.update(value=q.value, raw_value=q.raw_value, raw_unit=q.raw_unit)
            if q.unit:
                out["unit"] = q.unit
        elif field == "unit":
            unit = resolve_unit(text)
            if unit is None:
                raise ValueError(f"unit {text!r} is not a known unit (data/units.csv)")
            out["unit"] = unit.unit
    return out


def decide(store: Store, target: str, action: str, words: list[str], who: str, note: str = "") -> list[dict]:
    """Accept, reject or correct the facts of a queue item (F… a fact, C… every fact of a failed check)."""
    ids = _fact_ids(store, target)
    changes = _users(store, parse_changes(words)) if action == "correct" else {}
    if action == "correct" and not changes:
        raise ValueError("correct needs at least one field=value")
    return [store.review(i, action, changes, who, note) for i in ids]


def map_printed(
    store: Store,
    printed: str,
    to: str | None,
    who: str,
    note: str = "",
    category: str = "",
    unit: str = "",
    kind: str = "",
) -> dict[str, object]:
    """Map the printed indicator name ``printed`` to the catalogue indicator ``to`` (a name or synonym of
    data/indicators.csv, or an indicator added earlier), or with ``to`` None add it as a new indicator of
    its own name (``category``, ``unit``, ``kind`` given, else guessed from its head noun)."""
    printed = printed.strip()
    if not printed:
        raise ValueError("give the printed name of the indicator")
    if to is None:
        entry = UserEntry(printed, printed, category, unit, kind)
    else:
        added = set(store_review.user_catalogue(store)["indicator"])
        found = resolve_indicator(to)
        if found is None and to.strip() not in added:
            raise ValueError(
                f"{to!r} is not in the catalogue (data/indicators.csv); add it as new with --new"
            )
        entry = UserEntry(printed, found.name if found else to.strip(), category, unit, kind)
    return store_review.map_indicator(store, entry, who, note)


def make(store: Store, target: str, words: list[str], who: str, note: str = "") -> dict:
    """Make a fact of the set-aside number ``target`` (N12) with ``field=value`` words (indicator, region,
    period and value at least; operator, subject, measure, unit as for a correction)."""
    t = target.strip().upper()
    if not (t.startswith("N") and t[1:].isdigit()):
        raise KeyError(f"{target}: give a set-aside number (N12)")
    return store_review.make_fact(store, int(t[1:]), _users(store, parse_changes(words)), who, note)


def _users(store: Store, changes: dict[str, object]) -> dict[str, object]:
    """``changes`` with an indicator people added to the catalogue taking its entry's category."""
    if "indicator" in changes:
        added = store_review.user_catalogue(store)
        hit = added[added["indicator"] == changes["indicator"]]
        if len(hit):
            changes = {**changes, "category": str(hit["category"].iloc[-1])}
    return changes


def _fact_ids(store: Store, target: str) -> list[int]:
    t = target.strip().upper()
    if t.startswith("F") and t[1:].isdigit():
        return [int(t[1:])]
    if t.isdigit():
        return [int(t)]
    if t.startswith("C") and t[1:].isdigit():
        fails = store.check_failures()
        row = fails[fails["id"] == int(t[1:])]
        if row.empty:
            raise KeyError(f"no check failure {target}")
        return [int(i) for i in str(row["fact_ids"].iloc[0]).split(";") if i]
    raise KeyError(f"{target}: give a fact (F123, or its id) or a check failure (C7)")


# -- the command line (the parser is built in extract/cli.py) -------------------------------------------
def run(args: argparse.Namespace, db: str | None) -> int:
    store = Store(db)
    command = args.review_command
    if command == "list":
        items = queue(store, args.kind, args.document)
        for it in items:
            if args.json:
                print(json.dumps(asdict(it), ensure_ascii=False))
            else:
                print(f"{it.id:<8} {it.kind:<22} {shown(it.document)} p{it.page}: {it.what} — {it.why}")
        print(f"{len(items)} item(s) to review", file=sys.stderr)
        return 0
    if command == "log":
        for r in store.audit_log().itertuples():
            print(
                f"{r.at}  {r.who}  {r.action:<8} {r.target}  before={r.before}  after={r.after or '—'}"
                + (f"  note={r.note}" if r.note else "")
            )
        return 0
    if command == "catalogue":
        for r in store_review.user_catalogue(store).itertuples():
            print(f"{r.printed} → {r.indicator}  ({r.category}, {r.unit or '—'}, {r.kind})  {r.who} {r.at}")
        return 0
    try:
        if command == "map":
            got = map_printed(
                store,
                args.printed,
                args.to,
                getpass.getuser(),
                args.note,
                args.category,
                args.unit,
                args.kind,
            )
            print(
                f"mapped: {args.printed} → {got['indicator']} ({got['category']}), {got['facts']} fact(s) now"
            )
            return 0
        if command == "make":
            print("made: " + describe(make(store, args.target, args.changes, getpass.getuser(), args.note)))
            return 0
        done = decide(store, args.target, command, getattr(args, "changes", []), getpass.getuser(), args.note)
    except (KeyError, ValueError) as exc:
        print(f"error: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 1
    for after in done:
        print(f"{command}ed: {describe(after)}" if after else f"{command}ed: left out of the facts")
    return 0
