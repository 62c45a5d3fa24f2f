"""The dashboard in a real browser: `streamlit run` on a free loopback port, driven by headless Chromium.

Visits every page, applies filters through the sidebar, checks the offline map really draws,
downloads the CSV and checks its rows, selects a fact to see its source page, and saves a
screenshot of each page under tests/artifacts/ (and docs/screenshots/ for the README).

Run with ``.venv/bin/python -m pytest tests/test_browser.py -m browser``.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "tests" / "artifacts"
SCREENSHOTS = REPO / "docs" / "screenshots"
REPORTS = [SHARED / "fixtures" / "henan-internet-monthly-2020-08.pdf",
           SHARED / "fixtures" / "tencent-cloud-ai-whitepaper-2021.pdf",
           SHARED / "data" / "nbs"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium "
                                                     "(apt-get install -y chromium)"),
    pytest.mark.skipif(not REPORTS[0].exists(), reason=f"shared fixtures not found at {SHARED}"),
]

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A filled database and `streamlit run dashboard/app.py` serving it."""
    from extract.ingest import ingest
    from extract.store import Store

    tmp = tmp_path_factory.mktemp("browser")
    db = tmp / "zhibiao.sqlite"
    results = ingest([p for p in REPORTS if p.exists()], Store(str(db)))
    assert all(r.status == "stored" for r in results), [r.line() for r in results]
    port = _free_port()
    env = {**os.environ, "ZHIBIAO_DB_URL": str(db)}
    log = open(tmp / "streamlit.log", "wb")
    proc = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "streamlit") if (REPO / ".venv" / "bin" / "streamlit").exists() else
         shutil.which("streamlit") or "streamlit", "run", "dashboard/app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("streamlit did not start: " + (tmp / "streamlit.log").read_text(errors="replace"))
        yield base, db
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM),
                              args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True, locale="zh-CN")
    pg = ctx.new_page()
    pg.external_requests = []  # type: ignore[attr-defined]
    pg.on("request", lambda r: pg.external_requests.append(r.url)
          if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
    yield pg
    ctx.close()


def settle(pg, timeout: float = 60) -> None:
    """Wait until the app has finished running (no running-man widget) and charts have drawn."""
    pg.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=timeout * 1000)
    deadline = time.time() + timeout
    time.sleep(0.8)
    while time.time() < deadline:
        running = pg.locator('[data-testid="stStatusWidget"]').count()
        skeleton = pg.locator('[data-testid="stSkeleton"]').count()
        if not running and not skeleton:
            break
        time.sleep(0.3)
    time.sleep(1.2)


def shoot(pg, name: str) -> None:
    """Save a screenshot of the whole page (Streamlit scrolls inside its own container, so the
    viewport is stretched to the content's height first)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = pg.viewport_size
    height = pg.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]') || document.scrollingElement;
        const block = document.querySelector('[data-testid="stMainBlockContainer"]');
        return Math.max(main.scrollHeight, block ? block.scrollHeight + 80 : 0);
    }""")
    pg.set_viewport_size({"width": size["width"], "height": min(max(size["height"], int(height)), 6000)})
    time.sleep(1.0)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    pg.set_viewport_size(size)
    shutil.copyfile(ARTIFACTS / f"{name}.png", SCREENSHOTS / f"{name}.png")


def no_exception(pg) -> None:
    assert pg.locator('[data-testid="stException"]').count() == 0, pg.locator(
        '[data-testid="stException"]').first.inner_text()


def pick(pg, label: str, option: str) -> None:
    """Add an option to the sidebar multiselect labelled exactly ``label``."""
    box = pg.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has=pg.locator('[data-testid="stWidgetLabel"]').get_by_text(label, exact=True)).first
    box.locator("input").click()
    box.locator("input").fill(option)
    pg.get_by_role("option", name=option, exact=True).first.click()
    pg.keyboard.press("Escape")
    settle(pg)


