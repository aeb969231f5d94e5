"""Who is using the dashboard and what they may see: login with Streamlit's OpenID Connect support
(`st.login`, `st.user`), or demo mode.

- With an `[auth]` section in `.streamlit/secrets.toml`, every visitor logs in with the
  organisation's identity provider. The identity's email is looked up in the `users` table
  (`ingest.users.get_user`) and its role decides which pages `st.navigation` lists, so a page a
  role may not use is neither shown nor reachable by its URL. An identity without an active user
  record sees a page asking them to ask their administrator, and no data. A login (and a refused
  one) is written to the audit log once per browser session.
- Without `[auth]` the app runs in demo mode: a banner says so and the visitor acts as the demo
  user, an admin by default; the sidebar switches the demo user's role to show what each role
  sees. The `require_login` setting makes the app refuse to start in demo mode (`startup.py`).

The pages only decide what to offer. Every write goes through `ingest` with the acting user
(`current()`), and the check that counts is made there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd
import streamlit as st
from streamlit import config as st_config
from streamlit.errors import StreamlitSecretNotFoundError

import metrics
from dashboard import address
from dashboard.data import Data
from ingest import db, settings
from ingest.access import PERMISSIONS, ROLE_LABELS, ROLES, SYSTEM, User
from ingest.audit import audit
from ingest.directory import login_logged, user_exists
from ingest.errors import LekgotlaError
from ingest.renames import aliases, department_now
from ingest.users import get_user, save_user
from ingest.words import listing
from presentation.markup import md

DEMO_EMAIL = "demo"
DEMO_ROLE, DEMO_DEPARTMENT = "demo_role", "demo_dept"  # sidebar widgets (and URL parameters)
_USER = "_lekgotla_user"  # this run's acting user, set by the router on every run
_LOGGED = "_lekgotla_login_logged"  # (email, outcome) of the login this session has logged
_REFUSED_PAGES = "_lekgotla_refused_pages"  # URL paths of pages refused (and logged) this session
APP_PAGES = Path(__file__).resolve().parent / "app_pages"
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
SHARED_KEYS = ("redirect_uri", "cookie_secret")


# --- configuration -------------------------------------------------------------------------

def auth_section() -> Mapping[str, Any] | None:
    """The `[auth]` section of Streamlit's secrets, or None when login is not configured.

    A secrets file that exists but cannot be read is an error, never a silent fall-back to demo
    mode."""
    try:
        section = st.secrets["auth"] if "auth" in st.secrets else None
    except StreamlitSecretNotFoundError as e:
        files = [Path(p) for p in st_config.get_option("secrets.files")]
        if any(p.exists() for p in files):
            raise LekgotlaError(f"Streamlit's secrets cannot be read: {e}",
                                "Fix .streamlit/secrets.toml") from e
        return None
    return section if isinstance(section, Mapping) and len(section) else None


def providers(section: Mapping[str, Any]) -> list[str | None]:
    """The identity providers configured: None for the unnamed one (`client_id` directly under
    `[auth]`), else the names of the `[auth.NAME]` tables."""
    named = [str(k) for k, v in section.items() if isinstance(v, Mapping) and "client_id" in v]
    return ([None] if "client_id" in section else []) + named


def check_auth(section: Mapping[str, Any]) -> None:
    """Raise LekgotlaError naming what is missing from an `[auth]` section."""
    from streamlit.auth_util import is_authlib_installed

    if not is_authlib_installed():
        raise LekgotlaError("Login is configured in .streamlit/secrets.toml, but the Authlib "
                            "package (1.3.2 or later) is not installed: run "
                            "`pip install -e .` again.", "A package login needs is missing")
    missing = [k for k in SHARED_KEYS if not section.get(k)]
    found = providers(section)
    if not found:
        missing.append("client_id, client_secret and server_metadata_url (directly under [auth] "
                       "or in an [auth.NAME] table)")
    for name in found:
        table = section if name is None else section[name]
        where = "[auth]" if name is None else f"[auth.{name}]"
        missing += [f"{k} in {where}" for k in PROVIDER_KEYS if not table.get(k)]
    if missing:
        raise LekgotlaError(
            "The [auth] section of .streamlit/secrets.toml lacks " + "; ".join(missing) + ". "
            "See .streamlit/secrets.example.toml.", "Login is not fully configured")


# --- roles and pages -----------------------------------------------------------------------

def may(user: User, action: str) -> bool:
    """Whether the user's role may do `action` at all (a department head's own-department limit
    is checked by `ingest` for the department concerned)."""
    if user.email == SYSTEM.email:
        return True
    return user.role in PERMISSIONS.get(action, set())


def role_label(user: User) -> str:
    """`Department head (Finance)`, as Markdown (the department names escaped)."""
    label = ROLE_LABELS.get(user.role, user.role)
    if user.role == "department_head" and user.departments:
        label += f" ({md(', '.join(sorted(user.departments)))})"
    return label


def visible_pages(sections: Mapping[str, Sequence[st.Page]], needs: Mapping[st.Page, str],
                  user: User, d: Data) -> dict[str, list[st.Page]]:
    """The navigation for this user: the pages their role may use. Each other page keeps its
    URL, hidden, where a page saying it is not for this role runs instead of it — so a bookmark
    or a shared link explains itself, and the page's own script never runs."""
    shown: dict[str, list[st.Page]] = {}
    refused: list[st.Page] = []
    for name, pages in sections.items():
        for p in pages:
            action = needs.get(p, "view")
            if may(user, action):
                shown.setdefault(name, []).append(p)
            else:
                refused.append(st.Page(_not_for_role(d, user, p.title, p.url_path, action),
                                       title=p.title, url_path=p.url_path, visibility="hidden"))
    if refused and shown:
        shown[next(iter(shown))].extend(refused)
    return shown


