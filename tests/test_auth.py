"""Who may change what (issue 16): the editing policy, the slowing of password guesses, and the 导入
page in streamlit.testing.v1.AppTest — on loopback (you are the editor), exposed with an editor
password (the upload and delete controls appear only after the right password; a wrong one is
refused and slows the next try), exposed with nothing configured (nobody edits, the page says how to
configure it), and exposed with an OIDC login configured through ``[auth]`` secrets.

The lockout clock is a fake one the tests move forward, so nothing here waits for time to pass.
"""

from __future__ import annotations

import hmac
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "dashboard" / "app.py")
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from streamlit.testing.v1 import AppTest  # noqa: E402

from dashboard import auth  # noqa: E402
from dashboard.auth import EditorState, FailureTable, Session, editor_state, try_password  # noqa: E402

PASSWORD = "correct horse battery staple"
OIDC = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-long-random-cookie-secret-for-tests-only",
    "client_id": "zhibiao",
    "client_secret": "not-a-secret",
    "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
}


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# -- the policy -----------------------------------------------------------------------------------
SIGNED_OUT = Session()
BY_PASSWORD = Session(password_ok=True)
BY_OIDC = Session(logged_in=True, email="Editor@Example.cn")

POLICY = [
    # exposed, password set, oidc configured, session, editors → may edit, reason
    (False, False, False, SIGNED_OUT, frozenset(), True, "loopback"),
    (False, True, True, SIGNED_OUT, frozenset(), True, "loopback"),
    (True, False, False, SIGNED_OUT, frozenset(), False, "unconfigured"),
    (True, False, False, BY_PASSWORD, frozenset(), False, "unconfigured"),  # password since unset
    (True, True, False, SIGNED_OUT, frozenset(), False, "sign_in"),
    (True, True, False, BY_PASSWORD, frozenset(), True, "password"),
    (True, False, True, SIGNED_OUT, frozenset(), False, "sign_in"),
    (True, False, True, BY_OIDC, frozenset(), True, "oidc"),
    (True, False, True, BY_OIDC, frozenset({"editor@example.cn"}), True, "oidc"),
    (True, False, True, BY_OIDC, frozenset({"someone@else.cn"}), False, "not_allowed"),
    (True, True, True, BY_OIDC, frozenset({"someone@else.cn"}), False, "not_allowed"),
    (True, True, True, Session(True, True, "x@y.cn"), frozenset({"someone@else.cn"}), True, "password"),
    (True, False, False, BY_OIDC, frozenset(), False, "unconfigured"),  # OIDC since unconfigured
]


@pytest.mark.parametrize("exposed, password_set, oidc, session, editors, may_edit, reason", POLICY)
def test_policy(exposed, password_set, oidc, session, editors, may_edit, reason):
    state = editor_state(exposed, password_set, oidc, session, editors)
    assert (state.may_edit, state.reason) == (may_edit, reason)
    assert state.reason in auth.REASONS


def test_policy_offers_only_the_configured_ways_to_sign_in():
    assert editor_state(True, True, False, SIGNED_OUT).offer == ("password",)
    assert editor_state(True, False, True, SIGNED_OUT).offer == ("oidc",)
    assert editor_state(True, True, True, SIGNED_OUT).offer == ("password", "oidc")
    # logged in through OIDC but not on the list: a password may still unlock, a second login not
    assert editor_state(True, True, True, BY_OIDC, frozenset({"a@b.cn"})) == EditorState(
        False, "not_allowed", ("password",)
    )
    assert editor_state(True, False, False, SIGNED_OUT).offer == ()


def test_exposure_comes_from_the_bind_address_and_zhibiao_expose(monkeypatch):
    from streamlit import config

    monkeypatch.delenv("ZHIBIAO_EXPOSE", raising=False)
    for address, exposed in (("127.0.0.1", False), ("::1", False), ("0.0.0.0", True), ("", True)):
        config.set_option("server.address", address)
        try:
            assert auth.exposed() is exposed, address
        finally:
            config.set_option("server.address", "127.0.0.1")
    monkeypatch.setenv("ZHIBIAO_EXPOSE", "1")
    assert auth.exposed() is True  # declared exposed, e.g. behind a reverse proxy on loopback


