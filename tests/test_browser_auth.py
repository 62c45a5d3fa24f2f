"""Who may change what, in a real browser: the dashboard served exposed (``ZHIBIAO_EXPOSE=1``, as
``zhibiao dashboard --expose`` sets) with an editor password, driven by headless Chromium.

Nobody sees the upload control until they sign in; a wrong password is refused (and the next try
waits out a lockout); the right one shows the control. The server binds 127.0.0.1 on a free port:
exposure is decided by ``ZHIBIAO_EXPOSE`` as well as by the bind address (dashboard/auth.py).

Run with ``.venv/bin/python -m pytest tests/test_browser_auth.py``.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.test_browser import (  # the same server, browser and waits as the page-by-page test
    CHROMIUM,
    WAIT_MS,
    browser,  # noqa: F401 (a fixture)
    expect,
    settle,
    streamlit_server,
)

PASSWORD = "s3cret editor password"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def exposed_server(tmp_path_factory):
    """An exposed dashboard with an editor password, on a store holding one document."""
    from extract.store import Store

    tmp = tmp_path_factory.mktemp("browser_auth")
    db = tmp / "zhibiao.sqlite"
    Store(str(db)).save_document(
        name="old.pdf",
        sha256="b" * 64,
        pages=0,
        size=10,
        kind="pdf",
        title="",
        version="t",
        fact_rows=[],
        status="failed",
        error="damaged",
    )
    with pytest.MonkeyPatch.context() as mp:  # the server process inherits this environment
        mp.setenv("ZHIBIAO_EXPOSE", "1")
        mp.setenv("ZHIBIAO_EDITOR_PASSWORD", PASSWORD)
        mp.delenv("ZHIBIAO_EDITORS", raising=False)
        with streamlit_server(db, tmp / "streamlit.log") as base:
            yield base


def submit(pg, password: str, timeout_ms: float | None = None) -> None:
    pg.get_by_label("编辑密码", exact=True).fill(password, timeout=timeout_ms)
    pg.get_by_role("button", name="以编辑身份登录").click(timeout=timeout_ms)
    settle(pg)


def test_upload_only_after_the_right_password(exposed_server, browser):  # noqa: F811
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    ctx.set_default_timeout(WAIT_MS)
    pg = ctx.new_page()
    uploader = pg.locator('[data-testid="stFileUploader"]')
    delete = pg.locator('[data-testid="stExpander"]').filter(has_text="删除报告")
    try:
        pg.goto(exposed_server + "/import")
        settle(pg)
        expect(pg.get_by_text("已导入的报告")).to_have_count(1)  # reading is open to everyone
        expect(pg.get_by_text("old.pdf").first).to_be_attached()
        expect(pg.get_by_text("需要编辑权限").first).to_be_visible()
        expect(uploader).to_have_count(0)
        expect(delete).to_have_count(0)

        submit(pg, "not the password")
        expect(pg.get_by_text("密码不正确").first).to_be_visible()
        expect(pg.get_by_text("秒后再试").first).to_be_visible()  # the next try is slowed
        expect(uploader).to_have_count(0)

        # the right password at once, while the lockout lasts: refused, and the page says why
        submit(pg, PASSWORD)
        expect(pg.get_by_text("尝试次数过多").first).to_be_visible()
        expect(uploader).to_have_count(0)
        # then re-submitted until the lockout has passed (it grows from 1 s): accepted. Each round waits
        # for one of the two outcomes, so a slow rerun is never taken for a refusal.
        sign_in = pg.get_by_role("button", name="以编辑身份登录")
        deadline = time.monotonic() + WAIT_MS / 1000
        while sign_in.count() and not uploader.count():
            assert time.monotonic() < deadline, "the right password was never accepted"
            try:
                submit(pg, PASSWORD, timeout_ms=10_000)  # the form may just have gone: signed in
                expect(uploader).to_be_visible(timeout=3_000)
            except (AssertionError, PlaywrightTimeout):
                continue  # still locked out (or the rerun is slow): the loop looks again
        expect(uploader).to_be_visible()
        expect(pg.get_by_text("已用编辑密码登录").first).to_be_visible()
        expect(delete).to_be_visible()
        expect(pg.locator('[data-testid="stException"]')).to_have_count(0)
    finally:
        ctx.close()
