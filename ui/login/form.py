"""The log-in form shown before any page in accounts mode, and the sidebar's account box."""

from __future__ import annotations

import streamlit as st

from planning.accounts import AuthenticationError, accounts_mode
from ui.data import open_store
from ui.labels import t
from ui.login.session import PRINCIPAL, logged_in

NAME = "login_name"
PASSWORD = "login_password"
SUBMIT = "login_submit"
LOG_OUT = "login_log_out"


def gate(lang: str) -> bool:
    """Return whether the pages may run: always in single-user mode, else after a log-in.

    A logged-in session is checked against the store on every run (role and counties read
    again, expiry applied); an expired one shows the form again with the reason.
    """
    if not accounts_mode():
        return True
    principal = logged_in()
    if principal is not None and principal.token is not None:
        try:
            current = open_store().accounts.principal(principal.token)
        except AuthenticationError as err:
            del st.session_state[PRINCIPAL]
            st.warning(err.message(lang))
        else:
            st.session_state[PRINCIPAL] = current
            _account_box(lang)
            return True
    _login_form(lang)
    return False


def _login_form(lang: str) -> None:
    st.title(t("login.title", lang))
    st.caption(t("login.intro", lang))
    with st.form("login_form"):
        st.text_input(t("login.name", lang), key=NAME)
        st.text_input(t("login.password", lang), type="password", key=PASSWORD)
        submitted = st.form_submit_button(t("login.submit", lang), type="primary")
    if not submitted:
        return
    try:
        principal = open_store().accounts.log_in(
            str(st.session_state[NAME]), str(st.session_state[PASSWORD])
        )
    except AuthenticationError as err:
        st.error(err.message(lang))
        return
    st.session_state[PRINCIPAL] = principal
    st.rerun()


def _account_box(lang: str) -> None:
    principal = logged_in()
    if principal is None:
        return
    with st.sidebar:
        role = t(f"accounts.role.{principal.role}", lang)
        st.markdown(t("login.signed_in", lang).format(name=principal.name, role=role))
        if principal.counties:
            st.caption(
                t("login.counties", lang).format(counties=", ".join(sorted(principal.counties)))
            )
        if st.button(t("login.log_out", lang), key=LOG_OUT):
            if principal.token is not None:
                open_store().accounts.log_out(principal.token)
            del st.session_state[PRINCIPAL]
            st.rerun()
