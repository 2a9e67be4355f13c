"""Forms filled in online: created blank in the web app, then edited cell by cell like an imported one.

Such a form has no file behind it. Its source is the form written out as text
(:mod:`jixiao.render.forms.text`), rewritten after every edit, so that its
lines, the lines of its rows and the lines of its findings agree, its 原文
panel shows the form as it now stands, and its download reads back into
jixiao like any text dump. The cells a spreadsheet form computes (rate,
total, grade) are derived (:func:`jixiao.rules.blank.derive_cells`).
"""

from __future__ import annotations

from sqlalchemy import select

from jixiao.model import DepartmentForm, Document, ProjectForm
from jixiao.pipeline import review_source
from jixiao.read.source import Source
from jixiao.render.forms.build import build_pages
from jixiao.render.forms.templates import template_for
from jixiao.render.forms.text import write_text
from jixiao.rules.blank import blank_department_form, blank_project_form, blank_target_form, derive_cells
from jixiao.rules.profile import profile_for
from jixiao.store.access import Invalid, Principal, Refused
from jixiao.store.db import Store
from jixiao.store.importer import ImportResult, store_document
from jixiao.store.models import Department, StoredDocument, StoredForm

ONLINE = "online"  # StoredDocument.format of a form filled in online
MAX_NAME = 200


def place_lines(document: Document) -> list[str]:
    """The document's forms as text lines; each form's and indicator row's ``line`` set to where it landed."""
    pages = build_pages(document, template_for(document))
    lines, placed = write_text(pages)
    for form, page in zip(document.forms, placed, strict=True):
        form.line, form.end_line = page.first, page.last
        if isinstance(form, ProjectForm | DepartmentForm):
            for index, row in enumerate(form.indicators):
                row.line = page.keys.get(f"indicators[{index}]", page.first)
    return lines


def encode(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def _department_name(store: Store, actor: Principal, chosen: str) -> str:
    if actor.role == "filer":
        if not actor.departments:
            raise Refused("您的账号没有所属部门，不能填报")
        with store.read() as session:
            own = session.get(Department, min(actor.departments))
            if own is None:
                raise Refused("您的账号没有所属部门，不能填报")
            return own.name
    if actor.role != "admin":
        raise Refused("只有填报人和管理员可以新建自评表")
    if not chosen.strip():
        raise Invalid("请填写部门名称")
    return chosen.strip()[:MAX_NAME]


def _existing(store: Store, department: str, year: int, kind: str, project: str | None) -> int | None:
    """A form of that kind (and project) the department already has for the year, imported or online."""
    statement = (
        select(StoredForm.id)
        .join(StoredDocument, StoredDocument.id == StoredForm.document_id)
        .join(Department, Department.id == StoredDocument.department_id)
        .where(Department.name == department, StoredForm.year == year, StoredForm.kind == kind)
    )
    if project is not None:
        statement = statement.where(StoredForm.name == project)
    with store.read() as session:
        return session.scalar(statement.limit(1))


def create_project_form(
    store: Store,
    actor: Principal,
    project: str,
    year: int,
    department: str = "",
    profile: str | None = None,
    scored: bool = True,
) -> ImportResult:
    """Store a blank 项目支出绩效自评表 (or, not ``scored``, a 项目支出绩效目标完成情况表) for ``actor``'s
    department (an admin names it); one project form per project and year. Invalid/Refused say why not."""
    project = " ".join(project.split())[:MAX_NAME]
    if not project:
        raise Invalid("请填写项目名称")
    _check_year(year)
    unit = _department_name(store, actor, department)
    found = _existing(store, unit, year, "project", project)
    if found is not None:
        raise Invalid(
            f"{unit} {year} 年度已有项目“{project}”的{'自评表' if scored else '表'}（表单 {found}），请直接打开修改"
        )
    chosen = profile_for(unit, year, profile)
    form = blank_project_form(project, unit, year, chosen) if scored else blank_target_form(project, unit, year)
    filename = f"{project}-{year}年度{form.title}（在线填报）.txt"
    return _store_new(store, actor, Document(source=filename, forms=[form], profile=chosen.name), unit)


def create_department_form(
    store: Store, actor: Principal, year: int, department: str = "", profile: str | None = None
) -> ImportResult:
    """Store a blank 部门整体支出绩效自评表 (framework layout) for ``actor``'s department (an admin names it)."""
    _check_year(year)
    unit = _department_name(store, actor, department)
    found = _existing(store, unit, year, "department", None)
    if found is not None:
        raise Invalid(f"{unit} {year} 年度已有部门整体支出绩效自评表（表单 {found}），请直接打开修改")
    chosen = profile_for(unit, year, profile)
    filename = f"{unit}-{year}年度部门整体支出绩效自评表（在线填报）.txt"
    document = Document(source=filename, forms=[blank_department_form(unit, year)], profile=chosen.name)
    return _store_new(store, actor, document, unit)


# what 新建 offers: 项目支出绩效自评表, 项目支出绩效目标完成情况表 (no scores), 部门整体支出绩效自评表
FORM_KINDS = ("project", "target", "department")


def create_form(
    store: Store,
    actor: Principal,
    kind: str,
    year: int,
    project: str = "",
    department: str = "",
    profile: str | None = None,
) -> int:
    """Create a blank form of ``kind`` (``project``, ``target`` or ``department``) and give its form id."""
    if kind not in FORM_KINDS:
        raise Invalid("未知的表单类型")
    if kind == "department":
        result = create_department_form(store, actor, year, department, profile)
    else:
        result = create_project_form(store, actor, project, year, department, profile, scored=kind != "target")
    if not result.ok or result.document_id is None:
        raise Invalid(result.message)
    with store.read() as session:
        form_id = session.scalar(select(StoredForm.id).where(StoredForm.document_id == result.document_id))
    assert form_id is not None
    return form_id


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise Invalid(f"年度“{year}”不在 2000–2100 之间")


def _store_new(store: Store, actor: Principal, document: Document, unit: str) -> ImportResult:
    assert document.profile is not None
    filename = document.source
    lines = place_lines(document)
    source = Source(path=filename, lines=lines, format=ONLINE)
    review_source(document, source, document.profile)
    return store_document(store, encode(lines), filename, actor, document, source, unit, unit, action="create")


def refresh(document: Document, stored: StoredDocument) -> Source:
    """After an edit of an online form: its derived cells and its text brought up to date."""
    for form in document.forms:
        if isinstance(form, ProjectForm | DepartmentForm):
            derive_cells(form, profile_for(form.department, form.year, stored.profile))
    lines = place_lines(document)
    stored.body.lines = lines
    stored.body.content = encode(lines)
    stored.size = len(stored.body.content)
    return Source(path=stored.filename, lines=lines, format=ONLINE)
