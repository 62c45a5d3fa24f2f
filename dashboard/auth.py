"""Who may change what: everyone may read; uploading, deleting and review decisions need an editor.

The policy (:func:`editor_state`, a pure function of what is configured and who this session is):

1. Not exposed (bound to loopback and ``ZHIBIAO_EXPOSE`` unset): the single user of this machine is
   the editor.
2. Exposed (``ZHIBIAO_EXPOSE=1``, as ``zhibiao dashboard --expose`` sets, or any non-loopback bind
   address): a session is an editor when it signed in with ``ZHIBIAO_EDITOR_PASSWORD``, or when an
   OIDC login is configured (an ``[auth]`` section in ``.streamlit/secrets.toml``, used by ``st.login``)
   and ``st.user.is_logged_in`` — and, if ``ZHIBIAO_EDITORS`` lists e-mails, the user's e-mail is on it.
   Either configured way suffices.
3. Exposed with neither configured: nobody may edit, and the page says how to configure it.

Password sign-in compares SHA-256 digests with ``hmac.compare_digest`` (constant time, and the length
of the password does not leak). Failures are slowed without sleeping: each failure records a lockout
deadline in a process-wide table, per session (1 s after the first failure, doubling, at most 5 min)
and across sessions (after 5 failures from anywhere, the same doubling), so opening new sessions does
not help a guesser. While a deadline is ahead the form refuses any password, also the right one.
Records are forgotten 15 min after their last failure.

API for pages (call after ``st.set_page_config``, i.e. inside a page)::

    from dashboard import auth

    if auth.editor_gate("导入报告"):    # draws why not / a sign-in form when this user may not edit
        ...draw the edit controls...
    auth.can_edit()                     # the same decision, drawing nothing (also for callbacks)

Call ``editor_gate`` once per page and use ``can_edit()`` for further controls on that page and,
as a second check, inside the callbacks that change data.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

#: bind addresses only this machine can reach (as dashboard/app.py)
LOOPBACK = ("127.0.0.1", "localhost", "::1")
PASSWORD_ENV = "ZHIBIAO_EDITOR_PASSWORD"
EDITORS_ENV = "ZHIBIAO_EDITORS"
EXPOSE_ENV = "ZHIBIAO_EXPOSE"

#: session_state key: this browser session signed in with the editor password
SIGNED_IN = "_editor_signed_in"
#: session_state key: the last sign-in outcome to show, ("error" | "success", text)
MESSAGE = "_editor_msg"


# -- the policy -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Session:
    """Who this browser session is, as far as editing goes."""

    password_ok: bool = False  # signed in with the editor password
    logged_in: bool = False  # st.user.is_logged_in (OIDC)
    email: str = ""  # st.user.email when logged in


@dataclass(frozen=True)
class EditorState:
    """May this session edit, why (a key of ``REASONS``), and which sign-in ways to offer."""

    may_edit: bool
    reason: str
    offer: tuple[str, ...] = ()  # "password", "oidc"


#: what the page says for each reason; {action} is the gated action, {email} the OIDC user's e-mail
REASONS = {
    "loopback": "看板只在本机提供，你就是编辑者。",
    "password": "你已用编辑密码登录。",
    "oidc": "你已以 {email} 登录，具有编辑权限。",
    "sign_in": "{action}需要编辑权限：请先以编辑身份登录。其他人只能查看。",
    "not_allowed": "你已以 {email} 登录，但该账号不在编辑者名单（{editors_env}）中，因此不能{action}。",
    "unconfigured": (
        "本看板对网络开放，但没有配置编辑者登录，因此任何人都不能{action}，只能查看。"
        "管理员可设置环境变量 {password_env}（编辑密码），或在 .streamlit/secrets.toml 中配置 [auth]"
        "（OIDC 单点登录，可用 {editors_env} 限定编辑者邮箱），然后重启看板。"
    ),
}


def is_exposed(address: str, expose: str | None) -> bool:
    """Whether others may reach this server: ``ZHIBIAO_EXPOSE=1`` (also behind a proxy on loopback)
    or a bind address that is not loopback (all addresses when empty).

    >>> is_exposed("127.0.0.1", None), is_exposed("127.0.0.1", "1"), is_exposed("0.0.0.0", None)
    (False, True, True)
    >>> is_exposed("", "")
    True
    """
    return expose == "1" or address not in LOOPBACK


def parse_editors(text: str | None) -> frozenset[str]:
    """The allow-list of editor e-mails: separated by commas, semicolons or spaces, any case.

    >>> sorted(parse_editors(" A@x.cn, b@y.cn;c@z.cn "))
    ['a@x.cn', 'b@y.cn', 'c@z.cn']
    """
    return frozenset(e.lower() for e in re.split(r"[,;\s]+", text or "") if e)


def editor_state(
    exposed: bool,
    password_set: bool,
    oidc_configured: bool,
    session: Session,
    editors: frozenset[str] = frozenset(),
) -> EditorState:
    """The editing policy (see the module docstring); ``editors`` empty means any OIDC user."""
    if not exposed:
        return EditorState(True, "loopback")
    allowed = not editors or session.email.lower() in editors
    if oidc_configured and session.logged_in and allowed:
        return EditorState(True, "oidc")
    if password_set and session.password_ok:
        return EditorState(True, "password")
    offer = tuple(
        way
        for way, on in (("password", password_set), ("oidc", oidc_configured and not session.logged_in))
        if on
    )
    if oidc_configured and session.logged_in:  # logged in, not on the allow-list
        return EditorState(False, "not_allowed", offer)
    if not (password_set or oidc_configured):
        return EditorState(False, "unconfigured")
    return EditorState(False, "sign_in", offer)


# -- slowing down password guessing ---------------------------------------------------------------
@dataclass(frozen=True)
class Throttle:
    """Lockout after the n-th failure: none for the first ``free``, then ``base_s`` doubling to ``cap_s``."""

    free: int
    base_s: float
    cap_s: float

    def delay(self, failures: int) -> float:
        """
        >>> [Throttle(free=0, base_s=1, cap_s=5).delay(n) for n in range(6)]
        [0.0, 1.0, 2.0, 4.0, 5.0, 5.0]
        """
        over = failures - self.free
        return 0.0 if over <= 0 else float(min(self.base_s * 2 ** min(over - 1, 32), self.cap_s))


#: per browser session, and for all sessions together (a guesser may open many sessions)
THROTTLES = {
    "session": Throttle(free=0, base_s=1.0, cap_s=300.0),
    "all": Throttle(free=5, base_s=1.0, cap_s=300.0),
}
#: a record with no failure for this long is forgotten
FORGET_S = 900.0


@dataclass
class _Record:
    failures: int = 0
    last: float = 0.0
    until: float = 0.0


class FailureTable:
    """Failed password attempts and lockout deadlines, shared by every session of this process."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._records: dict[tuple[str, str], _Record] = {}
        self._lock = threading.Lock()

    def _keys(self, session_id: str) -> list[tuple[str, str]]:
        return [("session", session_id), ("all", "")]

    def _prune(self, now: float) -> None:
        for key in [k for k, r in self._records.items() if now - r.last > FORGET_S]:
            del self._records[key]

    def wait(self, session_id: str) -> float:
        """Seconds until this session may try a password again (0 when it may now)."""
        now = self.clock()
        with self._lock:
            self._prune(now)
            untils = [r.until for k in self._keys(session_id) if (r := self._records.get(k))]
        return max([u - now for u in untils] + [0.0])

    def fail(self, session_id: str) -> None:
        """Record a wrong password: both counts grow and their lockouts move ahead."""
        now = self.clock()
        with self._lock:
            for key in self._keys(session_id):
                rec = self._records.setdefault(key, _Record())
                rec.failures += 1
                rec.last = now
                rec.until = now + THROTTLES[key[0]].delay(rec.failures)

    def succeed(self, session_id: str) -> None:
        """A right password clears this session's record (not the count across sessions)."""
        with self._lock:
            self._records.pop(("session", session_id), None)


