"""The dashboard in a real browser: `streamlit run` on a free loopback port, driven by headless Chromium.

Visits every page, applies filters through the sidebar, checks the offline map really draws,
downloads the CSV and checks its rows, selects a fact to see its source page, and saves a
screenshot of each page under tests/artifacts/ (git-ignored). ``make screenshots`` sets
``ZHIBIAO_SCREENSHOTS=docs/screenshots`` to refresh the README's pictures; tests never write into
tracked files otherwise.

Every wait is for a condition (Playwright's ``expect``, the server's health endpoint, Streamlit's
running indicator gone), never for a fixed time: the machine may be slow under load.

Run with ``.venv/bin/python -m pytest tests/test_browser.py``.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "tests" / "artifacts"
REPORTS = [
    SHARED / "fixtures" / "henan-internet-monthly-2020-08.pdf",
    SHARED / "fixtures" / "tencent-cloud-ai-whitepaper-2021.pdf",
    SHARED / "data" / "nbs",
]
#: how long a condition may take on a loaded 2-core machine before the test fails
WAIT_MS = 90_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian chromium at /usr/bin/chromium (apt-get install -y chromium)",
    ),
    pytest.mark.skipif(not REPORTS[0].exists(), reason=f"shared fixtures not found at {SHARED}"),
]

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
expect.set_options(timeout=WAIT_MS)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _streamlit() -> str:
    local = REPO / ".venv" / "bin" / "streamlit"
    return str(local) if local.exists() else shutil.which("streamlit") or "streamlit"


@contextmanager
def streamlit_server(db: Path, log_path: Path) -> Iterator[str]:
    """`streamlit run dashboard/app.py` on its own free port, serving ``db``; yields the base URL
    once the health endpoint answers (or fails the test with the server's log)."""
    port = _free_port()
    env = {**os.environ, "ZHIBIAO_DB_URL": str(db)}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [
                _streamlit(),
                "run",
                "dashboard/app.py",
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + WAIT_MS / 1000
            while True:
                if proc.poll() is not None:
                    pytest.fail("streamlit exited: " + log_path.read_text(errors="replace"))
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    if time.monotonic() > deadline:
                        pytest.fail("streamlit did not start: " + log_path.read_text(errors="replace"))
                    time.sleep(0.2)  # polling interval of a condition, not a wait for time to pass
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A filled database and a server for it."""
    from extract.ingest import ingest
    from extract.store import Store

    tmp = tmp_path_factory.mktemp("browser")
    db = tmp / "zhibiao.sqlite"
    results = ingest([p for p in REPORTS if p.exists()], Store(str(db)))
    assert all(r.status == "stored" for r in results), [r.line() for r in results]
    with streamlit_server(db, tmp / "streamlit.log") as base:
        yield base, db


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True, locale="zh-CN")
    ctx.set_default_timeout(WAIT_MS)
    pg = ctx.new_page()
    pg.external_requests = []  # type: ignore[attr-defined]
    pg.on(
        "request",
        lambda r: (
            pg.external_requests.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            else None
        ),
    )
    yield pg
    ctx.close()


def settle(pg) -> None:
    """Wait until the app has finished its run: the app view is there, Streamlit's running
    indicator and skeletons are gone, and no element is stale (greyed while a rerun replaces it)."""
    expect(pg.locator('[data-testid="stAppViewContainer"]')).to_be_visible(timeout=WAIT_MS)
    pg.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')
                 && !document.querySelector('[data-testid="stSkeleton"]')
                 && !document.querySelector('[data-stale="true"]')""",
        timeout=WAIT_MS,
        polling=200,
    )


def shoot(pg, name: str) -> None:
    """Save a screenshot of the whole page under tests/artifacts/ (and $ZHIBIAO_SCREENSHOTS when set).
    Streamlit scrolls inside its own container, so the viewport is stretched to the content first."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    size = pg.viewport_size
    height = pg.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]') || document.scrollingElement;
        const block = document.querySelector('[data-testid="stMainBlockContainer"]');
        return Math.max(main.scrollHeight, block ? block.scrollHeight + 80 : 0);
    }""")
    pg.set_viewport_size({"width": size["width"], "height": min(max(size["height"], int(height)), 6000)})
    pg.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    settle(pg)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    pg.set_viewport_size(size)
    target = os.environ.get("ZHIBIAO_SCREENSHOTS")
    if target:
        out = Path(target) if Path(target).is_absolute() else REPO / target
        out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ARTIFACTS / f"{name}.png", out / f"{name}.png")


def no_exception(pg) -> None:
    expect(pg.locator('[data-testid="stException"]')).to_have_count(0)


def pick(pg, label: str, option: str) -> None:
    """Add an option to the sidebar multiselect labelled exactly ``label``."""
    box = (
        pg.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]')
        .filter(has=pg.locator('[data-testid="stWidgetLabel"]').get_by_text(label, exact=True))
        .first
    )
    box.locator("input").click()
    box.locator("input").fill(option)
    pg.get_by_role("option", name=option, exact=True).first.click()
    pg.keyboard.press("Escape")
    expect(box).to_contain_text(option)
    settle(pg)


