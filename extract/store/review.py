"""What a reviewer adds to the store besides decisions on facts: the user catalogue of indicators, and
facts made of numbers the extractor set aside. Both are taken now and kept for every later extraction.

- :func:`map_indicator` — a printed indicator name mapped to a catalogue indicator, or added as one of
  its own (``user_indicators``): every stored fact flagged ``uncatalogued_indicator`` under that printed
  name takes it now, and :func:`mapped_on_save` gives it to the facts of every later ingest (the merge
  itself is :func:`extract.normalize.indicators.apply_user_catalogue`).
- :func:`set_aside` — the numbers that are not facts, with their ids;
  :func:`make_fact` — a set-aside number made a fact (``made_facts``), anchored on the document's content,
  the page, the number as printed and the text around it; the number leaves the set-aside list and the
  document's tally counts it as a fact. :func:`remake_on_save` makes it again whenever the document is
  extracted again and the same number is set aside at the same place; otherwise the made fact is marked
  ``unanchored`` and goes back to the review queue — never silently lost.

Each is written with its audit entry (``review_log``: who, when, before, after, note) in one transaction.
The two ``*_on_save`` functions run inside :meth:`~extract.store.Store.save_document`'s transaction.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from ..model import FACT_COLUMNS, Fact
from ..normalize.indicators import (
    UNCATALOGUED_FLAG,
    UserEntry,
    apply_user_catalogue,
    normalize_name,
    user_index,
    user_indicator,
)
from .schema import (
    CORRECTED_FLAG,
    UNEXPLAINED,
    documents,
    facts,
    made_facts,
    number_tallies,
    review_log,
    set_aside_numbers,
    user_indicators,
)

if TYPE_CHECKING:
    from . import Store

#: The fields a made fact needs from the person (the rest come from the number and its document).
REQUIRED = ("indicator", "region", "period", "value")
BOX = ("x0", "top", "x1", "bottom")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _log(conn: Connection, who: str, action: str, target: str, before: dict, after: dict, note: str) -> None:
    conn.execute(
        insert(review_log).values(
            at=_now(),
            who=who,
            action=action,
            target=target[:64],
            before=json.dumps(before, ensure_ascii=False, default=str),
            after=json.dumps(after, ensure_ascii=False, default=str),
            note=note,
        )
    )


# -- the user catalogue ---------------------------------------------------------------------------------
def user_catalogue(store: Store) -> pd.DataFrame:
    """The user catalogue: printed, indicator, category, unit, kind, who, at, note (oldest first)."""
    with store.engine.connect() as conn:
        return pd.read_sql(select(user_indicators).order_by(user_indicators.c.id), conn)


def _entries(conn: Connection) -> list[UserEntry]:
    t = user_indicators
    rows = conn.execute(select(t.c.printed, t.c.indicator, t.c.category, t.c.unit, t.c.kind).order_by(t.c.id))
    return [UserEntry(*map(str, r)) for r in rows]


def map_indicator(store: Store, entry: UserEntry, who: str, note: str = "") -> dict[str, object]:
    """Keep ``entry`` in the user catalogue (replacing an entry for the same printed name) and give every
    stored fact of that printed name, still flagged uncatalogued, the indicator it stands for."""
    ind = user_indicator(entry)
    key = normalize_name(entry.printed)
    with store._write() as conn:
        conn.execute(delete(user_indicators).where(user_indicators.c.printed == entry.printed))
        conn.execute(
            insert(user_indicators).values(
                printed=entry.printed,
                indicator=ind.name,
                category=ind.category,
                unit=ind.unit,
                kind=ind.kind,
                who=who,
                at=_now(),
                note=note,
            )
        )
        flagged = conn.execute(
            select(facts.c.id, facts.c.indicator, facts.c.flags).where(
                facts.c.flags.contains(UNCATALOGUED_FLAG, autoescape=True)
            )
        ).all()
        ids = [int(i) for i, name, _ in flagged if normalize_name(str(name)) == key]
        for fact_id, _, flags in (r for r in flagged if int(r[0]) in set(ids)):
            kept = ";".join(f for f in str(flags).split(";") if f and f != UNCATALOGUED_FLAG)
            conn.execute(
                update(facts)
                .where(facts.c.id == fact_id)
                .values(indicator=ind.name, category=ind.category, flags=kept)
            )
        after = {"indicator": ind.name, "category": ind.category, "unit": ind.unit, "kind": ind.kind}
        _log(
            conn,
            who,
            "map",
            f"indicator {entry.printed}",
            {"indicator": entry.printed, "facts": ids},
            after,
            note,
        )
    return {**after, "facts": len(ids)}


def mapped_on_save(conn: Connection, rows: list[Fact]) -> list[Fact]:
    """The facts of a document being saved, with the user catalogue merged in."""
    entries = _entries(conn)
    return apply_user_catalogue(rows, user_index(entries)) if entries else rows


# -- facts made of set-aside numbers -------------------------------------------------------------------------
def set_aside(store: Store, number_id: int | None = None, explained: bool = True) -> pd.DataFrame:
    """Numbers that are not facts, with their ids (the ``N…`` of the review queue): set aside with a
    reason (``explained``) or unexplained, or the one number ``number_id`` whatever its reason."""
    t = set_aside_numbers
    q = select(t).order_by(t.c.id)
    if number_id is not None:
        q = q.where(t.c.id == number_id)
    else:
        q = q.where(t.c.reason != UNEXPLAINED if explained else t.c.reason == UNEXPLAINED)
    with store.engine.connect() as conn:
        return pd.read_sql(q, conn)


def made_fact_list(store: Store) -> pd.DataFrame:
    """Every made fact's anchor and status (id, sha256, page, number, text, fields, status, who, at, note)."""
    with store.engine.connect() as conn:
        return pd.read_sql(select(made_facts).order_by(made_facts.c.id), conn)


