"""Industries as the subject of a statistic (「金融指数」「政务应用」), from data/industries.csv."""

from __future__ import annotations

import csv
import re
from functools import cache

from ..paths import data_file

#: An industry name counts in running text only when a word like these follows it.
_FOLLOWERS = r"(?:指数|赋智量|用云量|行业|业务|应用|领域|类)"


@cache
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    with open(data_file("industries.csv"), encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            canonical = row["industry"].strip()
            names[canonical] = canonical
            for syn in (row.get("synonyms") or "").split("|"):
                if syn.strip():
                    names[syn.strip()] = canonical
    return names


@cache
def _pattern() -> re.Pattern[str]:
    alternatives = "|".join(sorted(map(re.escape, _names()), key=len, reverse=True))
    return re.compile(rf"({alternatives}){_FOLLOWERS}")


def find_industries(text: str) -> list[tuple[int, int, str]]:
    """Industry names used as a subject, with their spans and canonical names.

    >>> find_industries("2020 年金融指数依旧大幅领先")
    [(6, 8, '金融')]
    >>> find_industries("金融、电信等行业的数据基础较好")
    []
    """
    return [(m.start(1), m.end(1), _names()[m.group(1)]) for m in _pattern().finditer(text)]
