"""Table styles of the genre, one rule a test: unit lines, titles, header rows, indicator rows,
totals, missing cells, notes, continued tables, side-by-side rankings and merged cells.

Most tests hand the table extractor plain cell grids with the lines printed around them, as a
reader does; the last ones render real ruled PDFs with reportlab and read them back.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from extract.extractors.context import document_context
from extract.extractors.tables import extract_tables
from extract.model import Document, Page, Paragraph, Table

Item = str | list[list[str]]


def document(*pages: list[Item], title: str = "2020年通信业统计公报") -> Document:
    """A document from pages of items in reading order: a string is a printed paragraph, a list of
    rows a table (placed after the paragraphs before it)."""
    out = []
    for number, items in enumerate(pages, start=1):
        page = Page(number=number)
        for item in items:
            if isinstance(item, str):
                page.paragraphs.append(Paragraph(text=item, page=number))
            else:
                page.tables.append(Table(rows=item, page=number, position=len(page.paragraphs)))
        out.append(page)
    return Document(name="genre.pdf", pages=out, title=title)


def facts(*pages: list[Item], title: str = "2020年通信业统计公报") -> pd.DataFrame:
    doc = document(*pages, title=title)
    return pd.DataFrame([f.row() for f in extract_tables(doc, document_context(doc))])


def rows(df: pd.DataFrame, *columns: str) -> set[tuple]:
    return {
        tuple(round(v, 4) if isinstance(v, float) else v for v in r)
        for r in df[list(columns)].itertuples(index=False)
    }


USERS = [["地区", "移动电话用户", "同比增长（%）"], ["郑州市", "1520.3", "3.1"], ["洛阳市", "702.6", "-0.4"]]
LEAD = "2020年8月，河南省各地市移动电话用户情况见表1。"


# -- units ------------------------------------------------------------------------------------------


def test_a_unit_line_above_the_table_scales_every_value() -> None:
    df = facts([LEAD, "表1 2020年8月各地市移动电话用户", "单位：万户", USERS], title="河南省通信业运行情况")
    values = df[df["measure"] == "value"]
    assert rows(values, "region", "value", "raw_unit") == {
        ("郑州市", 15_203_000.0, "万户"),
        ("洛阳市", 7_026_000.0, "万户"),
    }
    assert not values["flags"].str.contains("unit_assumed").any()


def test_a_unit_line_below_the_table_counts_too() -> None:
    df = facts(
        [LEAD, "表1 2020年8月各地市移动电话用户", USERS, "单位：万户", "注：数据为月末到达数。"],
        title="河南省通信业运行情况",
    )
    assert set(df.loc[df["measure"] == "value", "raw_unit"]) == {"万户"}


def test_without_any_unit_the_value_is_kept_as_printed_and_flagged() -> None:
    df = facts([LEAD, "表1 2020年8月各地市移动电话用户", USERS], title="河南省通信业运行情况")
    values = df[df["measure"] == "value"]
    assert set(values["value"]) == {1520.3, 702.6}  # never scaled by a guessed 万
    assert values["flags"].str.contains("unit_assumed").all()


def test_a_unit_line_scoped_to_columns() -> None:
    table = [
        ["指标名称", "2020年末到达", "全年净增"],
        ["移动电话用户", "15.94", "-728"],
        ["固定电话用户", "1.82", "-913"],
    ]
    df = facts(["表1 2020年主要电信用户发展情况", "单位：年末到达为亿户，全年净增为万户", table])
    got = rows(df, "indicator", "period", "measure", "value")
    assert ("移动电话用户", "2020-12", "value", 1_594_000_000.0) in got
    assert ("移动电话用户", "2020", "change", -7_280_000.0) in got
    assert ("固定电话用户", "2020", "change", -9_130_000.0) in got


def test_several_units_on_one_line_go_to_the_indicators_they_fit() -> None:
    table = [
        ["指标", "1-9月/9月末", "同比增长（%）"],
        ["电信业务收入", "86.2", "7.2"],
        ["移动电话用户", "1170.6", "-7.7"],
    ]
    df = facts(
        ["表1 2021年前三季度全市电信业主要指标", "单位：亿元，万户", table],
        title="2021年沈阳市电信业运行情况",
    )
    values = df[df["measure"] == "value"].set_index("indicator")
    assert (
        values.loc["电信业务收入", "raw_unit"] == "亿元" and values.loc["移动电话用户", "raw_unit"] == "万户"
    )


def test_the_unit_printed_in_the_title() -> None:
    df = facts([LEAD, "表1 2020年8月各地市移动电话用户（单位：万户）", USERS], title="河南省通信业运行情况")
    assert set(df.loc[df["measure"] == "value", "raw_unit"]) == {"万户"}


def test_units_inside_the_cells_and_two_period_columns() -> None:
    table = [
        ["指标", "2022年11月", "同比增长（%）", "2022年1-11月", "同比增长（%）"],
        ["手机出货量", "2323.8万部", "-34.1", "2.44亿部", "-23.2"],
        ["上市新机型", "43款", "-8.5", "381款", "-10.8"],
    ]
    df = facts(
        ["表1 2022年国内手机市场主要指标", "单位：出货量为万部、亿部，上市新机型为款", table],
        title="2022年11月国内手机市场运行分析报告",
    )
    got = rows(df, "indicator", "period", "measure", "value")
    assert ("手机出货量", "2022-11", "value", 23_238_000.0) in got
    assert ("手机出货量", "2022-01..2022-11", "value", 244_000_000.0) in got
    assert ("手机出货量", "2022-01..2022-11", "yoy_pct", -23.2) in got  # 同比 takes the period on its left
    assert ("上市新机型", "2022-11", "value", 43.0) in got


def test_a_unit_column_and_a_period_over_two_header_rows() -> None:
    table = [
        ["指标名称", "单位", "2024年1-10月", ""],
        ["", "", "本月底到达", "同比增长（%）"],
        ["电信业务收入", "亿元", "325.8", "2.1"],
        ["移动电话用户", "万户", "4659.4", "3.2"],
        ["光缆线路长度", "万公里", "215.7", "—"],
    ]
    df = facts(
        ["表1 2024年1-10月贵州通信业主要指标完成情况", table], title="2024年1-10月贵州信息通信业发展情况通报"
    )
    got = rows(df, "indicator", "period", "measure", "value")
    assert ("电信业务收入", "2024-01..2024-10", "value", 32_580_000_000.0) in got  # a flow keeps the range
    assert ("移动电话用户", "2024-10", "value", 46_594_000.0) in got  # a stock is the month-end
    assert ("移动电话用户", "2024-10", "yoy_pct", 3.2) in got
    assert ("光缆线路长度", "2024-10", "value", 2_157_000.0) in got
    assert len(df) == 5  # the — cell is no fact


# -- indicators from rows, titles and qualifiers -------------------------------------------------------


def test_row_headers_name_indicators_with_their_unit_in_parentheses() -> None:
    table = [
        ["指标", "本期", "同比增长（%）", "比年初增减"],
        ["电信业务总量（亿元）", "81.8", "32.2", "—"],
        ["其中：5G用户（万户）", "341.6", "—", "283.7"],
    ]
    df = facts(["表1 2021年1-9月全市电信业主要指标", table], title="2021年前三季度沈阳市电信业运行情况")
    got = rows(df, "indicator", "period", "measure", "value", "raw_unit")
    assert got == {
        ("电信业务总量", "2021-01..2021-09", "value", 8_180_000_000.0, "亿元"),
        ("电信业务总量", "2021-01..2021-09", "yoy_pct", 32.2, "%"),
        ("5G用户", "2021-09", "value", 3_416_000.0, "万户"),
        ("5G用户", "2021-01..2021-09", "change", 2_837_000.0, "万户"),
    }


def test_a_qualifier_row_under_its_parent_indicator() -> None:
    table = [
        ["指标", "2022年11月", "同比增长（%）"],
        ["手机出货量", "2323.8万部", "-34.1"],
        ["其中：5G手机", "1792.0万部", "-38.1"],
        ["国产品牌手机", "2010.8万部", "-28.3"],
        ["上市新机型", "43款", "-8.5"],
        ["其中：5G手机", "26款", "73.3"],
    ]
    df = facts(["表1 2022年国内手机市场主要指标", table], title="2022年11月国内手机市场运行分析报告")
    assert set(df["indicator"]) == {
        "手机出货量",
        "5G手机出货量",
        "国产品牌手机出货量",
        "上市新机型",
        "5G手机上市新机型",
    }


def test_category_rows_take_the_head_of_the_title_indicator_and_the_total_row_is_the_indicator() -> None:
    table = [
        ["业务类别", "1-3月累计", "同比增长（%）", "占电信业务收入比重（%）"],
        ["移动数据及互联网业务", "1591", "0.5", "44.2"],
        ["固定语音业务", "58.7", "-2.5", "—"],
        ["电信业务收入合计", "3601", "6.5", "—"],
    ]
    df = facts(
        ["表1 2021年1-3月电信业务收入构成", "单位：亿元", table], title="2021年一季度通信业经济运行情况"
    )
    got = rows(df, "indicator", "period", "measure", "value")
    assert ("移动数据及互联网业务收入", "2021-01..2021-03", "share_pct", 44.2) in got
    assert ("固定语音业务收入", "2021-01..2021-03", "value", 5_870_000_000.0) in got
    assert ("电信业务收入", "2021-01..2021-03", "value", 360_100_000_000.0) in got
    assert len(df) == 7


def test_application_rows_with_a_bare_measure_header() -> None:
    table = [
        ["应用", "用户规模", "网民使用率"],
        ["网络视频（含短视频）", "9.27", "93.7"],
        ["网民整体", "9.89", "—"],
    ]
    df = facts(
        ["表1 2020年12月主要个人互联网应用用户规模及网民使用率", "单位：亿，%", table],
        title="第47次中国互联网络发展状况统计报告",
    )
    got = rows(df, "indicator", "measure", "value")
    assert got == {
        ("网络视频用户规模", "value", 927_000_000.0),
        ("网络视频用户规模", "share_pct", 93.7),
        ("网民规模", "value", 989_000_000.0),
    }


def test_the_indicator_from_the_title_line_and_the_total_row_is_the_home_region() -> None:
    table = [["地区", "1-10月份累计", "同比增长（%）"], ["东部地区", "773", "37.2"], ["全国", "1810", "35.3"]]
    df = facts(
        ["表1 2021年1-10月份分地区移动互联网接入流量", "单位：亿GB", table],
        title="2021年1-10月份通信业经济运行情况",
    )
    got = rows(df, "indicator", "region", "period", "measure", "value")
    assert ("移动互联网接入流量", "东部地区", "2021-01..2021-10", "value", 77_300_000_000.0) in got
    assert ("移动互联网接入流量", "全国", "2021-01..2021-10", "yoy_pct", 35.3) in got


def test_the_title_names_the_indicator_and_a_total_of_cities_is_their_province() -> None:
    table = [["地区", "2023年"], ["南京市", "812"], ["苏州市", "1105"], ["合计", "1917"]]
    df = facts(["表1 2023年各地区互联网上网人数", "单位：万人", table], title="信息通信业发展蓝皮书")
    assert set(df["indicator"]) == {"互联网上网人数"}
    # 合计 of the cities of one province is that province
    assert rows(df, "region", "value") == {
        ("南京市", 8_120_000.0),
        ("苏州市", 11_050_000.0),
        ("江苏省", 19_170_000.0),
    }


def test_total_rows_in_a_region_column_are_the_documents_region() -> None:
    table = [
        ["地区", "累计建成5G基站", "全国排位"],
        ["全省", "98613", "1"],
        ["深圳", "30591", "—"],
        ["其他地市", "—", "—"],
    ]
    df = facts(
        ["表1 截至2020年8月底全省及部分地市5G基站建设情况", "单位：座", table], title="广东省5G基站建设情况"
    )
    assert rows(df, "indicator", "region", "measure", "value") == {
        ("5G基站数", "广东省", "value", 98613.0),
        ("5G基站数", "广东省", "rank", 1.0),
        ("5G基站数", "深圳市", "value", 30591.0),
    }


def test_missing_marks_are_gaps_not_zeros() -> None:
    table = [["企业", "移动用户", "有线宽带用户"], ["中国移动", "100427.7", "…"], ["中国联通", "—", "-"]]
    df = facts(
        ["表1 三家基础电信企业2024年10月主要用户指标", "单位：万户", table], title="2024年10月运营商数据"
    )
    assert len(df) == 1 and df.iloc[0]["value"] == pytest.approx(1_004_277_000.0)


def test_operator_rows_and_a_monthly_net_addition_column() -> None:
    table = [["企业", "移动用户", "移动用户当月净增"], ["中国电信", "42343", "76"]]
    df = facts(
        ["表1 三家基础电信企业2024年10月主要用户指标", "单位：万户", table], title="2024年10月运营商数据"
    )
    got = rows(df, "operator", "period", "measure", "value")
    assert got == {
        ("中国电信", "2024-10", "value", 423_430_000.0),
        ("中国电信", "2024-10", "change", 760_000.0),
    }


def test_note_lines_below_a_table_are_not_cells_and_set_no_period() -> None:
    table = [["指标", "6月末到达", "同比增长（%）"], ["移动电话用户", "4680.67", "2.7"]]
    after = [["指标", "当月"], ["移动电话用户", "4680.67"]]
    df = facts(
        [
            "表1 2019年上半年云南省电信用户主要指标",
            "单位：万户",
            table,
            "注：资料来源于2018年统计年报。",
            "表2 电信用户",
            "单位：万户",
            after,
        ],
        title="2019年上半年云南通信业发展情况",
    )
    assert "2018" not in " ".join(df["period"]) and len(df) == 3


# -- layout across pages and blocks -------------------------------------------------------------------


def test_a_table_continued_with_its_header_repeated_keeps_the_unit_line() -> None:
    header = ["地区", "1-10月份累计", "同比增长（%）"]
    df = facts(
        ["表1 2021年1-10月份分地区移动互联网接入流量", "单位：亿GB", [header, ["东部地区", "773", "37.2"]]],
        [[header, ["东北地区", "98.7", "31.5"]], "注：全国数据为各地区合计。"],
        title="2021年1-10月份通信业经济运行情况",
    )
    second = df[(df["region"] == "东北地区") & (df["measure"] == "value")].iloc[0]
    assert (
        second["raw_unit"] == "亿GB" and second["page"] == 2 and second["indicator"] == "移动互联网接入流量"
    )


def test_a_continued_table_titled_xu_keeps_the_caption() -> None:
    header = [["指标名称", "2024年1-10月"], ["", "本月底到达"]]
    df = facts(
        ["表1 2024年1-10月贵州通信业主要指标完成情况", "单位：万户", [*header, ["移动电话用户", "4659.4"]]],
        ["表1（续）", [*header, ["4G移动电话用户", "1817.6"]]],
        title="2024年1-10月贵州信息通信业发展情况通报",
    )
    assert rows(df, "indicator", "period", "value") == {
        ("移动电话用户", "2024-10", 46_594_000.0),
        ("4G用户", "2024-10", 18_176_000.0),
    }


def test_a_headerless_continuation_runs_on_from_the_table_before() -> None:
    table = [["指标", "2015年末"], ["电话用户合计", "745.4"]]
    df = facts(
        ["表1 2015年末全区电话用户构成", "单位：万户", table],
        [[["移动电话用户", "661"]]],
        title="宁夏2015年通信业发展情况",
    )
    assert rows(df, "indicator", "value") == {("电话用户", 7_454_000.0), ("移动电话用户", 6_610_000.0)}


def test_a_ranking_laid_out_as_two_blocks_side_by_side() -> None:
    table = [
        ["排名", "城市", "排名", "城市"],
        ["1", "北京", "4", "广州"],
        ["2", "上海", "5", "南京"],
        ["3", "深圳", "", ""],
    ]
    df = facts(
        [
            "城市层面的排名见表1。",
            "表1 2019年城市数字经济竞争力指数排名（前五位）",
            table,
            "注：按得分由高到低排列。",
        ],
        title="中国区域与城市数字经济发展报告（2020年）",
    )
    assert rows(df, "indicator", "region", "period", "measure", "value") == {
        ("城市数字经济竞争力指数", city, "2019", "rank", float(rank))
        for city, rank in (("北京市", 1), ("上海市", 2), ("深圳市", 3), ("广州市", 4), ("南京市", 5))
    }


def test_merged_cells_a_group_column_and_a_header_over_empty_columns() -> None:
    table = [
        ["模块", "检测项", "", "存在安全风险的互联网电视", ""],
        ["", "", "", "所占比例", ""],
        ["硬件", "固件安全", "20%", "", ""],
        ["操作系统", "系统安全配置", "67%", "", ""],
        ["", "调试安全", "67%", "", ""],
    ]
    df = facts(
        ["表 2 互联网电视安全评测总体情况展示", table],
        title="OTT终端数据安全和个人信息保护研究报告（2022年）",
    )
    assert rows(df, "indicator", "subject", "period", "measure", "value") == {
        ("存在安全风险的互联网电视", "固件安全", "2022", "share_pct", 20.0),
        ("存在安全风险的互联网电视", "系统安全配置", "2022", "share_pct", 67.0),
        ("存在安全风险的互联网电视", "调试安全", "2022", "share_pct", 67.0),
    }
    assert df["flags"].str.contains("uncatalogued_indicator").all()  # outside the catalogue, kept as printed


def test_a_section_heading_starts_a_new_running_period() -> None:
    table = [["检测项", "存在安全风险的互联网电视所占比例"], ["固件安全", "20%"], ["调试安全", "67%"]]
    df = facts(
        [
            "2021年，超过34%的韩国人是付费用户。",
            "图 1 2017-2021 年中国 OTT 广告运营总收入",
            "2.互联网电视行业发展趋势",
            "表 2 互联网电视安全评测总体情况展示",
            table,
        ],
        title="OTT终端数据安全和个人信息保护研究报告（2022年）",
    )
    assert set(df["period"]) == {"2022"}


# -- real PDFs ----------------------------------------------------------------------------------------


def _ruled_pdf(path: Path, pages: list[tuple[list[str], list[list[str]], list[str]]]) -> Path:
    """Pages of lines above, a ruled grid, lines below — drawn with reportlab's CID font."""
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    pdfmetrics = pytest.importorskip("reportlab.pdfbase.pdfmetrics")
    cidfonts = pytest.importorskip("reportlab.pdfbase.cidfonts")
    pdfmetrics.registerFont(cidfonts.UnicodeCIDFont("STSong-Light"))
    width, height = 595.0, 842.0
    c = canvas.Canvas(str(path), pagesize=(width, height))
    for above, grid, below in pages:
        y = 80.0
        c.setFont("STSong-Light", 10.5)
        for line in above:
            c.drawString(72, height - y, line)
            y += 20
        widths = [150.0] + [110.0] * (len(grid[0]) - 1)
        top = y - 6
        for r, row in enumerate(grid):
            x = 72.0
            for cell, w in zip(row, widths, strict=True):
                c.drawString(x + 4, height - (top + 14 + 20 * r), cell)
                x += w
        bottom = top + 20 * len(grid)
        for r in range(len(grid) + 1):
            c.line(72, height - (top + 20 * r), 72 + sum(widths), height - (top + 20 * r))
        x = 72.0
        for w in [0.0, *widths]:
            x += w
            c.line(x, height - top, x, height - bottom)
        y = bottom + 24
        for line in below:
            c.drawString(72, height - y, line)
            y += 20
        c.showPage()
    c.save()
    return path


