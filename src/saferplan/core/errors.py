"""Errors meant for people: each says what is wrong, where, and what to do about it.

The CLI and the web app turn these into messages; nothing else should need to format them.
"""

from __future__ import annotations


class SaferplanError(Exception):
    """An expected failure with a message fit to show a user, and an optional hint."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class InputError(SaferplanError):
    """Bad input data, located by file, row and column.

    ``row`` is the 1-based line number as a spreadsheet or text editor shows it, so the
    header of a CSV is row 1 and its first record row 2.
    """

    def __init__(
        self,
        file: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.problem = message
        where = [file]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(f"{', '.join(where)}: {message}", hint)


class NotFoundError(SaferplanError):
    """A named thing (area, theme, population set, period) does not exist in the store."""
