"""Log-in form, the sidebar's account box and the acting user of the pages (accounts mode).

In single-user mode (the default) nothing is shown and the pages act as the name they
always used; with ``FORAGE_SITING_ACCOUNTS=on`` every page needs a log-in first.
"""

from ui.login.form import gate
from ui.login.session import acting, allows, read_only_note, signed_in_name

__all__ = ["acting", "allows", "gate", "read_only_note", "signed_in_name"]
