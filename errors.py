"""Exception and warning hierarchy of the planner (the UI and CLI catch only `PlannerError`).

Every message says what is wrong, in which input, the offending value and how to fix it.
Messages are bilingual: ``str(err)`` is English (logs, CLI default); ``err.message("zh")``
gives the Chinese text shown first in the interface.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]


class PlannerError(Exception):
    """Base of every error the planner raises on purpose (bad input or parameters)."""

    def __init__(self, msg: str, *, zh: str | None = None, key: str | None = None) -> None:
        super().__init__(msg)
        self.msg_en = msg
        self.msg_zh = zh if zh is not None else msg
        #: Catalogue key (``locales``) the message was made from, if it came from there.
        self.key = key

    def message(self, lang: Lang = "en") -> str:
        """Return the message in ``lang`` ("zh" or "en")."""
        return self.msg_zh if lang == "zh" else self.msg_en


class InputDataError(PlannerError, ValueError):
    """Bad user-supplied or bundled data."""


class MissingCrsError(InputDataError):
    """A layer has no coordinate reference system."""


class CrsMismatchError(InputDataError):
    """Two layers combined in one operation have different CRSs."""


class GeographicCrsError(InputDataError):
    """A measurement was asked for in degrees or in Web Mercator."""


class InvalidGeometryError(InputDataError):
    """Broken, empty, wrong-type or out-of-region geometry."""


class SchemaError(InputDataError):
    """Missing or ill-typed columns, unknown units or categories."""


class LayerNotAvailableError(SchemaError):
    """The region pack has no layer of the kind a page or command needs (not in this pack)."""


class FileFormatError(InputDataError):
    """A file that cannot be read as the expected kind (wrong format, too big, unsafe)."""


class ParameterError(PlannerError, ValueError):
    """A coefficient or user parameter out of its allowed range."""


class StoreConflictError(PlannerError):
    """Another session saved the same record since it was loaded."""


class PlannerWarning(UserWarning):
    """Base of recoverable situations that change results."""


class GeometryRepairedWarning(PlannerWarning):
    """Invalid geometry was repaired with `shapely.make_valid`."""


class NodataWarning(PlannerWarning):
    """Raster cells without data were ignored."""


class PermissionDeniedError(PlannerError):
    """The acting user's role or counties do not allow the change (nothing is written)."""


class AuthenticationError(PlannerError):
    """A log-in failed, or a session is unknown, expired or belongs to a disabled user."""


PermissionDenied = PermissionDeniedError
"""Short name of `PermissionDeniedError` (the name the accounts issue uses)."""