#: the process-wide table (module state survives reruns; every session's script uses this module)
FAILURES = FailureTable()


def password_matches(given: str, expected: str) -> bool:
    """Constant-time comparison of the digests (so neither content nor length leaks through timing).

    >>> password_matches("s3cret", "s3cret"), password_matches("s3cre", "s3cret")
    (True, False)
    """
    digest = hashlib.sha256
    return hmac.compare_digest(digest(given.encode()).digest(), digest(expected.encode()).digest())


def try_password(given: str, expected: str, session_id: str, table: FailureTable) -> tuple[str, float]:
    """One sign-in attempt: ("ok", 0), ("wrong", seconds locked) or ("locked", seconds left).

    While locked, the password is not even compared: a guesser learns nothing from a locked try.
    """
    left = table.wait(session_id)
    if left > 0:
        return "locked", left
    if expected and password_matches(given, expected):
        table.succeed(session_id)
        return "ok", 0.0
    table.fail(session_id)
    return "wrong", table.wait(session_id)


# -- Streamlit ------------------------------------------------------------------------------------
def exposed() -> bool:
    """Exposure of this server: its real bind address (``server.address``) and ``ZHIBIAO_EXPOSE``."""
    return is_exposed(str(st.get_option("server.address") or ""), os.environ.get(EXPOSE_ENV))


