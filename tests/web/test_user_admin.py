"""An admin changes users: role, departments, 停用, a new password; the app never loses its last admin."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner, Result
from webclient import Browser

from conftest import PASSWORD, Account, make_account
from jixiao.cli import app
from jixiao.store.access import Invalid, Refused
from jixiao.store.db import Store
from jixiao.store.models import AuditEntry, User
from jixiao.store.users import authenticate, create_token, principal, update_user
from jixiao.web.app import create_app


def _update(store: Store, actor: Account, user: Account, **changes: object) -> None:
    with store.write() as session:
        update_user(session, user.principal.id, actor.principal, **changes)  # type: ignore[arg-type]


def _principal(store: Store, account: Account) -> tuple[str, frozenset[int] | None]:
    with store.read() as session:
        user = session.get(User, account.principal.id)
        assert user is not None
        found = principal(session, user)
    return found.role, found.departments


def test_a_reviewer_is_given_another_department_and_the_log_says_so(store: Store, accounts: dict[str, Account]) -> None:
    reviewer = accounts["reviewer"]
    _update(store, accounts["admin"], reviewer, departments=["青禾县总工会", "云岭市总工会", "云岭市总工会"])
    role, departments = _principal(store, reviewer)
    assert role == "reviewer" and departments is not None and len(departments) == 2
    with store.read() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "user.update")).one()
    assert entry.detail["departments"] == {"from": ["青禾县总工会"], "to": ["青禾县总工会", "云岭市总工会"]}
    assert "role" not in entry.detail and "active" not in entry.detail


def test_a_filer_becomes_a_viewer_of_two_departments(store: Store, accounts: dict[str, Account]) -> None:
    filer = accounts["filer"]
    _update(store, accounts["admin"], filer, role="viewer", departments=["青禾县总工会", "云岭市总工会"])
    assert _principal(store, filer)[0] == "viewer"
    with store.read() as session:
        user = session.get(User, filer.principal.id)
        assert user is not None and user.department_id is None  # only a filer has a home department


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"role": "filer", "departments": ["青禾县总工会", "云岭市总工会"]}, "只能属于一个部门"),
        ({"role": "reviewer", "departments": []}, "至少要指定一个部门"),
        ({"role": "admin", "departments": ["青禾县总工会"]}, "不需指定部门"),
        ({"role": "boss"}, "角色只能是"),
        ({"password": "short"}, "至少 8 个字符"),
    ],
)
def test_changes_that_do_not_hold_are_refused_whole(
    store: Store, accounts: dict[str, Account], changes: dict[str, object], message: str
) -> None:
    reviewer = accounts["reviewer"]
    before = _principal(store, reviewer)
    with pytest.raises(Invalid, match=message):
        _update(store, accounts["admin"], reviewer, **changes)
    assert _principal(store, reviewer) == before


def test_a_stopped_user_can_neither_log_in_nor_use_a_token_and_their_name_stays(
    store: Store, accounts: dict[str, Account]
) -> None:
    viewer = accounts["viewer"]
    app = create_app(store, migrate=False)
    token = create_token(store, viewer.principal)
    client = Browser(app).client
    auth = {"Authorization": f"Bearer {token}"}
    session = Browser(app, viewer.name, viewer.password)
    assert client.get("/api/v1/me", headers=auth).status_code == 200
    assert session.get("/documents").status_code == 200

    _update(store, accounts["admin"], viewer, active=False)

    assert client.get("/api/v1/me", headers=auth).status_code == 401
    assert session.get("/documents").status_code in (303, 401)
    assert authenticate(store, viewer.name, PASSWORD, "127.0.0.1") is None
    _update(store, accounts["admin"], viewer, active=True)
    assert authenticate(store, viewer.name, PASSWORD, "127.0.0.1") is not None


def test_a_new_password_ends_the_old_sessions(store: Store, accounts: dict[str, Account]) -> None:
    filer = accounts["filer"]
    app = create_app(store, migrate=False)
    session = Browser(app, filer.name, filer.password)
    assert session.get("/documents").status_code == 200
    _update(store, accounts["admin"], filer, password="a-new-password-7")
    assert session.get("/documents").status_code in (303, 401)
    assert authenticate(store, filer.name, PASSWORD, "127.0.0.1") is None
    assert authenticate(store, filer.name, "a-new-password-7", "127.0.0.1") is not None


def test_the_app_keeps_an_admin(store: Store, accounts: dict[str, Account]) -> None:
    admin = accounts["admin"]
    with pytest.raises(Invalid, match="自己"):
        _update(store, admin, admin, active=False)
    with pytest.raises(Invalid, match="自己"):
        _update(store, admin, admin, role="viewer", departments=["青禾县总工会"])
    second = make_account(store, "管理员乙", "admin", [])
    _update(store, second, admin, role="reviewer", departments=["青禾县总工会"])  # another admin remains
    assert _principal(store, admin)[0] == "reviewer"
    third = make_account(store, "管理员丙", "admin", [])
    _update(store, third, second, active=False)
    # the last active admin stays one, even asked by a principal whose account was stopped meanwhile
    with pytest.raises(Invalid, match="唯一启用的管理员"):
        _update(store, second, third, active=False)


def test_only_an_admin_changes_users(store: Store, accounts: dict[str, Account]) -> None:
    for role in ("filer", "reviewer", "viewer"):
        with pytest.raises(Refused):
            _update(store, accounts[role], accounts["viewer"], active=False)
    app = create_app(store, migrate=False)
    reviewer = Browser(app, accounts["reviewer"].name, accounts["reviewer"].password)
    target = accounts["viewer"].principal.id
    assert reviewer.get(f"/users/{target}").status_code == 403
    assert reviewer.post(f"/users/{target}", {"role": "admin"}).status_code == 403
    assert _principal(store, accounts["viewer"])[0] == "viewer"


def test_the_user_page(store: Store, accounts: dict[str, Account]) -> None:
    app = create_app(store, migrate=False)
    admin = Browser(app, accounts["admin"].name, accounts["admin"].password)
    viewer = accounts["viewer"]
    assert f'href="/users/{viewer.principal.id}"' in admin.get("/users").text
    page = admin.get(f"/users/{viewer.principal.id}")
    assert page.status_code == 200 and "青禾县总工会" in page.text and "checked" in page.text
    refused = admin.post(f"/users/{viewer.principal.id}", {"role": "filer", "departments": "", "active": "on"})
    assert refused.status_code == 422 and "只能属于一个部门" in refused.text
    saved = admin.post(f"/users/{viewer.principal.id}", {"role": "viewer", "departments": "青禾县总工会，云岭市总工会"})
    assert saved.status_code == 200 and f"已保存用户“{viewer.name}”" in saved.text
    role, departments = _principal(store, viewer)
    assert role == "viewer" and departments is not None and len(departments) == 2
    with store.read() as session:
        user = session.get(User, viewer.principal.id)
        assert user is not None and not user.active  # the box was left unticked: 停用
    assert "修改用户" in admin.get(f"/users/{viewer.principal.id}").text


def test_the_command_line_adds_and_changes_users(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()

    def run(*words: str, password: str | None = None) -> Result:
        env = {"JIXIAO_PASSWORD": password} if password else None
        return runner.invoke(app, ["user", *words, "--database", url], env=env)

    added = run("add", "老周", "--role", "filer", "--department", "青禾县总工会", password="first-password-1")
    assert added.exit_code == 0, added.output
    departments = ["--department", "青禾县总工会", "--department", "云岭市总工会"]
    moved = run("update", "老周", "--role", "reviewer", *departments, "--disable")
    assert moved.exit_code == 0, moved.output
    refused = run("update", "老周", "--role", "filer")
    assert refused.exit_code == 2 and "只能属于一个部门" in refused.output
    missing = run("update", "没有这人", "--enable")
    assert missing.exit_code == 2 and "没有用户" in missing.output
    store = Store(url)
    with store.read() as session:
        user = session.scalars(select(User).where(User.name == "老周")).one()
        found = principal(session, user)
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "user.update")).one()
    assert (found.role, user.active, len(found.departments or ())) == ("reviewer", False, 2)
    assert entry.user_name == "系统" and entry.detail["active"] == {"from": True, "to": False}
    reset = run("update", "老周", "--enable", "--password", password="second-password-2")
    assert reset.exit_code == 0, reset.output
    assert authenticate(store, "老周", "second-password-2", "127.0.0.1") is not None
    store.dispose()