def test_a_ruled_pdf_table_with_unit_line_note_and_a_continuation(tmp_path: Path) -> None:
    from extract.readers.pdf import read_pdf

    header = ["指标", "6月末到达", "同比增长（%）"]
    path = _ruled_pdf(
        tmp_path / "yunnan.pdf",
        [
            (
                [
                    "2019年上半年云南省通信业发展情况",
                    "截至6月末，全省电信用户稳步增长。",
                    "表1 2019年上半年云南省电信用户主要指标",
                    "单位：万户",
                ],
                [header, ["电话用户合计", "4932.8", "4.12"], ["移动电话用户", "4680.67", "2.7"]],
                [],
            ),
            ([], [header, ["固定宽带接入用户", "1066.2", "—"]], ["注：资料来源于云南省通信管理局。"]),
        ],
    )
    doc = read_pdf(path)
    df = pd.DataFrame([f.row() for f in extract_tables(doc, document_context(doc))])
    assert rows(df, "indicator", "region", "period", "measure", "value") == {
        ("电话用户", "云南省", "2019-06", "value", 49_328_000.0),
        ("电话用户", "云南省", "2019-06", "yoy_pct", 4.12),
        ("移动电话用户", "云南省", "2019-06", "value", 46_806_700.0),
        ("移动电话用户", "云南省", "2019-06", "yoy_pct", 2.7),
        ("互联网宽带接入用户", "云南省", "2019-06", "value", 10_662_000.0),
    }


