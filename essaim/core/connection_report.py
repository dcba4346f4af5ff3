"""What a "test connection" action found, check by check, in words for the administrator (an identity
provider's, a directory's): ``templates/includes/connection_report.html`` shows it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Check:
    ok: bool
    text: str


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def add(self, ok: bool, text: str) -> bool:
        self.checks.append(Check(ok, text))
        return ok
