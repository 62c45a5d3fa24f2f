"""`python -m extract resolve KIND TEXT`: the examples of the normalisation issue, through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import REPO

CASES = [
    (
        ["region", "延边州"],
        {"name": "延边朝鲜族自治州", "code": "222400", "level": "city", "parent": "吉林省"},
    ),
    (["region", "我省", "--region", "河南省"], {"name": "河南省", "code": "410000", "level": "province"}),
    (["region", "全国"], {"name": "全国", "code": "100000", "level": "national"}),
    (["region", "东部地区"], {"name": "东部地区", "code": "", "level": "macro_region"}),
    (["operator", "河南移动公司"], {"operator": "中国移动", "region": "河南省"}),
    (["operator", "中国广电"], {"operator": "中国广电", "region": ""}),
    (
        ["period", "1-8月", "--period", "2020-08"],
        {"period": "2020-01..2020-08", "period_type": "ytd", "start": "2020-01-01", "end": "2020-08-31"},
    ),
    (["period", "12月", "--period", "2021-01"], {"period": "2020-12", "period_type": "month"}),
    (["period", "2021年第一季度"], {"period": "2021Q1", "period_type": "quarter", "start": "2021-01-01"}),
    (["quantity", "53443万G"], {"value": 534430000, "unit": "GB", "raw_value": "53443", "raw_unit": "万G"}),
    (["quantity", "下降3.2%"], {"value": -3.2, "unit": "%"}),
    (["quantity", "11185496 T"], {"value": 11185496 * 1024, "unit": "GB"}),
    (["indicator", "移动互联网流量"], {"indicator": "移动互联网接入流量", "category": "流量", "unit": "GB"}),
    (
        ["indicator", "固定宽带接入用户"],
        {"indicator": "互联网宽带接入用户", "category": "用户", "unit": "户"},
    ),
]


def resolve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "extract", "resolve", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("args, expected", CASES, ids=[" ".join(a) for a, _ in CASES])
def test_resolve_prints_one_json_object(args: list[str], expected: dict) -> None:
    proc = resolve(*args)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert {k: got.get(k) for k in expected} == expected


@pytest.mark.parametrize(
    "args",
    [
        ["region", "火星"],
        ["operator", "三家基础电信企业"],
        ["indicator", "天气"],
        ["quantity", "很多"],
        ["period", "某时"],
    ],
)
def test_unresolved_exits_1_with_a_reason(args: list[str]) -> None:
    proc = resolve(*args)
    assert proc.returncode == 1 and proc.stdout == "" and "cannot resolve" in proc.stderr


def test_ambiguous_region_is_explicit() -> None:
    proc = resolve("region", "朝阳区")
    got = json.loads(proc.stdout)
    assert got["code"] == "" and "ambiguous_region" in got["flags"] and "warning" in proc.stderr
    proc = resolve("region", "朝阳区", "--region", "北京市")
    assert json.loads(proc.stdout)["code"] == "110105"