# -- more header and row conventions ------------------------------------------------------------------


def test_the_base_of_a_comparison_is_not_the_columns_period() -> None:
    table = [["指标", "本月", "上年同期", "比上年同期增长（%）"], ["移动电话用户", "4659.4", "4515.1", "3.2"]]
    df = facts(["表1 2024年10月主要指标", "单位：万户", table], title="2024年10月贵州通信业运行情况")
    assert rows(df, "period", "measure", "value") == {
        ("2024-10", "value", 46_594_000.0),
        ("2023-10", "value", 45_151_000.0),
        ("2024-10", "yoy_pct", 3.2),
    }


def test_an_unlabelled_first_column_of_indicator_names() -> None:
    table = [["", "2015年末"], ["电话用户合计", "745.4"], ["其中：4G用户", "247.6"]]
    df = facts(["表1 2015年末全区电话用户构成", "单位：万户", table], title="宁夏2015年通信业发展情况")
    assert rows(df, "indicator", "subject", "measure", "value") == {
        ("电话用户", "", "value", 7_454_000.0),
        ("4G用户", "", "value", 2_476_000.0),
    }


def test_a_row_number_column_is_not_a_rank() -> None:
    table = [["序号", "地区", "移动电话用户（万户）"], ["1", "郑州市", "1520.3"], ["2", "洛阳市", "702.6"]]
    df = facts([LEAD, table], title="河南省通信业运行情况")
    assert set(df["measure"]) == {"value"} and len(df) == 2


