"""Why a file failed, in Chinese: the English reasons of ingest (readers, isolation, store) read by
the rules of data/dashboard/reasons_zh.csv, for the 导入 page.

A rule is a regex anchored on the whole English reason and a Chinese template that may use the regex's
named groups; the first rule that matches is taken. Two group names are special:

* ``reason`` is itself a reason and must be known (a wrapper such as "… (the facts stored earlier are
  kept)"); when it is not, the whole text is unknown;
* ``detail`` is put in Chinese when it is a known reason (a storage error), else kept as written.

Other groups (file names, sizes, limits) are put in as written. An unknown reason is returned unchanged:
nothing is guessed. The English original always follows the Chinese, for searching and for support.

>>> chinese_reason("not a PDF file (no %PDF header)")
'不是 PDF 文件（缺少 %PDF 文件头）（not a PDF file (no %PDF header)）'
>>> chinese_reason("something new went wrong")
'something new went wrong'
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from extract.paths import DATA_DIR

RULES_CSV = DATA_DIR / "dashboard" / "reasons_zh.csv"


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    chinese: str
    example: str
    expected: str


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    """The rules of data/dashboard/reasons_zh.csv, in file order."""
    with RULES_CSV.open(encoding="utf-8", newline="") as fh:
        return tuple(
            Rule(re.compile(row["pattern"]), row["chinese"], row["example"], row["expected"])
            for row in csv.DictReader(fh)
        )


def chinese_only(text: str) -> str | None:
    """The Chinese of a known reason (without the English), or None when no rule reads it."""
    text = text.strip()
    for rule in rules():
        m = rule.pattern.fullmatch(text)
        if not m:
            continue
        values: dict[str, str] = {}
        for name, value in m.groupdict(default="").items():
            if name == "reason":
                inner = chinese_only(value)
                if inner is None:
                    return None
                values[name] = inner
            elif name == "detail":
                values[name] = chinese_only(value) or value
            else:
                values[name] = value
        return rule.chinese.format(**values)
    return None


def chinese_reason(text: str) -> str:
    """「中文说明（English original）」 for a known reason; any other text unchanged."""
    zh = chinese_only(text) if text else None
    return f"{zh}（{text.strip()}）" if zh else text


__all__ = ["Rule", "chinese_only", "chinese_reason", "rules"]
