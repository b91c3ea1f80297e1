"""Problems in a rule base: each located by file, line and path, all reported at once.

Kept apart from the YAML modules, so that code which only catches these (the CLI, a rule
base read from the cache) does not import YAML.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    """One problem in a rule base, located precisely enough to fix without searching."""

    file: str
    line: int
    path: str
    message: str
    hint: str | None = None
    excerpt: str | None = None  # the lines around a YAML syntax error, with a marker

    def __str__(self) -> str:
        # Line 0 is a problem with the file itself (missing, unreadable), not a place in it.
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class RuleBaseError(Exception):
    """The rule base could not be read or is invalid. Carries every issue found."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = sorted(issues, key=lambda i: (i.file, i.line))
        super().__init__("\n".join(str(i) for i in self.issues))
