"""Options shared by several commands, declared once."""

from __future__ import annotations

from typing import Annotated

import typer

Partnership = Annotated[
    str | None,
    typer.Option(
        "--partnership",
        help="The partnership whose records these are (needed when there are several).",
        show_default=False,
    ),
]