def test_pages_filters_map_download_and_source(server, page):
    base, db = server
    pg = page

    # 概览
    pg.goto(base + "/?o_region=" + quote("河南省"))
    settle(pg)
    expect(pg.get_by_text("移动互联网用户", exact=True).first).to_be_visible()
    expect(pg.get_by_text("8643.5万户").first).to_be_visible()
    no_exception(pg)
    shoot(pg, "overview")

    # 趋势: filters through the sidebar, reflected in the URL
    pg.goto(base + "/trend")
    settle(pg)
    pick(pg, "指标", "互联网上网人数")
    pick(pg, "地区", "河南省")
    pick(pg, "地区", "广东省")
    expect(pg).to_have_url(re.compile(re.escape("ind=" + quote("互联网上网人数"))))
    expect(pg.locator(".js-plotly-plot .scatterlayer .trace")).to_have_count(2)
    legend = pg.locator(".js-plotly-plot .legendtext")
    expect(legend).to_have_count(2)
    assert sorted(legend.all_text_contents()) == ["广东省", "河南省"]
    no_exception(pg)
    shoot(pg, "trend")

    # the filters survive a page switch (sidebar navigation)
    pg.locator('[data-testid="stSidebarNav"] a').filter(has_text="地区").click()
    expect(pg).to_have_url(re.compile(r"/regions\?"))
    settle(pg)
    assert "region=" in pg.url and "ind=" in pg.url

    # 地区: the offline map really draws (polygons, nine-dash line), no CDN requests
    pg.goto(base + "/regions?r_ind=" + quote("互联网上网人数") + "&r_period=2016&region=" + quote("河南省"))
    settle(pg)
    from dashboard import geo

    if geo.available("province"):
        # every province-level region is drawn: 31 with data, the rest (台湾, 香港, 澳门) as outline
        expect(pg.locator(".js-plotly-plot .choroplethlocation")).to_have_count(len(geo.codes("province")))
        if geo.available("nine_dash"):
            expect(pg.locator(".js-plotly-plot .geo .scatterlayer path.js-line").first).to_be_attached()
    expect(pg.locator(".js-plotly-plot .barlayer .point")).to_have_count(31)
    no_exception(pg)
    shoot(pg, "regions")

    # 运营商
    pg.goto(base + "/operators?op_ind=" + quote("移动互联网接入流量") + "&op_region=" + quote("河南省"))
    settle(pg)
    expect(pg.get_by_text("中国移动").first).to_be_visible()
    no_exception(pg)
    shoot(pg, "operators")

    # 数据: filtered table, CSV download of exactly those rows
    pg.goto(base + "/data?ind=" + quote("移动互联网用户") + "&region=" + quote("河南省"))
    settle(pg)
    caption = pg.get_by_text("条数据，来自").first
    expect(caption).to_be_visible()
    no_exception(pg)
    n = int(caption.inner_text().split("共 ")[1].split(" 条")[0])
    with pg.expect_download(timeout=WAIT_MS) as dl:
        pg.get_by_role("button", name="下载 CSV").click()
    raw = Path(dl.value.path()).read_bytes()
    assert raw.startswith("\ufeff".encode())
    got = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(got) == n
    assert set(got["indicator"]) == {"移动互联网用户"} and set(got["region"]) == {"河南省"}
    assert "8643.5" in set(got["raw_value"])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "download.csv").write_bytes(raw)

    # select the first row: its source page is rendered with the snippet highlighted
    grid = pg.locator('[data-testid="stDataFrame"]').first
    expect(grid).to_be_visible()
    box = grid.bounding_box()
    pg.mouse.click(box["x"] + 20, box["y"] + 36 + 18)  # the row-selection cell of the first data row
    expect(pg.get_by_text("原文出处").first).to_be_visible()
    settle(pg)
    expect(
        pg.locator('[data-testid="stImage"] img, [data-testid="stFullScreenFrame"] img').first
    ).to_be_visible()
    shoot(pg, "data")

    # 导入: upload a report that is already stored: a per-file progress bar and result
    pg.goto(base + "/import")
    settle(pg)
    expect(pg.get_by_text("已导入的报告")).to_have_count(1)
    no_exception(pg)
    pg.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(REPORTS[0]))
    expect(pg.locator('[data-testid="stFileChipName"]').first).to_be_visible()
    pg.get_by_role("button", name="开始导入").click()
    expect(pg.get_by_text("导入结果").first).to_be_visible()
    settle(pg)
    expect(pg.get_by_text("1 个未变化")).to_have_count(1)
    expect(pg.locator('[data-testid="stProgress"]')).to_have_count(1)
    shoot(pg, "import")

    # 审核: the queue of what needs a person, its first item's report page with the number boxed
    pg.goto(base + "/review")
    settle(pg)
    expect(pg.get_by_role("heading", name="审核")).to_have_count(1)
    pg.get_by_role("textbox", name="审核人姓名").fill("王审核")
    pg.get_by_role("button", name="开始审核").click()
    expect(pg.get_by_text("条待审核").first).to_be_visible()
    settle(pg)
    no_exception(pg)
    shoot(pg, "review")

    offline = [u for u in pg.external_requests if "plot.ly" in u or "topojson" in u]
    assert not offline, offline


def test_empty_database_page(tmp_path, browser):
    """A fresh install: the empty state explains how to add reports."""
    with streamlit_server(tmp_path / "empty.sqlite", tmp_path / "streamlit.log") as base:
        ctx = browser.new_context(viewport={"width": 1440, "height": 900})
        ctx.set_default_timeout(WAIT_MS)
        pg = ctx.new_page()
        pg.goto(base)
        settle(pg)
        expect(pg.get_by_text("zhibiao ingest").first).to_be_visible()
        expect(pg.get_by_role("button", name="载入演示数据")).to_have_count(1)
        shoot(pg, "empty")
        ctx.close()
