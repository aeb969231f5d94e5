"""The errors Lekgotla raises. Only the CLI and the dashboard turn them into words for people."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ingest.words import plural

if TYPE_CHECKING:
    from ingest.problems import Problem


class LekgotlaError(Exception):
    """Base error: `message` says what went wrong, `title` what to do about it."""

    def __init__(self, message: str, title: str = "Something went wrong") -> None:
        super().__init__(message)
        self.message = message
        self.title = title


class IngestError(LekgotlaError):
    """A file that cannot be read at all (not a spreadsheet, encrypted, too big, ...)."""

    def __init__(self, message: str, title: str = "The file could not be read") -> None:
        super().__init__(message, title)


class ValidationFailed(LekgotlaError):
    """A readable file with errors; carries every problem found in one pass."""

    def __init__(self, problems: list[Problem], title: str = "Fix these cells and upload again") -> None:
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"{plural(len(errors), 'error')} found", title)
        self.problems = problems


class SettingsError(LekgotlaError):
    """A setting with a value that cannot be used."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "Fix the setting and start again")


class QueryError(LekgotlaError):
    """A metrics query asked with filters that cannot be answered."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "Change the filters")
