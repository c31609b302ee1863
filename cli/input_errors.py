"""Bad input files of the surface, locate and optimise commands: one line on stderr, exit 2."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Final, Literal

from cli.render import words

if TYPE_CHECKING:
    from errors import InputDataError

EXIT_BAD_INPUT: Final[int] = 2


def report_bad_input(command: str, err: InputDataError, lang: Literal["zh", "en"]) -> int:
    """Print ``python -m siting COMMAND: error: <message>`` on one line; return 2."""
    message = " ".join(err.message(lang).split())
    print(
        words("error", lang, prog=f"python -m siting {command}", message=message), file=sys.stderr
    )
    return EXIT_BAD_INPUT
