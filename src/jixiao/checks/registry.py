"""The check registry: one small pure function per CHECKS.md id.

A check is registered under its stable id with its default severity; a rule
profile may override the severity by id. A check receives the form it
applies to and the review context, and yields findings. Review runs every
check on every form it applies to and collects all findings; it never stops
at the first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from jixiao.model import Finding, Form, Severity

if TYPE_CHECKING:
    from jixiao.rules.profile import Profile


T = TypeVar("T")


@dataclass(slots=True)
class Context:
    """What a check may look at besides its form: the other forms, the source text, the profile."""

    forms: list[Form]
    lines: list[str]
    profile: Profile
    source: str = ""
    memo: dict[tuple[str, int], Any] = field(default_factory=dict, repr=False)

    def cached(self, name: str, form: Form, compute: Callable[[], T]) -> T:
        """Derived data (a report's text, its sentences) computed once per form, however many checks ask."""
        key = (name, id(form))
        if key not in self.memo:
            self.memo[key] = compute()
        value: T = self.memo[key]
        return value


@dataclass(slots=True)
class Draft:
    """A finding as a check reports it; the runner adds the check id, severity and form index."""

    field: str | None
    line: int | None
    message: str
    expected: object = None
    found: object = None
    severity: Severity | None = None


CheckFunction = Callable[[Form, "Context"], Iterable[Draft]]


@dataclass(slots=True, frozen=True)
class Check:
    id: str
    severity: Severity
    kinds: tuple[str, ...]
    function: CheckFunction = field(compare=False)
    summary: str = ""


REGISTRY: dict[str, Check] = {}


def check(
    check_id: str, severity: Severity, kinds: tuple[str, ...] = ("project",), summary: str = ""
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under its CHECKS.md id."""

    def register(function: CheckFunction) -> CheckFunction:
        if check_id in REGISTRY:
            raise ValueError(f"check {check_id} registered twice")
        REGISTRY[check_id] = Check(check_id, severity, kinds, function, summary or (function.__doc__ or ""))
        return function

    return register


def run_checks(context: Context, only: Iterable[str] | None = None) -> list[Finding]:
    """Every registered check on every form it applies to, in form order then check id."""
    wanted = set(only) if only is not None else None
    chosen = [entry for entry in iter_checks() if wanted is None or entry.id in wanted]
    by_kind = {kind: [entry for entry in chosen if kind in entry.kinds] for kind in ("project", "department", "report")}
    severities = {entry.id: context.profile.severity(entry.id, entry.severity) for entry in chosen}
    findings: list[Finding] = []
    for index, form in enumerate(context.forms):
        for entry in by_kind[form.kind]:
            check_id, severity = entry.id, severities[entry.id]
            for draft in entry.function(form, context):
                findings.append(
                    Finding(
                        check=check_id,
                        severity=draft.severity or severity,
                        form=index,
                        field=draft.field,
                        line=draft.line,
                        message=draft.message,
                        expected=draft.expected,
                        found=draft.found,
                    )
                )
    return findings


def iter_checks() -> Iterator[Check]:
    for check_id in sorted(REGISTRY):
        yield REGISTRY[check_id]