# -- slowing down guesses -------------------------------------------------------------------------
def test_wrong_password_locks_the_session_and_the_lock_grows():
    clock = Clock()
    table = FailureTable(clock)
    assert try_password("guess", PASSWORD, "s1", table) == ("wrong", 1.0)
    # during the lockout even the right password is refused, and not compared
    assert try_password(PASSWORD, PASSWORD, "s1", table)[0] == "locked"
    clock.now += 1.0
    assert try_password("guess2", PASSWORD, "s1", table) == ("wrong", 2.0)
    clock.now += 2.0
    assert try_password("guess3", PASSWORD, "s1", table) == ("wrong", 4.0)
    clock.now += 3.5
    outcome, left = try_password(PASSWORD, PASSWORD, "s1", table)
    assert outcome == "locked" and left == pytest.approx(0.5)
    clock.now += 0.5
    assert try_password(PASSWORD, PASSWORD, "s1", table) == ("ok", 0.0)
    # success clears the session's record: the next mistake starts again at 1 s
    assert try_password("typo", PASSWORD, "s1", table) == ("wrong", 1.0)


def test_lockout_is_capped_and_forgotten():
    clock = Clock()
    table = FailureTable(clock)
    for _ in range(20):
        clock.now += table.wait("s1")
        try_password("guess", PASSWORD, "s1", table)
    assert table.wait("s1") == auth.THROTTLES["session"].cap_s
    clock.now += auth.FORGET_S + 1
    assert table.wait("s1") == 0
    assert try_password("guess", PASSWORD, "s1", table) == ("wrong", 1.0)


def test_new_sessions_do_not_escape_the_lockout():
    """A guesser opening a fresh session for every try is slowed by the count across sessions."""
    clock = Clock()
    table = FailureTable(clock)
    free = auth.THROTTLES["all"].free
    for i in range(free):
        try_password("guess", PASSWORD, f"guesser-{i}", table)
    assert table.wait("fresh-1") == 0  # a few mistakes across sessions do not lock anyone out
    try_password("guess", PASSWORD, f"guesser-{free}", table)
    assert try_password(PASSWORD, PASSWORD, "fresh-2", table)[0] == "locked"
    clock.now += table.wait("fresh-2")
    assert try_password(PASSWORD, PASSWORD, "fresh-2", table) == ("ok", 0.0)


def test_password_compare_is_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert auth.password_matches(PASSWORD, PASSWORD) and not auth.password_matches("x", PASSWORD)
    assert len(calls) == 2 and all(len(a) == len(b) == 32 for a, b in calls)  # digests, not the text


def test_an_empty_password_setting_never_matches():
    assert try_password("", "", "s1", FailureTable(Clock()))[0] == "wrong"


# -- the 导入 page in AppTest ---------------------------------------------------------------------
@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    """A store with one (failed) document, so the delete control has something to offer."""
    from extract.store import Store

    path = tmp_path / "auth.sqlite"
    Store(str(path)).save_document(
        name="old.pdf",
        sha256="a" * 64,
        pages=0,
        size=10,
        kind="pdf",
        title="",
        version="t",
        fact_rows=[],
        status="failed",
        error="damaged",
    )
    monkeypatch.setenv("ZHIBIAO_DB_URL", str(path))
    for name in ("ZHIBIAO_EXPOSE", "ZHIBIAO_EDITOR_PASSWORD", "ZHIBIAO_EDITORS"):
        monkeypatch.delenv(name, raising=False)
    return path


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """A fresh process-wide failure table on a hand-moved clock."""
    c = Clock()
    monkeypatch.setattr(auth, "FAILURES", FailureTable(c))
    return c


