"""Input problems, collected and reported together.

Every loader in :mod:`sim` collects *all* problems of one file before it gives
up, then raises :class:`InputError` holding them.  The command line prints one
line per problem (``file: key: what was expected``) and exits with code 2,
without a traceback.  Messages never quote personal data (names, NIK) from a
roster: roster problems name the row and the column only.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One problem in one input: where (file, key or row) and what was expected."""

    file: str
    where: str
    message: str

    def __str__(self) -> str:
        loc = f"{self.file}: {self.where}" if self.where else self.file
        return f"{loc}: {self.message}"


class InputError(Exception):
    """Raised with every problem found in the inputs (exit code 2 on the CLI)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class Problems:
    """Accumulator used while validating one or more files."""

    items: list[Problem] = field(default_factory=list)

    def add(self, file: str, where: str, message: str) -> None:
        self.items.append(Problem(str(file), where, message))

    def extend(self, other: "Problems | list[Problem]") -> None:
        self.items.extend(other.items if isinstance(other, Problems) else other)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise InputError(self.items)