def test_the_operators_total_row_has_no_operator() -> None:
    table = [["企业", "移动电话用户"], ["中国移动", "100427.7"], ["合计", "181533.1"]]
    df = facts(
        ["表1 三家基础电信企业2024年10月主要用户指标", "单位：万户", table], title="2024年10月运营商数据"
    )
    assert rows(df, "operator", "value") == {("中国移动", 1_004_277_000.0), ("", 1_815_331_000.0)}


def test_a_unit_printed_at_the_end_of_the_title_line() -> None:
    df = facts([LEAD, "表1 2020年8月各地市移动电话用户 单位：万户", USERS], title="河南省通信业运行情况")
    assert set(df.loc[df["measure"] == "value", "raw_unit"]) == {"万户"} and set(df["indicator"]) == {
        "移动电话用户"
    }


def test_numbered_row_labels() -> None:
    table = [["指标名称", "1-10月累计"], ["一、电信业务收入", "325.8"], ["二、固定资产投资", "55.4"]]
    df = facts(
        ["表1 2024年1-10月主要指标", "单位：亿元", table], title="2024年1-10月贵州信息通信业发展情况通报"
    )
    assert set(df["indicator"]) == {"电信业务收入", "固定资产投资"}


def test_indicators_over_measures_in_two_header_rows() -> None:
    table = [
        ["地区", "移动电话用户", "", "固定宽带接入用户", ""],
        ["", "10月末", "同比增长（%）", "10月末", "同比增长（%）"],
        ["郑州市", "1520.3", "3.1", "512.4", "9.8"],
        ["全省合计", "11023.5", "2.6", "3250.7", "8.1"],
    ]
    df = facts(
        ["表1 2024年10月各地市主要用户情况", "单位：万户", table], title="2024年10月河南省通信业运行情况"
    )
    got = rows(df, "indicator", "region", "period", "measure", "value")
    assert ("移动电话用户", "郑州市", "2024-10", "value", 15_203_000.0) in got
    assert ("互联网宽带接入用户", "郑州市", "2024-10", "yoy_pct", 9.8) in got
    assert ("移动电话用户", "河南省", "2024-10", "yoy_pct", 2.6) in got  # 全省合计 is the province
    assert len(df) == 8