def _not_for_role(d: Data, user: User, title: str, url_path: str, action: str
                  ) -> Callable[[], None]:
    def render() -> None:
        st.title("Not available to your role")
        roles = [ROLE_LABELS[r] for r in ROLES if r in PERMISSIONS.get(action, set())]
        who = listing(roles)
        st.warning(f"**{title}** is for {who or 'nobody'}. You act as "
                   f"{md(user.email)} with the role {role_label(user)}: the pages in the menu are "
                   "the ones your role may use. Ask your administrator if you need more.",
                   icon=":material/block:")
        logged: set[str] = st.session_state.setdefault(_REFUSED_PAGES, set())
        if url_path not in logged:  # once per session and page
            logged.add(url_path)
            audit(d.con, user, "page", "refused", page=url_path, role=user.role)
    return render


def current() -> User:
    """The user this script run acts for (set by the router before any page runs)."""
    user = st.session_state.get(_USER)
    if not isinstance(user, User):
        raise LekgotlaError("This page was run without the router, so nobody is signed in.",
                            "Open the dashboard from its home page")
    return user


def is_demo(user: User) -> bool:
    """True for the demo user of demo mode."""
    return user.email == DEMO_EMAIL


# --- who is here ---------------------------------------------------------------------------

def gate(d: Data) -> User:
    """The acting user of this run. Shows the login page, or the no-access page, and stops the run
    when there is none."""
    section = auth_section()
    user = _demo_user(d) if section is None else _signed_in_user(d, section)
    st.session_state[_USER] = user
    return user


def department_names(departments: pd.DataFrame) -> list[str]:
    """The register's departments (else every department known), from `list_departments`."""
    listed = departments[departments["in_register"].astype(bool)]["department"].tolist()
    return [str(x) for x in (listed or departments["department"].tolist())]


def register_departments(con: db.Connection) -> list[str]:
    """Department names for the Users page's choice."""
    return department_names(metrics.list_departments(con))


