"""Who may do what: one place for the permission rules the web pages and the API share.

* admin — everything, every department (and documents with no department);
* reviewer — reads the departments assigned, decides findings, 退回/通过 forms, draws 抽查 samples;
* filer — reads and fills in one department: imports, edits values, 送审;
* viewer — reads the departments assigned, changes nothing.

An object outside a user's departments is reported as not found, so its
existence does not leak; a role that may not do an action gets a refusal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, true


class StoreError(Exception):
    """An error the user caused; the message is shown as is (Chinese)."""

    status = 400


class NotFound(StoreError):
    status = 404


class Refused(StoreError):
    status = 403


class Conflict(StoreError):
    status = 409


class Invalid(StoreError):
    status = 422


NOT_FOUND = "未找到该对象，或您无权查看"


@dataclass(frozen=True, slots=True)
class Principal:
    """The user a request acts for, with the departments in reach (None: all, for admins)."""

    id: int
    name: str
    role: str
    departments: frozenset[int] | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def sees(self, department_id: int | None) -> bool:
        if self.departments is None:
            return True
        return department_id is not None and department_id in self.departments

    def scope(self, column: Any) -> ColumnElement[bool]:
        """A WHERE clause limiting ``column`` (a department id) to what this user may see."""
        if self.departments is None:
            return true()
        if not self.departments:
            return false()
        result: ColumnElement[bool] = column.in_(sorted(self.departments))
        return result

    def require_visible(self, department_id: int | None) -> None:
        if not self.sees(department_id):
            raise NotFound(NOT_FOUND)

    def may_fill(self, department_id: int | None) -> bool:
        """Import documents and edit form values."""
        return self.sees(department_id) and self.role in ("admin", "filer")

    def may_review(self, department_id: int | None) -> bool:
        """Decide findings, return or approve forms, draw samples."""
        return self.sees(department_id) and self.role in ("admin", "reviewer")

    def require_fill(self, department_id: int | None) -> None:
        self.require_visible(department_id)
        if not self.may_fill(department_id):
            raise Refused("您的角色不能填报或修改数据")

    def require_review(self, department_id: int | None) -> None:
        self.require_visible(department_id)
        if not self.may_review(department_id):
            raise Refused("只有审核人或管理员可以审核")

    def require_admin(self) -> None:
        if not self.is_admin:
            raise Refused("只有管理员可以进行此操作")


def principal_of(user_id: int, name: str, role: str, department_ids: Iterable[int]) -> Principal:
    return Principal(user_id, name, role, None if role == "admin" else frozenset(department_ids))