def test_a_rate_column_in_per_cent_and_a_rate_unit_line() -> None:
    table = [["地区", "互联网普及率（%）"], ["郑州市", "82.1"]]
    df = facts([LEAD, table], title="河南省通信业运行情况")
    assert rows(df, "value", "unit", "flags") == {(82.1, "%", "")}
    table = [["地区", "移动电话普及率"], ["郑州市", "130.5"]]
    df = facts(
        [LEAD, "表1 2020年8月各地市移动电话普及率", "单位：部/百人", table], title="河南省通信业运行情况"
    )
    assert rows(df, "value", "unit") == {(130.5, "部/百人")}


def test_unit_and_note_lines_drawn_inside_the_frame_are_not_rows() -> None:
    table = [["单位：万户", "", ""], *USERS, ["注：同比为与上年同期相比的增减幅度。", "", ""]]
    df = facts([LEAD, "表1 2020年8月各地市移动电话用户", table], title="河南省通信业运行情况")
    assert set(df.loc[df["measure"] == "value", "raw_unit"]) == {"万户"} and len(df) == 4


def test_yearbook_place_cells_and_footnote_marks() -> None:
    table = [["地区", "移动电话用户（万户）"], ["北  京", "4093.9*"], ["其中：郑州市", "1520.3①"]]
    df = facts([LEAD, table], title="2020年通信业统计公报")
    assert rows(df, "region", "value") == {("北京市", 40_939_000.0), ("郑州市", 15_203_000.0)}


