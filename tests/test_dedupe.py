"""A figure in the text and again in a table is two statements, both kept; a sentence repeating the
text's own figure is one."""

from __future__ import annotations

from extract.extractors import dedupe
from extract.model import Fact


def fact(method: str, snippet: str) -> Fact:
    return Fact(
        "r.pdf",
        1,
        method,
        "移动电话用户",
        "用户",
        "河南省",
        "410000",
        "province",
        "",
        "",
        "2020-08",
        "month",
        "2020-08-01",
        "2020-08-31",
        "value",
        1.1e8,
        "户",
        "11000",
        "万户",
        snippet,
    )


def test_text_and_table_statements_of_one_figure_are_both_kept() -> None:
    kept = dedupe([fact("table", "移动电话用户 11000"), fact("prose", "移动电话用户达到11000万户")])
    assert [f.method for f in kept] == ["table", "prose"]


def test_a_sentence_repeating_the_texts_figure_is_dropped() -> None:
    kept = dedupe([fact("prose", "移动电话用户达到11000万户"), fact("prose", "总数11000万户")])
    assert [f.snippet for f in kept] == ["移动电话用户达到11000万户"]
