"""Table extraction: header roles, continued tables, odd cells — on real PDFs and plain cell grids."""

from __future__ import annotations

import pandas as pd
import pytest

from extract.api import read_report
from extract.extractors import extract_facts
from extract.model import Document, Page, Paragraph, Table

from .conftest import fixture


def grid_document(
    *tables: list[list[str]], title: str = "河南省互联网发展状况（2020年8月）", lead: str = ""
) -> Document:
    """A document of plain cell grids, one page per table, as a reader would hand them over;
    ``lead`` is a paragraph printed above the first table."""
    pages = [
        Page(number=i + 1, tables=[Table(rows=t, page=i + 1, position=1 if lead and not i else 0)])
        for i, t in enumerate(tables)
    ]
    if lead:
        pages[0].paragraphs = [Paragraph(text=lead, page=1)]
    return Document(name="grid.pdf", pages=pages, title=title)


INCOME_LEAD = "1-8月，全省规模以上互联网企业完成互联网业务收入50.7亿元。具体收入构成如下："


def facts_of(doc: Document) -> pd.DataFrame:
    return pd.DataFrame([f.row() for f in extract_facts(doc)])


HEADER = ["排名", "网站名称", "网址", "访问量（万次）", "排名较上月变化"]


def test_a_table_split_across_pages_is_joined_to_its_header() -> None:
    df = facts_of(
        grid_document(
            [HEADER, ["1", "商都网", "www.shangdu.com", "21114.9", "-"]],
            [["2", "映象网", "www.hnr.cn", "8799.0", "↑2"]],
        )
    )
    second = df[df["subject"] == "映象网 www.hnr.cn"].set_index("measure")
    assert (
        second.loc["value", "value"] == pytest.approx(87_990_000)
        and second.loc["value", "raw_unit"] == "万次"
    )
    assert second.loc["rank", "value"] == 2 and second.loc["rank_change", "value"] == 2
    assert (second["page"] == 2).all() and (second["indicator"] == "网站访问量").all()


def test_a_header_only_table_yields_nothing() -> None:
    assert facts_of(grid_document([HEADER])).empty


def test_empty_cells_are_gaps_not_zeros() -> None:
    df = facts_of(
        grid_document(
            [["收入类别", "1-8月收入（亿元）", "同比", "占比"], ["信息服务业务", "13.3", "", "22%"]],
            lead=INCOME_LEAD,
        )
    )
    table = df[df["method"] == "table"]
    assert set(table["measure"]) == {"value", "share_pct"} and (table["indicator"] == "互联网业务收入").all()


def test_negative_percentage_and_new_entry() -> None:
    df = facts_of(
        grid_document(
            [
                ["收入类别", "1-8月收入（亿元）", "同比", "占比"],
                ["互联网数据服务业务", "2.1", "-2.9%", "3.5%"],
            ],
            [HEADER, ["19", "文新茶叶", "www.xywenxin.com", "14.0", "新进"]],
            lead=INCOME_LEAD,
        )
    )
    yoy = df[df["measure"] == "yoy_pct"].iloc[0]
    assert yoy["value"] == -2.9 and yoy["unit"] == "%" and yoy["subject"] == "互联网数据服务业务"
    new = df[df["subject"] == "文新茶叶 www.xywenxin.com"]
    assert set(new["measure"]) == {"value", "rank"}  # 新进 has no previous rank: no rank_change


def test_side_by_side_rank_groups_and_region_names() -> None:
    df = facts_of(
        grid_document(
            [["城市", "用云量 规模排名", "城市", "赋智量 增速排名"], ["上海市", "1", "延边州", "7"]],
            title="2021年云上智能白皮书",
        )
    )
    got = {(r.indicator, r.region, r.region_code, r.measure, r.value) for r in df.itertuples()}
    assert got == {
        ("用云量", "上海市", "310000", "rank", 1.0),
        ("AI指数增速", "延边朝鲜族自治州", "222400", "rank", 7.0),
    }


def test_category_cells_become_ranks_not_numbers() -> None:
    """No.1 … No.5 headers are positions; the industry in the cell is the subject, never a value."""
    df = facts_of(
        grid_document(
            [["排名", "城市", "No.1", "No.2"], ["1", "北京市", "生活互联", "文创"]],
            title="2021年云上智能白皮书",
            lead="各城市赋智量排名前五的行业如下",
        )
    )
    assert set(zip(df["subject"], df["value"], strict=True)) == {("生活互联", 1.0), ("文创", 2.0)}
    assert (df["measure"] == "rank").all()


def test_header_period_wins_and_is_flagged_when_the_text_disagrees() -> None:
    facts = read_report(fixture("henan-internet-monthly-2020-08.pdf"))
    income = facts[facts["subject"] == "互联网平台业务"]
    assert set(income["period"]) == {"2020-01..2020-07"}
    assert income["flags"].str.contains("inconsistent").all()
    sites = facts[facts["indicator"] == "网站访问量"]
    assert set(sites["period"]) == {"2020-08"} and not sites["flags"].str.contains("inconsistent").any()


def test_three_line_tables_are_found_without_vertical_rules() -> None:
    facts = read_report(fixture("henan-internet-monthly-2020-08-threeline.pdf"))
    sites = facts[(facts["indicator"] == "网站访问量") & (facts["measure"] == "rank")]
    assert len(sites) == 80  # four rankings of 20, including the rows continued on the next page