def test_every_rule_row_is_its_own_example() -> None:
    from extract.extractors.tables import HEADER_ROLES, MEASURE_CUES

    for rules in (HEADER_ROLES, MEASURE_CUES):
        for rule in rules:
            assert next(r.result for r in rules if r.matches(rule.example)) == rule.result, rule


def test_a_change_column_after_two_years_is_the_change_in_the_later_year() -> None:
    table = [["项目", "2023年", "2022年", "增减"], ["移动电话用户", "4659.4", "4515.1", "144.3"]]
    df = facts(["表1 全省电话用户", "单位：万户", table], title="2023年贵州通信业统计公报")
    assert rows(df, "period", "measure", "value") == {
        ("2023-12", "value", 46_594_000.0),
        ("2022-12", "value", 45_151_000.0),
        ("2023", "change", 1_443_000.0),
    }


def test_a_time_series_with_a_row_per_year() -> None:
    table = [
        ["年份", "移动电话用户", "同比增长（%）"],
        ["2022", "4450.8", "3.5"],
        ["2023年", "4600.1", "3.4"],
    ]
    df = facts(["表1 2019-2023年全省移动电话用户", "单位：万户", table], title="贵州省通信业发展报告")
    assert rows(df, "indicator", "period", "measure", "value") == {
        ("移动电话用户", "2022-12", "value", 44_508_000.0),
        ("移动电话用户", "2022-12", "yoy_pct", 3.5),
        ("移动电话用户", "2023-12", "value", 46_001_000.0),
        ("移动电话用户", "2023-12", "yoy_pct", 3.4),
    }


