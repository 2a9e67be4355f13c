"""Command line: argument parsing and printing only; the work is in the pipeline."""

from __future__ import annotations

import os
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from jixiao.model import Document
from jixiao.pipeline import extract_file, iter_inputs, read_and_extract, review_source
from jixiao.render.jsonout import dumps
from jixiao.render.outputs import write_review_outputs

app = typer.Typer(
    help="jixiao（绩效）：预算绩效自评表的读取、复算与审核 / read, re-score and review self-evaluations.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)


@app.callback()
def main() -> None:
    """jixiao 命令行 / the jixiao command line."""


def _inputs(paths: list[Path], out: Path | None) -> list[Path]:
    """The files to read (folders recursively), and the output folder made; exit 2 when there are none."""
    files = list(iter_inputs(paths))
    if not files:
        console.print("[red]没有找到可读取的文件[/red] / no input files")
        raise typer.Exit(2)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    return files


def _dump(document: Document) -> str:
    return dumps(document).decode("utf-8")


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="文件或文件夹（递归）/ files or folders")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="输出目录 / output folder")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="打印到标准输出 / print JSON to stdout")] = False,
) -> None:
    """读取文档，输出 jixiao/1 JSON / extract forms as jixiao/1 JSON."""
    if out is None and not as_json:
        console.print("[red]请给出 --out 目录或 --json[/red] / give --out DIR or --json")
        raise typer.Exit(2)
    files = _inputs(paths, out)
    summary = Table(title="提取结果 / extraction")
    for column in ("文件", "表单", "项目表", "部门表", "报告", "问题"):
        summary.add_column(column)
    failed: list[str] = []
    with Progress(
        TextColumn("[bold]提取[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task("", total=len(files))
        for file in files:
            progress.update(task, description=file.name)
            document = extract_file(file)
            fatal = [p for p in document.problems if p.fatal]
            if fatal:
                failed.append(file.name)
                for problem in fatal:
                    console.print(f"[red]{escape(str(file))}: {escape(problem.message)}[/red]")
            else:
                text = _dump(document)
                if as_json:
                    sys.stdout.write(text + "\n")
                if out is not None:
                    (out / f"{file.stem}.json").write_text(text + "\n", encoding="utf-8")
            kinds = [form.kind for form in document.forms]
            summary.add_row(
                escape(file.name),
                str(len(kinds)),
                str(kinds.count("project")),
                str(kinds.count("department")),
                str(kinds.count("report")),
                escape("；".join(p.message for p in document.problems)),
            )
            progress.advance(task)
    console.print(summary)
    if out is not None:
        console.print(f"输出目录 / output: {out}")
    if failed:
        console.print(f"[red]{len(failed)} 个文件无法读取：{escape('、'.join(failed))}[/red]")
        raise typer.Exit(1)


_SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@app.command()
def review(
    paths: Annotated[list[Path], typer.Argument(help="文件或文件夹（递归）/ files or folders")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="输出目录 / output folder")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="打印到标准输出 / print JSON to stdout")] = False,
    profile: Annotated[
        str | None, typer.Option("--profile", help="强制使用的规则配置 / force a rule profile (national, anhui…)")
    ] = None,
    fail_on: Annotated[str, typer.Option("--fail-on", help="何种严重程度使退出码为 1：error|warning|never")] = "error",
) -> None:
    """复算并审核：输出带 findings 的 jixiao/1 JSON / re-score and review."""
    if fail_on not in ("error", "warning", "never"):
        console.print("[red]--fail-on 只能是 error、warning 或 never[/red]")
        raise typer.Exit(2)
    files = _inputs(paths, out)
    worst = -1
    unreadable: list[str] = []
    reviewed: list[tuple[Document, list[str] | None]] = []
    for file in files:
        document, source = read_and_extract(file)
        if source is None:
            reviewed.append((document, None))
            unreadable.append(file.name)
            for problem in document.problems:
                console.print(f"[red]{escape(str(file))}: {escape(problem.message)}[/red]")
            continue
        review_source(document, source, profile)
        reviewed.append((document, source.lines))
        for finding in document.findings or []:
            worst = max(worst, _SEVERITY_RANK[finding.severity])
            console.print(
                f"{file}:{finding.line or 0}: {finding.severity}: {finding.check} {finding.message}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        text = _dump(document)
        if as_json:
            sys.stdout.write(text + "\n")
        if out is not None:
            (out / f"{file.stem}.json").write_text(text + "\n", encoding="utf-8")
    if out is not None:
        write_review_outputs(reviewed, out)
        console.print(f"输出目录 / output: {out}（index.html 为审核报告总览）")
    if unreadable:
        console.print(f"[red]{len(unreadable)} 个文件无法读取：{escape('、'.join(unreadable))}[/red]")
    threshold = {"error": 2, "warning": 1, "never": 99}[fail_on]
    if unreadable or worst >= threshold:
        raise typer.Exit(1)


@app.command()
def explain(
    path: Annotated[Path, typer.Argument(help="一个文件 / one file")],
    profile: Annotated[str | None, typer.Option("--profile", help="强制使用的规则配置 / force a rule profile")] = None,
) -> None:
    """逐项说明每个分数如何计算 / show how every score was computed, beside the stated one."""
    from jixiao.rules.profile import profile_for
    from jixiao.rules.scoring import explain_form

    document, source = read_and_extract(path)
    if source is None:
        for problem in document.problems:
            console.print(f"[red]{escape(str(path))}: {escape(problem.message)}[/red]")
        raise typer.Exit(1)
    out = Console()
    for index, form in enumerate(document.forms):
        rules = profile_for(form.department, form.year, profile)
        name = getattr(form, "project", None) or getattr(form, "title", None) or form.department or ""
        table = Table(title=f"表单 {index}（{form.kind}，第 {form.line} 行）{name} — 规则：{rules.name}")
        for column in ("字段", "规则", "参数", "输入", "复算", "表中", "依据"):
            table.add_column(column, overflow="fold")
        for field_path, explanation, stated in explain_form(form, rules):
            result = explanation.result
            style = "red" if _differs(result, stated) else None
            table.add_row(
                field_path,
                explanation.rule,
                _compact(explanation.parameters),
                _compact(explanation.inputs),
                "—" if result is None else str(result),
                "—" if stated is None else str(stated),
                explanation.reference or "",
                style=style,
            )
        out.print(table)


@app.command()
def render(
    paths: Annotated[list[Path], typer.Argument(help="jixiao/1 JSON 文件或文件夹 / JSON files or folders")],
    to: Annotated[str, typer.Option("--to", help="输出格式 / format: xlsx|docx|pdf|html")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出目录 / output folder")],
    template: Annotated[
        str | None, typer.Option("--template", help="版式 / layout: national|anhui|shanxi（默认按地区）")
    ] = None,
    review: Annotated[bool, typer.Option("--review", help="写入复算与审核意见 / write the review in")] = False,
) -> None:
    """把 jixiao/1 JSON 输出为标准表格 / render jixiao/1 JSON as the standard forms."""
    from jixiao.parse.jsonin import load_document
    from jixiao.read.source import ReadError
    from jixiao.render.forms import FORMATS, TEMPLATES, render_document

    if to not in FORMATS:
        console.print(f"[red]--to 只能是 {'、'.join(FORMATS)}[/red]")
        raise typer.Exit(2)
    if template is not None and template not in TEMPLATES:
        console.print(f"[red]未知的版式：{escape(template)}（可选：{'、'.join(TEMPLATES)}）[/red]")
        raise typer.Exit(2)
    files = [child for path in paths for child in (sorted(path.glob("*.json")) if path.is_dir() else [path])]
    if not files:
        console.print("[red]没有找到可读取的文件[/red] / no input files")
        raise typer.Exit(2)
    out.mkdir(parents=True, exist_ok=True)
    failed: list[str] = []
    for file in files:
        try:
            data = render_document(load_document(file), to, template=template, review=review)
        except ReadError as error:
            console.print(f"[red]{escape(str(file))}：{escape(str(error))}[/red]")
            failed.append(file.name)
            continue
        target = out / f"{file.stem}.{to}"
        target.write_bytes(data)
        console.print(f"{file} → {target}", markup=False, highlight=False)
    if failed:
        console.print(f"[red]{len(failed)} 个文件无法输出：{escape('、'.join(failed))}[/red]")
        raise typer.Exit(1)


@app.command()
def draft(
    paths: Annotated[
        list[Path], typer.Argument(help="文件或文件夹（递归），或 jixiao/1 JSON / files, folders or JSON")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出目录 / output folder")],
    to: Annotated[str, typer.Option("--to", help="输出格式 / format: docx|pdf|html")] = "docx",
) -> None:
    """据表起草自评报告 / draft the 自评报告 from a document's forms (DIR/<stem>.draft.<ext>)."""
    from jixiao.parse.jsonin import load_document
    from jixiao.read.source import ReadError
    from jixiao.render.forms import render_document
    from jixiao.render.forms.drafting import GAP, compose_report

    if to not in ("docx", "pdf", "html"):
        console.print("[red]--to 只能是 docx、pdf 或 html[/red]")
        raise typer.Exit(2)
    json_files = [path for path in paths if path.suffix == ".json" and path.is_file()]
    others = [path for path in paths if path not in json_files]
    files = [*json_files, *(_inputs(others, None) if others else [])]
    out.mkdir(parents=True, exist_ok=True)
    failed: list[str] = []
    for file in files:
        try:
            if file.suffix == ".json":
                document = load_document(file)
            else:
                document, source = read_and_extract(file)
                if source is None:
                    raise ReadError("；".join(problem.message for problem in document.problems))
                review_source(document, source)
            drafted = compose_report(document)
            data = render_document(drafted.document, to, analyses={0: drafted.analysis})  # type: ignore[arg-type]
        except (ReadError, ValueError) as error:
            console.print(f"[red]{escape(str(file))}：{escape(str(error))}[/red]")
            failed.append(file.name)
            continue
        target = out / f"{file.stem}.draft.{to}"
        target.write_bytes(data)
        notes = []
        if drafted.gaps:
            notes.append(f"{drafted.gaps} 处标为“{GAP}”，请补充")
        errors = sum(finding.severity == "error" for finding in document.findings or [])
        if errors:
            notes.append(f"表中有 {errors} 处错误（见 jixiao review），草稿照录表中填报的数值")
        console.print(
            f"{file} → {target}" + (f"（{'；'.join(notes)}）" if notes else ""), markup=False, highlight=False
        )
    if failed:
        console.print(f"[red]{len(failed)} 个文件无法起草：{escape('、'.join(failed))}[/red]")
        raise typer.Exit(1)


def _differs(result: object, stated: object) -> bool:
    if result is None or stated is None:
        return False
    try:
        return abs(Decimal(str(result)) - Decimal(str(stated))) > Decimal("0.01")
    except InvalidOperation:
        return str(result) != str(stated)


def _compact(values: object) -> str:
    if isinstance(values, dict):
        return "，".join(f"{key}={value}" for key, value in values.items())
    return str(values)


@app.command()
def synth(
    out: Annotated[Path, typer.Option("--out", "-o", help="输出目录 / output folder")],
    count: Annotated[int, typer.Option("--count", "-n", help="文档数 / number of documents")] = 20,
    seed: Annotated[int, typer.Option("--seed", help="随机种子 / seed")] = 1,
    formats: Annotated[
        str, typer.Option("--formats", help="输出格式，逗号分隔 / formats: text,html,xlsx,docx,pdf")
    ] = "text,html,xlsx,docx,pdf",
) -> None:
    """生成合成测试文档（含预埋缺陷）及 <文件名>.expected.json / write the synthetic corpus."""
    from jixiao.read.source import ReadError
    from jixiao.synth.corpus import FORMATS, corpus, write_sample

    chosen = [name.strip() for name in formats.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in FORMATS]
    if unknown or not chosen or count < 1:
        console.print(f"[red]格式应为 {'、'.join(FORMATS)} 中的一个或多个，文档数至少为 1[/red]")
        raise typer.Exit(2)
    written = 0
    for sample in corpus(count, seed):
        try:
            written += len(write_sample(sample, out, chosen))
        except ReadError as error:
            console.print(f"[red]{escape(sample.stem)}: {escape(str(error))}[/red]")
    console.print(f"已生成 {count} 份文档，共 {written} 个文件 / wrote {written} files: {escape(str(out))}")


# seconds an idle kept-alive connection stays open: longer than people pause between clicks
KEEP_ALIVE = 75


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="监听地址 / address")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口 / port")] = 8000,
    database: Annotated[
        str | None, typer.Option("--database", envvar="JIXIAO_DATABASE_URL", help="数据库地址，默认 ./jixiao.db")
    ] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="工作进程数 / worker processes")] = 1,
) -> None:
    """启动网页服务 / run the web app (SQLite: writers wait their turn, one at a time, across processes too)."""
    import os

    import uvicorn

    from jixiao.web.app import create_app

    console.print(f"网页服务 / serving: http://{host}:{port}/")
    if workers == 1:
        uvicorn.run(create_app(database), host=host, port=port, log_level="warning", timeout_keep_alive=KEEP_ALIVE)
        return
    from jixiao.store.db import Store, database_url
    from jixiao.store.users import secret_key

    os.environ["JIXIAO_DATABASE_URL"] = database_url(database)
    store = Store()
    store.migrate()
    secret_key(store)  # made once here, not raced for by the workers
    store.dispose()
    # the listening socket is made here with TCP_NODELAY: uvicorn's worker processes do not set it on their
    # connections (a kept-alive response then waits ~40 ms for a delayed ACK); accepted sockets inherit it
    import socket

    listener = socket.create_server((host, port), reuse_port=False)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    uvicorn.run(
        "jixiao.web.app:worker_app",
        factory=True,
        fd=listener.fileno(),
        workers=workers,
        log_level="warning",
        timeout_keep_alive=KEEP_ALIVE,
    )