def import_page(secrets: dict | None = None, user: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if secrets:
        at.secrets.update(secrets)
    if user is not None:
        at.user = user
    at.run()
    at.switch_page("pages_/imports.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def can_upload(at: AppTest) -> bool:
    return len(at.get("file_uploader")) > 0


def can_delete(at: AppTest) -> bool:
    return any(b.key == "del_button" for b in at.button)


def shown(at: AppTest) -> str:
    kinds = ("info", "warning", "error", "success", "caption")
    return "\n".join(e.value for k in kinds for e in at.get(k) if isinstance(getattr(e, "value", None), str))


def sign_in(at: AppTest, password: str) -> AppTest:
    field = next(t for t in at.text_input if t.label == "编辑密码")
    field.input(password)
    next(b for b in at.button if b.label == "以编辑身份登录").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_loopback_user_is_the_editor(db, clock):
    at = import_page()
    assert can_upload(at) and can_delete(at)
    assert not at.text_input and "编辑权限" not in shown(at)


def test_exposed_with_password_upload_only_after_the_right_password(db, clock, monkeypatch):
    monkeypatch.setenv("ZHIBIAO_EXPOSE", "1")
    monkeypatch.setenv("ZHIBIAO_EDITOR_PASSWORD", PASSWORD)
    at = import_page()
    assert not can_upload(at) and not can_delete(at)
    assert "需要编辑权限" in shown(at)
    assert "old.pdf" in at.dataframe[0].value["文件"].tolist()  # reading stays open to everyone

    sign_in(at, "wrong password")
    assert "密码不正确" in shown(at)
    assert not can_upload(at) and not can_delete(at)

    sign_in(at, PASSWORD)  # at once: still locked, the right password is refused
    assert "尝试次数过多" in shown(at)
    assert not can_upload(at) and not can_delete(at)

    clock.now += 1.0
    sign_in(at, PASSWORD)
    assert can_upload(at) and can_delete(at)
    assert "已用编辑密码登录" in shown(at)
    at.run()  # stays signed in on the next run of this session
    assert can_upload(at)

    next(b for b in at.button if b.label == "退出编辑").click()
    at.run()
    assert not can_upload(at) and not can_delete(at)


def test_exposed_without_any_editor_login_nobody_edits(db, clock, monkeypatch):
    monkeypatch.setenv("ZHIBIAO_EXPOSE", "1")
    at = import_page()
    assert not can_upload(at) and not can_delete(at) and not at.text_input
    assert "任何人都不能导入或删除报告" in shown(at)
    assert "ZHIBIAO_EDITOR_PASSWORD" in shown(at) and "[auth]" in shown(at)  # how to configure it


def test_exposed_with_oidc_configured(db, clock, monkeypatch):
    monkeypatch.setenv("ZHIBIAO_EXPOSE", "1")
    logged_out = import_page(secrets={"auth": OIDC}, user={"is_logged_in": False})
    assert not can_upload(logged_out)
    assert "需要编辑权限" in shown(logged_out) and not logged_out.text_input  # no password configured

    editor = {"is_logged_in": True, "email": "editor@example.cn"}
    at = import_page(secrets={"auth": OIDC}, user=editor)
    assert can_upload(at) and can_delete(at)
    assert "editor@example.cn" in shown(at)

    monkeypatch.setenv("ZHIBIAO_EDITORS", "chief@example.cn, Editor@Example.cn")
    assert can_upload(import_page(secrets={"auth": OIDC}, user=editor))
    monkeypatch.setenv("ZHIBIAO_EDITORS", "chief@example.cn")
    at = import_page(secrets={"auth": OIDC}, user=editor)
    assert not can_upload(at) and not can_delete(at)
    assert "不在编辑者名单" in shown(at)

    # without [auth] secrets a logged-in identity means nothing
    monkeypatch.delenv("ZHIBIAO_EDITORS")
    assert not can_upload(import_page(user=editor))