def oidc_configured() -> bool:
    """Whether ``st.login`` is configured: an ``[auth]`` section in the app's secrets."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all (StreamlitSecretNotFoundError)
        return False


def _session_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else ""


def _session(oidc: bool) -> Session:
    user = st.user if oidc else {}
    return Session(
        password_ok=bool(st.session_state.get(SIGNED_IN)),
        logged_in=bool(user.get("is_logged_in", False)),
        email=str(user.get("email") or ""),
    )


def current_state() -> EditorState:
    """The policy applied to this server, its configuration and this session."""
    oidc = oidc_configured()
    return editor_state(
        exposed=exposed(),
        password_set=bool(os.environ.get(PASSWORD_ENV)),
        oidc_configured=oidc,
        session=_session(oidc),
        editors=parse_editors(os.environ.get(EDITORS_ENV)),
    )


def can_edit() -> bool:
    """Whether this session may upload, delete or decide reviews (draws nothing)."""
    return current_state().may_edit


def _sign_in(field_key: str) -> None:
    """The password form's callback: runs before the page is drawn, so a success shows the controls
    in the same run and a failure is reported above the form."""
    given = str(st.session_state.get(field_key) or "")
    outcome, seconds = try_password(given, os.environ.get(PASSWORD_ENV, ""), _session_id(), FAILURES)
    if outcome == "ok":
        st.session_state[SIGNED_IN] = True
        st.session_state[MESSAGE] = ("success", "已用编辑密码登录。")
    elif outcome == "wrong":
        st.session_state[MESSAGE] = ("error", f"密码不正确。请 {seconds:.0f} 秒后再试。")
    else:
        st.session_state[MESSAGE] = (
            "error",
            f"尝试次数过多：请 {max(seconds, 1):.0f} 秒后再试。本次未核对密码。",
        )


def _sign_out() -> None:
    st.session_state.pop(SIGNED_IN, None)


def _message(state: EditorState, action: str) -> str:
    return REASONS[state.reason].format(
        action=action,
        email=str(st.user.get("email") or "") if state.reason in ("oidc", "not_allowed") else "",
        password_env=PASSWORD_ENV,
        editors_env=EDITORS_ENV,
    )


def _password_form(action: str) -> None:
    field = f"editor_password:{action}"
    with st.form(f"editor_signin:{action}", clear_on_submit=True, border=True):
        st.text_input("编辑密码", type="password", key=field, help=f"由管理员通过 {PASSWORD_ENV} 设置")
        st.form_submit_button("以编辑身份登录", icon=":material/key:", on_click=_sign_in, args=(field,))


def _oidc_login(action: str) -> None:
    if importlib.util.find_spec("authlib") is None:
        st.error("已配置 OIDC 登录，但服务器未安装 Authlib（pip install 'Authlib>=1.3.2'）。")
        return
    st.button("用单位账号登录", icon=":material/login:", on_click=st.login, key=f"editor_login:{action}")


def editor_gate(action_label: str) -> bool:
    """Whether the caller may draw its edit controls for ``action_label`` (e.g. "导入报告").

    When not, draws the reason and, if editing can be unlocked, the sign-in (a password form and/or
    an OIDC login button). On an exposed server an editor sees who they are and a sign-out button.
    On loopback it draws nothing.
    """
    state = current_state()
    msg = st.session_state.pop(MESSAGE, None)
    if msg:
        (st.success if msg[0] == "success" else st.error)(msg[1], icon=":material/key:")
    if state.may_edit:
        if state.reason == "password":
            c1, c2 = st.columns([4, 1], vertical_alignment="center")
            c1.caption(_message(state, action_label))
            c2.button("退出编辑", on_click=_sign_out, key=f"editor_signout:{action_label}")
        elif state.reason == "oidc":
            c1, c2 = st.columns([4, 1], vertical_alignment="center")
            c1.caption(_message(state, action_label))
            c2.button("退出登录", on_click=st.logout, key=f"editor_logout:{action_label}")
        return True
    (st.warning if state.reason == "unconfigured" else st.info)(
        _message(state, action_label), icon=":material/lock:"
    )
    if state.reason == "not_allowed":
        st.button("退出登录", on_click=st.logout, key=f"editor_logout:{action_label}")
    if "oidc" in state.offer:
        _oidc_login(action_label)
    if "password" in state.offer:
        _password_form(action_label)
    return False
