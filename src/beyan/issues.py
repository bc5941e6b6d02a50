"""Problems found in data: collected with a code and a location, never raised one by one.

Every reader, importer and validator reports through an :class:`Issues` collector, so
a run can show all problems at once, sorted, in text or JSON. A :class:`BeyanError`
carries issues that stop a command; the CLI prints them and chooses the exit code.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_NUMBER = re.compile(r"(\d+)")


def _natural(part: str) -> tuple[Any, ...]:
    """Sort key that orders 'task 9' before 'task 10'."""
    return tuple(int(piece) if piece.isdigit() else piece for piece in _NUMBER.split(part))


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem: a stable ``code``, where it is, what was expected and found, and a hint."""

    code: str
    severity: Severity
    location: tuple[str, ...]
    message: str
    expected: str | None = None
    found: str | None = None
    hint: str | None = None

    @property
    def where(self) -> str:
        return " > ".join(self.location) if self.location else "(input)"

    def sort_key(self) -> tuple[Any, ...]:
        return (
            tuple(_natural(part) for part in self.location),
            _SEVERITY_ORDER[self.severity],
            self.code,
            self.message,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "location": self.where,
            "message": self.message,
            "expected": self.expected,
            "found": self.found,
            "hint": self.hint,
        }

    def render(self) -> str:
        lines = [f"{self.severity}[{self.code}] {self.where}: {self.message}"]
        if self.expected is not None:
            lines.append(f"    expected: {self.expected}")
        if self.found is not None:
            lines.append(f"    found:    {self.found}")
        if self.hint is not None:
            lines.append(f"    hint:     {self.hint}")
        return "\n".join(lines)


@dataclass(slots=True)
class Issues:
    """Collects issues; ``limit_per_code`` caps how many of one code are kept (the count stays exact)."""

    items: list[Issue] = field(default_factory=list)
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    limit_per_code: int = 200

    def add(
        self,
        code: str,
        severity: Severity,
        location: Iterable[str],
        message: str,
        *,
        expected: str | None = None,
        found: str | None = None,
        hint: str | None = None,
    ) -> Issue:
        issue = Issue(code, severity, tuple(location), message, expected, found, hint)
        self.counts[(severity, code)] += 1
        if self.counts[(severity, code)] <= self.limit_per_code:
            self.items.append(issue)
        return issue

    def error(self, code: str, location: Iterable[str], message: str, **details: str | None) -> Issue:
        return self.add(code, "error", location, message, **details)

    def warning(self, code: str, location: Iterable[str], message: str, **details: str | None) -> Issue:
        return self.add(code, "warning", location, message, **details)

    def info(self, code: str, location: Iterable[str], message: str, **details: str | None) -> Issue:
        return self.add(code, "info", location, message, **details)

    def drop(self, predicate: Callable[[Issue], bool]) -> int:
        """Remove the kept issues matching ``predicate`` (and their counts); returns how many."""
        kept: list[Issue] = []
        dropped = 0
        for issue in self.items:
            if predicate(issue):
                self.counts[(issue.severity, issue.code)] -= 1
                dropped += 1
            else:
                kept.append(issue)
        self.items = kept
        self.counts = +self.counts  # forget zero counts
        return dropped

    def extend(self, other: Issues) -> None:
        self.items.extend(other.items)
        self.counts.update(other.counts)

    def __iter__(self) -> Iterator[Issue]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return sum(self.counts.values())

    def sorted(self) -> list[Issue]:
        return sorted(self.items, key=Issue.sort_key)

    def count(self, severity: Severity) -> int:
        return sum(n for (sev, _), n in self.counts.items() if sev == severity)

    @property
    def error_count(self) -> int:
        return self.count("error")

    @property
    def warning_count(self) -> int:
        return self.count("warning")

    @property
    def has_errors(self) -> bool:
        return self.error_count > 0

    def codes(self) -> list[str]:
        return sorted({issue.code for issue in self.items})

    def omitted(self) -> dict[str, int]:
        """Codes whose issues were counted but not all kept, and how many were dropped."""
        return {
            code: n - self.limit_per_code for (_, code), n in sorted(self.counts.items()) if n > self.limit_per_code
        }

    def summary(self) -> str:
        errors, warnings = self.error_count, self.warning_count
        return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"

    def render(self, *, include_info: bool = True) -> str:
        shown = [i for i in self.sorted() if include_info or i.severity != "info"]
        parts = [issue.render() for issue in shown]
        for code, dropped in self.omitted().items():
            parts.append(f"... and {dropped} more [{code}] not shown")
        return "\n".join(parts)

    def to_json(self) -> str:
        payload = {
            "errors": self.error_count,
            "warnings": self.warning_count,
            "issues": [issue.to_dict() for issue in self.sorted()],
            "omitted": self.omitted(),
        }
        return json.dumps(payload, ensure_ascii=False, indent=2)


class BeyanError(Exception):
    """A problem that stops a command. Carries located issues; the CLI prints them, not a traceback."""

    def __init__(self, issues: Issues | Issue | str, *, exit_code: int = 1) -> None:
        if isinstance(issues, str):
            collected = Issues()
            collected.error("error", (), issues)
            issues = collected
        elif isinstance(issues, Issue):
            collected = Issues()
            collected.items.append(issues)
            collected.counts[(issues.severity, issues.code)] += 1
            issues = collected
        self.issues = issues
        self.exit_code = exit_code
        super().__init__(issues.render())

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled whole (issues and exit code), so an error raised in a worker process arrives intact."""
        return (BeyanError, (self.issues,), {"exit_code": self.exit_code})

    def __setstate__(self, state: dict[str, Any] | None) -> None:
        self.exit_code = (state or {}).get("exit_code", 1)


def fail(code: str, location: Iterable[str], message: str, *, exit_code: int = 1, **details: str | None) -> BeyanError:
    """Build a one-issue error to raise: ``raise fail("bad-date", (path, "line 1"), "...")``."""
    issues = Issues()
    issues.error(code, location, message, **details)
    return BeyanError(issues, exit_code=exit_code)
