"""The audit log: every change, who made it and the values before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from jixiao.store.access import Principal
from jixiao.store.models import AuditEntry

ACTION_LABELS = {
    "import": "导入文档",
    "create": "在线新建自评表",
    "delete": "删除文档",
    "edit": "修改数值",
    "state": "变更状态",
    "decide": "审核问题",
    "review_score": "复核评分",
    "sample": "抽查",
    "recheck": "复核",
    "user.add": "新增用户",
    "user.update": "修改用户",
    "user.password": "修改密码",
    "token.add": "新增接口令牌",
    "login": "登录",
    "logout": "退出登录",
}


def record(
    session: Session,
    actor: Principal | None,
    action: str,
    object_type: str,
    object_id: int | None,
    department_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction, so it commits or rolls back with the change."""
    entry = AuditEntry(
        user_id=actor.id if actor else None,
        user_name=actor.name if actor else "系统",
        action=action,
        object_type=object_type,
        object_id=object_id,
        department_id=department_id,
        detail=detail or {},
    )
    session.add(entry)
    return entry