def make_fact(store: Store, number_id: int, changes: dict[str, object], who: str, note: str = "") -> dict:
    """Make a fact of the set-aside number ``number_id`` with the fields ``changes`` (stored columns, as
    :func:`extract.review.parse_changes` gives them: indicator, region, period and value at least)."""
    missing = [k for k in REQUIRED if k not in changes]
    if missing:
        raise ValueError(f"a fact needs {', '.join(missing)} (give them as field=value)")
    with store._write() as conn:
        number = (
            conn.execute(
                select(set_aside_numbers, documents.c.sha256, documents.c.name.label("doc_name"))
                .join(documents, documents.c.id == set_aside_numbers.c.document_id)
                .where(set_aside_numbers.c.id == number_id)
            )
            .mappings()
            .first()
        )
        if number is None:
            raise KeyError(f"no set-aside number N{number_id}")
        fields = {
            "method": "table" if number["source"] == "table" else "prose",
            "category": "",
            "region_code": "",
            "region_level": "",
            "operator": "",
            "subject": "",
            "measure": "value",
            "unit": "",
            "raw_value": str(number["number"]),
            "raw_unit": "",
            **{k: v for k, v in changes.items() if k in facts.c and k not in ("document", "page", "snippet")},
            "flags": CORRECTED_FLAG,
        }
        after = _insert_made(conn, dict(number), fields)
        conn.execute(
            insert(made_facts).values(
                sha256=number["sha256"],
                page=number["page"],
                number=number["number"],
                text=number["text"],
                fields=json.dumps(fields, ensure_ascii=False),
                status="applied",
                who=who,
                at=_now(),
                note=note,
            )
        )
        before = {k: number[k] for k in ("document", "page", "number", "reason", "text")}
        _log(conn, who, "make", f"number {number_id}", before, after, note)
    return after


def _insert_made(conn: Connection, number: dict, fields: dict[str, object]) -> dict[str, object]:
    """The fact made of ``number`` (a set_aside_numbers row): inserted, the number no longer set aside, the
    document's tally and fact count moved by one. Returns the fact with its id."""
    doc_id = int(number["document_id"])
    name = str(number.get("doc_name") or number["document"])
    record = {
        **{c: fields.get(c, "") for c in FACT_COLUMNS},
        "document": name,
        "page": int(number["page"]),
        "snippet": str(number["text"]),
        "document_id": doc_id,
        **{k: number[k] for k in BOX},
    }
    key = conn.execute(insert(facts).values(**record)).inserted_primary_key
    if key is None:  # pragma: no cover - facts have an integer primary key
        raise RuntimeError("the database did not return the new fact's id")
    fact_id = key[0]
    conn.execute(delete(set_aside_numbers).where(set_aside_numbers.c.id == number["id"]))
    t = number_tallies
    left = t.c.unexplained if number["reason"] == UNEXPLAINED else t.c.set_aside
    conn.execute(
        update(t).where(t.c.document_id == doc_id).values({t.c.facts: t.c.facts + 1, left: left - 1})
    )
    conn.execute(update(documents).where(documents.c.id == doc_id).values(facts=documents.c.facts + 1))
    return {**{c: record[c] for c in FACT_COLUMNS}, "id": int(fact_id)}


def remake_on_save(conn: Connection, doc_id: int, sha256: str, name: str) -> None:
    """Make again, in a document just saved, the facts people made of its numbers (by anchor: page, number
    as printed, the text around it); one whose number is no longer set aside there is marked unanchored."""
    pending = (
        conn.execute(select(made_facts).where(made_facts.c.sha256 == sha256).order_by(made_facts.c.id))
        .mappings()
        .all()
    )
    if not pending:
        return
    numbers = [
        {**dict(r), "doc_name": name}
        for r in conn.execute(select(set_aside_numbers).where(set_aside_numbers.c.document_id == doc_id))
        .mappings()
        .all()
    ]
    for made in pending:
        match = next(
            (
                n
                for n in numbers
                if n["page"] == made["page"] and n["number"] == made["number"] and n["text"] == made["text"]
            ),
            None,
        )
        status = "unanchored"
        if match is not None:
            _insert_made(conn, match, json.loads(made["fields"]))
            numbers.remove(match)
            status = "applied"
        conn.execute(update(made_facts).where(made_facts.c.id == made["id"]).values(status=status))
