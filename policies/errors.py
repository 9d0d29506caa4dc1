"""Errors of the policies package."""

from __future__ import annotations

from dataclasses import dataclass


class PolicyError(Exception):
    """Base of every error raised by the policies package."""


@dataclass(frozen=True)
class FieldProblem:
    """One bad field: where it is in the file and what is wrong with it."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


class InvalidPolicy(PolicyError):
    """A policy file that cannot be used; names every bad field and the reason."""

    def __init__(self, source: str, problems: tuple[FieldProblem, ...]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid policy {source}:\n{lines}")