def test_a_bare_count_column_takes_the_indicator_and_unit_of_the_title() -> None:
    table = [["市州", "用户数"], ["贵阳市", "312.5"], ["遵义市", "210.2"]]
    df = facts(
        ["表3 2024年10月各市州固定宽带接入用户（万户）", table], title="2024年10月贵州信息通信业发展情况"
    )
    assert rows(df, "indicator", "region", "value") == {
        ("互联网宽带接入用户", "贵阳市", 3_125_000.0),
        ("互联网宽带接入用户", "遵义市", 2_102_000.0),
    }


def test_a_column_per_operator() -> None:
    table = [["指标", "中国移动", "中国电信", "合计"], ["其中：5G用户", "54569", "34753", "89322"]]
    df = facts(["表1 2024年10月基础电信企业主要指标", "单位：万户", table], title="2024年10月运营商数据")
    assert rows(df, "indicator", "operator", "value") == {
        ("5G用户", "中国移动", 545_690_000.0),
        ("5G用户", "中国电信", 347_530_000.0),
        ("5G用户", "", 893_220_000.0),
    }


def test_a_column_per_province() -> None:
    table = [["指标", "河南省", "湖北省"], ["移动电话用户", "11023.5", "6050.2"]]
    df = facts(
        ["表1 2024年10月中部省份主要指标", "单位：万户", table], title="2024年10月中部地区通信业运行情况"
    )
    assert rows(df, "indicator", "region", "value") == {
        ("移动电话用户", "河南省", 110_235_000.0),
        ("移动电话用户", "湖北省", 60_502_000.0),
    }
