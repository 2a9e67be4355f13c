"""Users, passwords (argon2), API tokens and the login rate limit."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterable
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jixiao.store.access import Invalid, Principal, Refused, principal_of
from jixiao.store.audit import record
from jixiao.store.db import Store
from jixiao.store.models import ROLES, ApiToken, Department, LoginAttempt, Setting, User, UserDepartment, now

HASHER = PasswordHasher()
FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_ADDRESS = 30
MIN_PASSWORD = 8
# verified against when the name is unknown, so a wrong name costs as long as a wrong password
_DUMMY_HASH = HASHER.hash("jixiao-no-such-user")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"密码至少 {MIN_PASSWORD} 个字符")
    return HASHER.hash(password)


def department(session: Session, name: str, create: bool = True) -> Department:
    """The department of that name, created when missing (and ``create``)."""
    name = name.strip()
    if not name:
        raise Invalid("部门名称不能为空")
    found = session.scalar(select(Department).where(Department.name == name))
    if found is not None:
        return found
    if not create:
        raise Invalid(f"没有名为“{name}”的部门")
    found = Department(name=name)
    session.add(found)
    session.flush()
    return found


def add_user(
    session: Session,
    name: str,
    password: str,
    role: str,
    departments: Iterable[str] = (),
    actor: Principal | None = None,
) -> User:
    """Create a user. A filer needs exactly one department; reviewers and viewers at least one."""
    name = name.strip()
    names = _department_names(role, departments)
    if not name:
        raise Invalid("用户名不能为空")
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise Invalid(f"用户“{name}”已存在")
    user = User(name=name, password_hash=hash_password(password), role=role)
    session.add(user)
    session.flush()
    _assign(session, user, names)
    record(session, actor, "user.add", "user", user.id, detail={"name": name, "role": role, "departments": names})
    return user


def _department_names(role: str, departments: Iterable[str]) -> list[str]:
    """The departments a role is given, checked: a filer exactly one, reviewers and viewers some, admins none."""
    names = list(dict.fromkeys(d.strip() for d in departments if d.strip()))
    if role not in ROLES:
        raise Invalid(f"角色只能是 {'、'.join(ROLES)} 之一")
    if role == "filer" and len(names) != 1:
        raise Invalid("填报人（filer）必须且只能属于一个部门")
    if role in ("reviewer", "viewer") and not names:
        raise Invalid("审核人和只读用户至少要指定一个部门")
    if role == "admin" and names:
        raise Invalid("管理员可访问全部部门，不需指定部门")
    return names


def _assign(session: Session, user: User, names: list[str]) -> None:
    """Give the user exactly these departments (created when new), in place of any they had."""
    chosen = [department(session, n) for n in names]
    for row in session.scalars(select(UserDepartment).where(UserDepartment.user_id == user.id)):
        session.delete(row)
    session.flush()
    user.department_id = chosen[0].id if user.role == "filer" else None
    for dept in chosen:
        session.add(UserDepartment(user_id=user.id, department_id=dept.id))


def update_user(
    session: Session,
    user_id: int,
    actor: Principal | None,
    *,
    role: str | None = None,
    departments: Iterable[str] | None = None,
    active: bool | None = None,
    password: str = "",
) -> User:
    """An admin changes a user's role, departments, standing or password; the change is in the audit log.

    A user who leaves is 停用, not removed: their name stays on what they did. An admin may not
    demote or stop themselves, and the last active admin stays one, so the app never loses its admin.
    A new password or a stop ends the user's sessions; role and departments take effect at their
    next request. ``actor`` None is the command line, run by whoever holds the database.
    """
    if actor is not None:
        actor.require_admin()
    user = session.get(User, user_id)
    if user is None:
        raise Invalid("没有这个用户")
    current = _names_of(session, user)
    before: dict[str, object] = {"role": user.role, "departments": current, "active": user.active}
    new_role = user.role if role is None else role
    names = _department_names(new_role, current if departments is None else departments)
    new_active = user.active if active is None else active
    if actor is not None and user.id == actor.id and (new_role != user.role or not new_active):
        raise Invalid("不能停用自己或更改自己的角色，请由另一位管理员操作")
    if user.role == "admin" and user.active and (new_role != "admin" or not new_active):
        others = session.scalar(
            select(func.count()).where(User.role == "admin", User.active.is_(True), User.id != user.id)
        )
        if not others:
            raise Invalid("这是唯一启用的管理员，不能停用或改为其他角色")
    user.role = new_role
    _assign(session, user, names)
    if password:
        user.password_hash = hash_password(password)
    if password or (user.active and not new_active):
        user.session_epoch += 1
    user.active = new_active
    after: dict[str, object] = {"role": new_role, "departments": names, "active": new_active}
    changed = {key: {"from": before[key], "to": after[key]} for key in after if before[key] != after[key]}
    if password:
        changed["password"] = {"from": None, "to": "（已重设）"}
    record(session, actor, "user.update", "user", user.id, detail={"name": user.name, **changed})
    return user


def _names_of(session: Session, user: User) -> list[str]:
    return list(
        session.scalars(
            select(Department.name)
            .join(UserDepartment, UserDepartment.department_id == Department.id)
            .where(UserDepartment.user_id == user.id)
            .order_by(Department.name)
        )
    )


def set_password(session: Session, name: str, password: str, actor: Principal | None = None) -> None:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise Invalid(f"没有用户“{name}”")
    user.password_hash = hash_password(password)
    user.session_epoch += 1
    record(session, actor, "user.password", "user", user.id)


def principal(session: Session, user: User) -> Principal:
    ids = session.scalars(select(UserDepartment.department_id).where(UserDepartment.user_id == user.id)).all()
    return principal_of(user.id, user.name, user.role, ids)


def authenticate(store: Store, name: str, password: str, address: str) -> tuple[Principal, int] | None:
    """The user and their session epoch when name and password match; None when not.

    Refuses (without checking the password) once an account or an address has failed
    too often within the window.
    """
    name = name.strip()[:80]
    address = address[:64]
    since = now() - FAILURE_WINDOW
    with store.read() as session:
        last_ok = session.scalar(
            select(func.max(LoginAttempt.at)).where(LoginAttempt.name == name, LoginAttempt.ok.is_(True))
        )
        start = max(since, last_ok.replace(tzinfo=since.tzinfo)) if last_ok is not None else since
        by_name = session.scalar(
            select(func.count()).where(LoginAttempt.name == name, LoginAttempt.ok.is_(False), LoginAttempt.at > start)
        )
        by_address = session.scalar(
            select(func.count()).where(
                LoginAttempt.address == address, LoginAttempt.ok.is_(False), LoginAttempt.at > since
            )
        )
        if (by_name or 0) >= MAX_FAILURES_PER_NAME or (by_address or 0) >= MAX_FAILURES_PER_ADDRESS:
            raise Refused(f"登录失败次数过多，请 {FAILURE_WINDOW.seconds // 60} 分钟后再试")
        user = session.scalar(select(User).where(User.name == name, User.active.is_(True)))
        stored_hash = user.password_hash if user is not None else _DUMMY_HASH
    try:
        ok = HASHER.verify(stored_hash, password) and user is not None
    except (VerificationError, InvalidHashError):
        ok = False
    with store.write() as session:
        session.add(LoginAttempt(name=name, address=address, ok=ok))
        if not ok or user is None:
            return None
        fresh = session.get(User, user.id)
        assert fresh is not None
        if HASHER.check_needs_rehash(fresh.password_hash):
            fresh.password_hash = HASHER.hash(password)
        found = principal(session, fresh)
        record(session, found, "login", "user", fresh.id, detail={"address": address})
        return found, fresh.session_epoch


def session_principal(session: Session, user_id: int, epoch: int) -> Principal | None:
    """The user a session cookie names, if still active and not logged out since."""
    user = session.get(User, user_id)
    if user is None or not user.active or user.session_epoch != epoch:
        return None
    return principal(session, user)


def logout_everywhere(store: Store, actor: Principal) -> None:
    """End every session of the user: the epoch in their cookies no longer matches."""
    with store.write() as session:
        user = session.get(User, actor.id)
        if user is not None:
            user.session_epoch += 1
            record(session, actor, "logout", "user", user.id)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(store: Store, actor: Principal, label: str = "") -> str:
    """A new bearer token for the actor; shown once, only its hash is kept."""
    token = "jx_" + secrets.token_urlsafe(32)
    with store.write() as session:
        row = ApiToken(user_id=actor.id, token_hash=_token_hash(token), label=label.strip()[:120])
        session.add(row)
        session.flush()
        record(session, actor, "token.add", "token", row.id, detail={"label": row.label})
    return token


def token_principal(session: Session, token: str) -> Principal | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return principal(session, user)


def secret_key(store: Store) -> str:
    """The session signing key: ``JIXIAO_SECRET_KEY``, else one generated once and kept in the database."""
    configured = os.environ.get("JIXIAO_SECRET_KEY")
    if configured:
        return configured
    with store.read() as session:
        found = session.get(Setting, "secret_key")
        if found is not None:
            return found.value
    try:
        with store.write() as session:
            found = session.get(Setting, "secret_key")
            if found is None:
                found = Setting(key="secret_key", value=secrets.token_urlsafe(48))
                session.add(found)
            return found.value
    except IntegrityError:  # another process made it first
        with store.read() as session:
            made = session.get(Setting, "secret_key")
            assert made is not None
            return made.value