def test_pages_filters_map_download_and_source(server, page):
    base, db = server
    pg = page

    # 概览
    pg.goto(base + "/?o_region=" + quote("河南省"))
    settle(pg)
    no_exception(pg)
    assert pg.get_by_text("移动互联网用户", exact=True).count() >= 1
    assert pg.get_by_text("8643.5万户").count() >= 1
    shoot(pg, "overview")

    # 趋势: filters through the sidebar, reflected in the URL
    pg.goto(base + "/trend")
    settle(pg)
    pick(pg, "指标", "互联网上网人数")
    pick(pg, "地区", "河南省")
    pick(pg, "地区", "广东省")
    no_exception(pg)
    assert "ind=" + quote("互联网上网人数") in pg.url
    expect = pytest.importorskip("playwright.sync_api").expect
    expect(pg.locator(".js-plotly-plot .scatterlayer .trace")).to_have_count(2, timeout=20000)
    legend = pg.locator(".js-plotly-plot .legendtext").all_text_contents()
    assert sorted(legend) == ["广东省", "河南省"]
    shoot(pg, "trend")

    # the filters survive a page switch (sidebar navigation)
    pg.locator('[data-testid="stSidebarNav"] a').filter(has_text="地区").click()
    settle(pg)
    assert "region=" in pg.url and "ind=" in pg.url

    # 地区: the offline map really draws (polygons, nine-dash line), no CDN requests
    pg.goto(base + "/regions?r_ind=" + quote("互联网上网人数") + "&r_period=2016&region=" + quote("河南省"))
    settle(pg)
    no_exception(pg)
    from dashboard import geo

    if geo.available("province"):
        # every province-level region is drawn: 31 with data, the rest (台湾, 香港, 澳门) as outline
        expect(pg.locator(".js-plotly-plot .choroplethlocation")).to_have_count(len(geo.codes("province")),
                                                                              timeout=20000)
        if geo.available("nine_dash"):
            assert pg.locator(".js-plotly-plot .geo .scatterlayer path.js-line").count() >= 1
    expect(pg.locator(".js-plotly-plot .barlayer .point")).to_have_count(31, timeout=20000)
    shoot(pg, "regions")

    # 运营商
    pg.goto(base + "/operators?op_ind=" + quote("移动互联网接入流量") + "&op_region=" + quote("河南省"))
    settle(pg)
    no_exception(pg)
    assert pg.get_by_text("中国移动").count() >= 1
    shoot(pg, "operators")

    # 数据: filtered table, CSV download of exactly those rows
    pg.goto(base + "/data?ind=" + quote("移动互联网用户") + "&region=" + quote("河南省"))
    settle(pg)
    no_exception(pg)
    caption = pg.get_by_text("条数据，来自").first.inner_text()
    n = int(caption.split("共 ")[1].split(" 条")[0])
    with pg.expect_download(timeout=30000) as dl:
        pg.get_by_role("button", name="下载 CSV").click()
    raw = Path(dl.value.path()).read_bytes()
    assert raw.startswith("\ufeff".encode())
    got = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(got) == n
    assert set(got["indicator"]) == {"移动互联网用户"} and set(got["region"]) == {"河南省"}
    assert "8643.5" in set(got["raw_value"])
    (ARTIFACTS / "download.csv").write_bytes(raw)

    # select the first row: its source page is rendered with the snippet highlighted
    grid = pg.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    pg.mouse.click(box["x"] + 20, box["y"] + 36 + 18)  # the row-selection cell of the first data row
    settle(pg)
    pg.wait_for_selector("text=原文出处", timeout=20000)
    assert pg.locator('[data-testid="stImage"] img, [data-testid="stFullScreenFrame"] img').count() >= 1
    shoot(pg, "data")

    # 导入: upload a report that is already stored: a per-file progress bar and result
    pg.goto(base + "/import")
    settle(pg)
    no_exception(pg)
    assert pg.get_by_text("已导入的报告").count() == 1
    pg.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(REPORTS[0]))
    pg.locator('[data-testid="stFileChipName"]').first.wait_for(timeout=20000)
    pg.get_by_role("button", name="开始导入").click()
    pg.wait_for_selector("text=导入结果", timeout=60000)
    settle(pg)
    assert pg.get_by_text("1 个未变化").count() == 1
    assert pg.locator('[data-testid="stProgress"]').count() == 1
    shoot(pg, "import")

    offline = [u for u in pg.external_requests if "plot.ly" in u or "topojson" in u]
    assert not offline, offline


def test_empty_database_page(tmp_path, browser):
    """A fresh install: the empty state explains how to add reports."""
    port = _free_port()
    env = {**os.environ, "ZHIBIAO_DB_URL": str(tmp_path / "empty.sqlite")}
    proc = subprocess.Popen([str(REPO / ".venv" / "bin" / "streamlit"), "run", "dashboard/app.py", "--server.headless",
                             "true", "--server.port", str(port), "--server.address", "127.0.0.1"],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.25)
        ctx = browser.new_context(viewport={"width": 1440, "height": 900})
        pg = ctx.new_page()
        pg.goto(base)
        settle(pg)
        assert pg.get_by_text("python -m extract ingest").count() >= 1
        assert pg.get_by_role("button", name="载入演示数据").count() == 1
        shoot(pg, "empty")
        ctx.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