def _demo_user(d: Data) -> User:
    """The demo user, with the role chosen in the sidebar (admin unless changed)."""
    bar = st.sidebar
    role = bar.selectbox(
        "Demo mode: act as", list(ROLES), format_func=lambda r: ROLE_LABELS[r], key=DEMO_ROLE,
        bind="query-params",
        help="No login is configured, so you act as the demo user. Choose a role to see the "
             "pages and actions it has.") or "admin"
    departments: frozenset[str] = frozenset()
    if role == "department_head":
        names = department_names(d(metrics.list_departments))
        asked = st.session_state.get(DEMO_DEPARTMENT) or st.query_params.get(DEMO_DEPARTMENT)
        now = department_now(str(asked), names, dict(d(aliases))) if asked else None
        if now is not None and now != asked:  # a former name (a rename), or other capitals
            address.choose(DEMO_DEPARTMENT, now)
        if names:
            chosen = bar.selectbox("Department of the demo head", names, key=DEMO_DEPARTMENT,
                                   bind="query-params")
            departments = frozenset([chosen or names[0]])
    return User(DEMO_EMAIL, role, "Demo user", departments)


def _signed_in_user(d: Data, section: Mapping[str, Any]) -> User:
    info = st.user.to_dict()
    if not info.get("is_logged_in"):
        _screen(lambda: _login_page(section), "Log in", "login")
    email = str(info.get("email") or "").strip().lower()
    name = str(info.get("name") or "") or None
    if not email or "@" not in email:
        _screen(lambda: _no_access_page(None, "Your identity provider did not send an email "
                                              "address, so Lekgotla cannot tell who you are."),
                "No access", "no-access")
    # (the setting is read only when the claim is not simply true: this runs on every rerun)
    if info.get("email_verified") is not True and not email_verified(
            info, str(settings.get("email_verified_providers"))):
        sent = info.get("email_verified") is not None
        reason = ("Your identity provider says this email address is not verified." if sent else
                  "Your identity provider did not say whether this email address is verified, "
                  "and Lekgotla is not set to trust its emails without it.")
        _log_once(d, email, "refused", reason="email not verified" if sent else "email_verified missing",
                  issuer=info.get("iss"), provider=info.get("provider"))
        _screen(lambda: _no_access_page(email, reason), "No access", "no-access")
    user = get_user(d.con, email)
    if user is None and not user_exists(d.con, email) and email in bootstrap_admins():
        user = save_user(d.con, SYSTEM, email, "admin", name)  # the first administrator
    if user is None:
        switched_off = user_exists(d.con, email)
        _log_once(d, email, "refused", reason="user inactive" if switched_off else "no active user record")
        _screen(lambda: _no_access_page(email, "Your access was switched off: your user is no longer "
                                               "active." if switched_off else None),
                "No access", "no-access")
    _log_once(d, user.email, "ok", role=user.role, name=name, issuer=info.get("iss"))
    return user


def email_verified(claims: Mapping[str, Any], verifying_providers: str) -> bool:
    """Whether a login's email can be trusted to be the person's: the identity token's
    `email_verified` claim when it has one (true, or the text "true"), else only when the
    provider is one of `verifying_providers` (the `email_verified_providers` setting: comma-
    separated issuer URLs, the token's `iss`, or `[auth.NAME]` names, `default` for the unnamed
    one), for providers such as Microsoft Entra ID that verify emails but send no such claim."""
    claim = claims.get("email_verified")
    if claim is not None:
        return claim is True or (isinstance(claim, str) and claim.strip().lower() == "true")
    trusted = {_provider_id(p) for p in verifying_providers.split(",") if p.strip()}
    return bool(trusted & {_provider_id(str(claims.get(k) or "")) for k in ("iss", "provider")}
                - {""})


def _provider_id(text: str) -> str:
    """An issuer URL or provider name as compared: trimmed, no trailing '/', case ignored."""
    return text.strip().rstrip("/").casefold()