user_app = typer.Typer(help="用户管理 / users of the web app", no_args_is_help=True)
app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="用户名 / user name")],
    role: Annotated[str, typer.Option("--role", help="admin | reviewer | filer | viewer")],
    department: Annotated[
        list[str] | None, typer.Option("--department", help="所属部门（填报人一个；审核人、只读用户可多次给出）")
    ] = None,
    password: Annotated[
        str, typer.Option(prompt="密码", hide_input=True, confirmation_prompt=True, envvar="JIXIAO_PASSWORD")
    ] = "",
    database: Annotated[
        str | None, typer.Option("--database", envvar="JIXIAO_DATABASE_URL", help="数据库地址，默认 ./jixiao.db")
    ] = None,
) -> None:
    """新增网页用户 / add a user."""
    from jixiao.store.access import StoreError
    from jixiao.store.db import Store
    from jixiao.store.users import add_user

    store = Store(database)
    store.migrate()
    try:
        with store.write() as session:
            add_user(session, name, password, role, department or [])
    except StoreError as error:
        console.print(f"[red]{escape(str(error))}[/red]")
        raise typer.Exit(2) from error
    console.print(f"已新增用户 / added: {escape(name)}（{role}）")


@user_app.command("update")
def user_update(
    name: Annotated[str, typer.Argument(help="用户名 / user name")],
    role: Annotated[str | None, typer.Option("--role", help="admin | reviewer | filer | viewer")] = None,
    department: Annotated[
        list[str] | None, typer.Option("--department", help="所属部门，给出即替换原有部门（可多次给出）")
    ] = None,
    active: Annotated[
        bool | None, typer.Option("--enable/--disable", help="启用或停用（停用后不能登录，令牌失效）")
    ] = None,
    password: Annotated[
        bool, typer.Option("--password", help="重设密码（随后提示输入，或取自 JIXIAO_PASSWORD）")
    ] = False,
    database: Annotated[
        str | None, typer.Option("--database", envvar="JIXIAO_DATABASE_URL", help="数据库地址，默认 ./jixiao.db")
    ] = None,
) -> None:
    """修改用户的角色、部门、启用状态或密码 / change a user; recorded in the audit log."""
    from sqlalchemy import select

    from jixiao.store.access import StoreError
    from jixiao.store.db import Store
    from jixiao.store.models import User
    from jixiao.store.users import update_user

    secret = ""
    if password:
        secret = os.environ.get("JIXIAO_PASSWORD") or typer.prompt("新密码", hide_input=True, confirmation_prompt=True)
    store = Store(database)
    store.migrate()
    try:
        with store.write() as session:
            user_id = session.scalar(select(User.id).where(User.name == name.strip()))
            if user_id is None:
                raise StoreError(f"没有用户“{name}”")
            update_user(session, user_id, None, role=role, departments=department, active=active, password=secret)
    except StoreError as error:
        console.print(f"[red]{escape(str(error))}[/red]")
        raise typer.Exit(2) from error
    console.print(f"已修改用户 / updated: {escape(name)}")