def bootstrap_admins() -> set[str]:
    """The emails of the `admin_emails` setting, lower case."""
    return {e.strip().lower() for e in str(settings.get("admin_emails")).split(",") if e.strip()}


def _log_once(d: Data, email: str, outcome: str, **detail: Any) -> None:
    """Write a login (or a refused one) to the audit log once: once per browser session, and
    once per identity token (its issue time), so opening more tabs or reloading after one login
    adds nothing."""
    if st.session_state.get(_LOGGED) == (email, outcome):
        return
    issued = st.user.to_dict().get("iat")
    token = str(issued) if issued is not None else None
    if token is None or not login_logged(d.con, email, outcome, token):
        audit(d.con, email, "login", outcome, token_issued=token,
              **{k: v for k, v in detail.items() if v})
    st.session_state[_LOGGED] = (email, outcome)


def _screen(render: Callable[[], None], title: str, url_path: str) -> NoReturn:
    """Run one page instead of the dashboard and stop: every URL of the dashboard's pages leads
    to it (a link to /explore opens the login page, not a "page not found")."""
    aliases = sorted(f.stem for f in APP_PAGES.glob("*.py") if not f.stem.startswith("_"))
    st.navigation([st.Page(render, title=title, icon=":material/lock:", url_path=url_path,
                           default=True)]
                  + [st.Page(render, title=title, url_path=a, visibility="hidden")
                     for a in aliases if a != url_path],
                  position="hidden").run()
    st.stop()


def _brand() -> None:
    st.logo(str(Path(__file__).resolve().parent / "logo.svg"), size="large")


def _login_page(section: Mapping[str, Any]) -> None:
    _brand()
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title("Lekgotla")
        st.markdown("Where the strategy agreed at the lekgotla is being carried out, and where "
                    "it slips: the departments' monthly status reports, their KPIs and their "
                    "history.")
        with st.container(border=True):
            st.markdown("**Log in with your organisation account** to see the dashboard.")
            for provider in providers(section):
                label = "Log in" if provider is None else f"Log in with {provider.title()}"
                st.button(label, key=f"login-{provider or 'default'}", type="primary",
                          icon=":material/login:", on_click=st.login,
                          args=(provider,) if provider else ())
        st.caption("Only people your administrator has added can see the data. After logging "
                   "in, what you see depends on your role: leadership and the M&E team read "
                   "everything, department heads upload their own department's reports, the "
                   "policy office keeps the register, settings and users.")


def _no_access_page(email: str | None, reason: str | None) -> None:
    _brand()
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title("No access yet")
        who = f"You are logged in as **{md(email)}**, but " if email else ""
        st.warning(
            who + (f"{reason[:1].lower() if who else reason[:1]}{reason[1:]} " if reason else
                   "Lekgotla has no active user with this email. ")
            + "**Ask your administrator** (the policy office) to add you on the Users page (or make "
              "you active again), "
              "with your role and, for a department head, your department. Then log in again.",
            icon=":material/lock:")
        st.button("Log out", key="logout", icon=":material/logout:", on_click=st.logout)


# --- what the sidebar and the banner say ---------------------------------------------------

def sidebar(user: User) -> None:
    """Who is signed in, with their role and a way out (demo mode: the banner says it all)."""
    if is_demo(user):
        return
    with st.sidebar.container(border=True):
        st.markdown(f"**{md(user.name or user.email)}**")
        st.text(user.email)  # plain text: markdown would turn it into a mail link
        st.caption(role_label(user))
        st.button("Log out", key="logout", icon=":material/logout:", on_click=st.logout,
                  type="tertiary")


def banner(user: User) -> None:
    """Demo mode says so on every page."""
    if not is_demo(user):
        return
    st.warning(
        f"**Demo mode**: no login is configured, so everyone who can open this address acts as "
        f"the demo user, now as **{role_label(user)}** (change it in the sidebar). To switch "
        "login on, see *Login and roles* in the README.", icon=":material/science:")
