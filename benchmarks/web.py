"""Load test of ``jixiao serve``: 10,000 stored forms, 50 simulated users browsing and editing over loopback.

    python benchmarks/web.py [--forms 10000] [--users 50] [--duration 60] [--think 5.0] [--workers 2]
                             [--postgres postgresql+psycopg://app@127.0.0.1:54329/postgres]
                             [--db /tmp/web-bench.db] [--pg-database jixiao_bench_keep]

``--db`` (SQLite) and ``--pg-database`` (a database on the ``--postgres`` server) keep
the seeded store: the first run seeds it, later runs reuse it (the users too), so a
change to the server can be measured again in seconds instead of re-seeding.

The store is seeded by copying the seed corpus (or the examples) and perturbing
each copy — department, year, amounts, a score here and there — and reviewing
every copy again, so forms, findings and facets are as varied as the real ones.
Then a real server runs in its own process and the users (httpx, async) log in
and loop for the duration: lists with facets, document and form pages, the
dashboard, CSV exports, the JSON API, and (filers) value edits, each followed by
a pause of up to 2 × ``--think`` seconds (5 s on average by default: people read a page before the
next click; ``--think 1`` is a stress test). Prints p50/p95 latency per kind of
request and the error count, for SQLite and (with ``--postgres`` or
JIXIAO_TEST_POSTGRES_URL) PostgreSQL. Goals: pages p95 < 100 ms, dashboard
p95 < 300 ms, 0 errors. Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from jixiao.model import Document, ProjectForm, project_layout
from jixiao.pipeline import extract_source, review_source
from jixiao.read import read_bytes
from jixiao.read.source import Source
from jixiao.store.access import principal_of
from jixiao.store.audit import record
from jixiao.store.db import Store
from jixiao.store.documents import as_json, counts, write_findings, write_forms
from jixiao.store.models import Department, DocumentBody, StoredDocument, StoredForm, User
from jixiao.store.users import add_user, create_token, department, principal

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-1"
PREFIXES = [
    "青禾",
    "云岭",
    "松溪",
    "白鹭",
    "石岩",
    "桂川",
    "临湖",
    "丰泽",
    "长汀",
    "明月",
    "清河",
    "望江",
    "金沙",
    "玉泉",
    "鹿鸣",
]
SUFFIXES = ["县总工会", "市总工会"]
PAGE_KINDS = ("列表", "文档页", "表单页", "看板", "导出CSV", "接口", "修改")
GOALS_MS = {"看板": 300.0}  # p95 goal of each kind; every other kind is a page: 100 ms
PAGE_GOAL_MS = 100.0


def _corpus() -> list[Path]:
    seeds = ROOT.parent / "shared" / "corpus" / "seeds" / "docs"
    files = sorted(seeds.glob("*.txt")) if seeds.is_dir() else []
    files += sorted(p for p in (ROOT / "examples").glob("0*") if p.suffix in (".txt", ".md", ".html"))
    if not files:
        raise SystemExit("no corpus found")
    return files


@dataclass(slots=True)
class Base:
    name: str
    data: bytes
    source: Source


def _bases() -> list[Base]:
    out = []
    for path in _corpus():
        data = path.read_bytes()
        source = read_bytes(data, path.name)
        if extract_source(source).forms:
            out.append(Base(path.name, data, source))
    return out


def _scale(value: Decimal | None, factor: Decimal) -> Decimal | None:
    return None if value is None else (value * factor).quantize(Decimal("0.01"))


def _perturb(document: Document, rng: random.Random, department_name: str, year: int) -> None:
    """Another department's and year's version of the same document: amounts scaled, some rows changed."""
    factor = Decimal(rng.randint(50, 200)) / 100
    for form in document.forms:
        form.department = department_name
        form.year = year
        layout = project_layout(form)
        if layout is not None:
            for name in ("total", "fiscal", "carryover", "other"):
                amounts = layout.funds.row(name)
                if amounts is None:
                    continue
                amounts.initial = _scale(amounts.initial, factor)
                amounts.budget = _scale(amounts.budget, factor)
                amounts.executed = _scale(amounts.executed, factor)
            if rng.random() < 0.3 and layout.funds.total.executed is not None:
                layout.funds.total.executed = _scale(layout.funds.total.executed, Decimal(rng.randint(60, 100)) / 100)
            for row in layout.indicators:
                if row.score is not None and rng.random() < 0.08:
                    row.score = max(Decimal(0), row.score - 1)
        if isinstance(form, ProjectForm) and form.project and rng.random() < 0.05:
            form.project = f"{form.project}（续）"


def seed(store: Store, target_forms: int, rng: random.Random) -> tuple[int, int, list[str]]:
    """Fill the store with perturbed, re-reviewed copies of the corpus until it holds ``target_forms`` forms."""
    bases = _bases()
    departments = [f"{p}{s}" for p in PREFIXES for s in SUFFIXES]
    with store.write() as session:
        admin = add_user(session, "压测管理员", PASSWORD, "admin")
        department_ids = {name: department(session, name).id for name in departments}
    actor = principal_of(admin.id, admin.name, "admin", [])
    forms = documents = 0
    batch: list[tuple[Base, Document, str, int]] = []
    while forms < target_forms:
        base = bases[documents % len(bases)]
        name = departments[rng.randrange(len(departments))]
        year = rng.choice((2019, 2020, 2021, 2022, 2023, 2024))
        document = extract_source(base.source)
        _perturb(document, rng, name, year)
        review_source(document, base.source)
        batch.append((base, document, name, documents))
        forms += len(document.forms)
        documents += 1
        if len(batch) >= 50 or forms >= target_forms:
            _insert(store, batch, department_ids, actor)
            batch = []
    return documents, forms, departments


def _insert(store: Store, batch: list[tuple[Base, Document, str, int]], ids: dict[str, int], actor: object) -> None:
    with store.write() as session:
        for base, document, name, number in batch:
            marker = f"（压测副本 {number}）"
            content = base.data + f"\n{marker}\n".encode()
            findings = document.findings or []
            errors, warnings = counts(findings)
            stored = StoredDocument(
                filename=f"{number:05d}_{base.name}",
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
                format=base.source.format,
                encoding=base.source.encoding,
                body=DocumentBody(content=content, lines=[*base.source.lines, marker], data=as_json(document)),
                department_id=ids[name],
                stated_department=name,
                year=document.forms[0].year,
                profile=document.profile,
                kinds=",".join(sorted({f.kind for f in document.forms})),
                form_count=len(document.forms),
                error_count=errors,
                warning_count=warnings,
                problems=[],
                search_text=f"{number:05d}_{base.name} {name}".casefold(),
            )
            session.add(stored)
            session.flush()
            rows = write_forms(session, stored, document)
            write_findings(session, stored, rows, findings)
            record(session, actor, "import", "document", stored.id, ids[name], {"filename": stored.filename})  # type: ignore[arg-type]


@dataclass(slots=True)
class Persona:
    name: str
    role: str
    departments: list[str]
    forms: list[int] = field(default_factory=list)
    documents: list[int] = field(default_factory=list)
    department_ids: list[int] = field(default_factory=list)
    token: str = ""


def personas(store: Store, departments: list[str], count: int, rng: random.Random) -> list[Persona]:
    """A mix of roles: a tenth admins, three tenths reviewers, half filers, a tenth viewers."""
    plan = []
    for index in range(count):
        share = index / count
        if share < 0.1:
            plan.append(Persona(f"管理员{index}", "admin", []))
        elif share < 0.4:
            plan.append(Persona(f"审核人{index}", "reviewer", rng.sample(departments, 5)))
        elif share < 0.9:
            plan.append(Persona(f"填报人{index}", "filer", [departments[index % len(departments)]]))
        else:
            plan.append(Persona(f"只读{index}", "viewer", rng.sample(departments, 3)))
    principals = []
    with store.write() as session:
        for persona in plan:
            existing = session.scalar(select(User).where(User.name == persona.name))
            if existing is not None:  # a kept store: the same users as last time
                persona.role = existing.role
                persona.departments = [d.name for d in existing.departments]
                principals.append(principal(session, existing))
                continue
            principals.append(
                principal(session, add_user(session, persona.name, PASSWORD, persona.role, persona.departments))
            )
    for persona, actor in zip(plan, principals, strict=True):
        persona.token = create_token(store, actor, "压测")
    with store.read() as session:
        names = dict(session.execute(text("select name, id from departments")).all())
        rows = session.execute(select(StoredForm.id, StoredForm.document_id, StoredForm.department_id)).all()
    for persona in plan:
        allowed = {names[d] for d in persona.departments}
        persona.department_ids = sorted(allowed)
        for form_id, document_id, department_id in rows:
            if persona.role == "admin" or department_id in allowed:
                persona.forms.append(form_id)
                persona.documents.append(document_id)
    return plan


@dataclass(slots=True)
class Tally:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    server: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # Server-Timing, s
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    conflicts: int = 0
    samples: list[str] = field(default_factory=list)


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")


async def _timed(tally: Tally, kind: str, call: object) -> httpx.Response | None:
    start = time.perf_counter()
    try:
        response: httpx.Response = await call  # type: ignore[misc]
    except httpx.HTTPError as error:
        tally.errors[kind] += 1
        tally.samples.append(f"{kind}: {type(error).__name__} {error}")
        return None
    tally.times[kind].append(time.perf_counter() - start)
    timing = SERVER_TIMING.search(response.headers.get("server-timing", ""))
    if timing:
        tally.server[kind].append(float(timing.group(1)) / 1000)
    if response.status_code == 409 and kind == "修改":
        tally.conflicts += 1
    elif response.status_code >= 400:
        tally.errors[kind] += 1
        if len(tally.samples) < 10:
            tally.samples.append(f"{kind} {response.request.url.path}: {response.status_code} {response.text[:120]}")
    return response


async def login(base: str, persona: Persona) -> tuple[httpx.AsyncClient, dict[str, str]]:
    """Sign in through the login form (before the clock starts: argon2 is slow on purpose)."""
    client = httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=False)
    token = CSRF.search((await client.get("/login")).text)
    assert token
    response = await client.post(
        "/login", data={"name": persona.name, "password": PASSWORD, "csrf_token": token.group(1), "next": "/"}
    )
    assert response.status_code == 303, response.text[:200]
    token = CSRF.search((await client.get("/account")).text)
    assert token
    return client, {"X-CSRF-Token": token.group(1)}


async def user(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    persona: Persona,
    deadline: float,
    think: float,
    tally: Tally,
    seed: int,
) -> None:
    rng = random.Random(seed)
    try:
        await asyncio.sleep(rng.uniform(0, 2 * think))  # users arrive over a while, not all in the same instant
        years = [2019, 2020, 2021, 2022, 2023, 2024]
        while time.monotonic() < deadline:
            roll = rng.random()
            department = rng.choice(persona.department_ids) if persona.department_ids else None
            if roll < 0.30:
                url = rng.choice(
                    [
                        f"/documents?year={rng.choice(years)}",
                        f"/forms?kind=project&page={rng.randint(1, 5)}",
                        "/findings?severity=error",
                        f"/documents?errors=1&department={department or ''}",
                        f"/forms?grade=优&year={rng.choice(years)}",
                        "/documents?q=总工会",
                    ]
                )
                await _timed(tally, "列表", client.get(url))
            elif roll < 0.45 and persona.documents:
                await _timed(tally, "文档页", client.get(f"/documents/{rng.choice(persona.documents)}"))
            elif roll < 0.80 and persona.forms:
                form_id = rng.choice(persona.forms)
                page = await _timed(tally, "表单页", client.get(f"/forms/{form_id}"))
                if (
                    persona.role == "filer"
                    and page is not None
                    and rng.random() < 0.4
                    and 'name="indicators[0].note"' in page.text
                ):
                    version = VERSION.search(page.text)
                    if version:
                        await _timed(
                            tally,
                            "修改",
                            client.post(
                                f"/forms/{form_id}/edit",
                                data={
                                    "version": version.group(1),
                                    "indicators[0].note": f"核对 {rng.randint(1, 10**6)}",
                                },
                                headers={**headers, "HX-Request": "true"},
                            ),
                        )
            elif roll < 0.90:
                await _timed(
                    tally, "看板", client.get(rng.choice(["/dashboard", f"/dashboard?year={rng.choice(years)}"]))
                )
            elif roll < 0.95:
                await _timed(
                    tally, "导出CSV", client.get(f"/forms.csv?department={department or ''}&year={rng.choice(years)}")
                )
            else:
                api = f"/api/v1/forms?year={rng.choice(years)}" + (f"&department={department}" if department else "")
                await _timed(tally, "接口", client.get(api, headers={"Authorization": f"Bearer {persona.token}"}))
            await asyncio.sleep(rng.uniform(0, 2 * think))
    finally:
        await client.aclose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def serve(url: str, folder: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    log = (folder / "serve.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from jixiao.cli import app; app()",
            "serve",
            "--port",
            str(port),
            "--database",
            url,
            "--workers",
            str(workers),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=folder,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("jixiao serve did not start")


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _seeded(store: Store) -> tuple[int, int, list[str]] | None:
    """The documents, forms and departments of a store seeded before (None when it is empty)."""
    with store.read() as session:
        documents = session.scalar(select(func.count()).select_from(StoredDocument)) or 0
        forms = session.scalar(select(func.count()).select_from(StoredForm)) or 0
        names = [str(n) for n in session.scalars(select(Department.name).order_by(Department.id))]
    return (documents, forms, names) if documents else None


def run(label: str, url: str, args: argparse.Namespace, folder: Path) -> None:
    rng = random.Random(args.seed)
    store = Store(url)
    store.migrate()
    start = time.perf_counter()
    found = _seeded(store)
    if found is None:
        documents, forms, departments = seed(store, args.forms, rng)
        how = f"生成与入库 {time.perf_counter() - start:.0f} 秒"
    else:
        documents, forms, departments = found
        how = "沿用已有数据库"
    people = personas(store, departments, args.users, rng)
    store.dispose()
    print(
        f"\n== {label}: {documents} 份文档、{forms} 张表（{how}），{len(people)} 个并发用户，"
        f"{args.duration} 秒，思考时间 0–{2 * args.think:g} 秒，{args.workers} 个服务进程 =="
    )
    process, base = serve(url, folder, args.workers)
    tally = Tally()
    try:

        async def main() -> float:
            signed_in = []
            for persona in people:  # one at a time: logins are not what is measured
                signed_in.append(await login(base, persona))
            began = time.perf_counter()
            deadline = time.monotonic() + args.duration
            await asyncio.gather(
                *(
                    user(c, h, p, deadline, args.think, tally, i)
                    for i, ((c, h), p) in enumerate(zip(signed_in, people, strict=True))
                )
            )
            return time.perf_counter() - began

        elapsed = asyncio.run(main())
    finally:
        process.terminate()
        process.wait(timeout=20)
    total = sum(len(v) for v in tally.times.values())
    print("客户端测得的延迟（含排队）；“服务端”为应用自报的 Server-Timing（请求进入应用到开始响应）")
    print(
        f"{'请求类型':<8}{'次数':>7}{'p50 ms':>9}{'p95 ms':>9}{'最大 ms':>9}{'错误':>6}{'目标 p95':>10}  达标"
        f"{'服务端 p50':>12}{'服务端 p95':>11}"
    )
    met = True
    for kind in PAGE_KINDS:
        values = tally.times.get(kind, [])
        if values:
            goal = GOALS_MS.get(kind, PAGE_GOAL_MS)
            ok = _p(values, 0.95) < goal and not tally.errors.get(kind, 0)
            met = met and ok
            server = tally.server.get(kind) or [float("nan")]
            print(
                f"{kind:<8}{len(values):>7}{statistics.median(values) * 1000:>9.1f}{_p(values, 0.95):>9.1f}"
                f"{max(values) * 1000:>9.1f}{tally.errors.get(kind, 0):>6}{f'< {goal:g}':>10}  {'是' if ok else '否'}"
                f"{statistics.median(server) * 1000:>12.1f}{_p(server, 0.95):>11.1f}"
            )
    errors = sum(tally.errors.values())
    print(
        f"合计 {total} 个请求，{total / elapsed:.1f} 个/秒；错误 {errors}（目标 0）；"
        f"并发修改冲突（409，按设计拒绝）{tally.conflicts}；"
        + ("全部达标" if met and errors == 0 else "未全部达标")
        + f"；负载 {' '.join(f'{x:.2f}' for x in os.getloadavg())}（1/5/15 分钟，{os.cpu_count()} 核）"
    )
    for sample in tally.samples[:10]:
        print("  ", sample)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--forms", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--think", type=float, default=5.0, help="mean pause between a user's requests (s)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (jixiao serve --workers)")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("JIXIAO_TEST_POSTGRES_URL"),
        help="a PostgreSQL server URL (its database is not touched; a new one is made and dropped)",
    )
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--db", type=Path, help="SQLite file to keep: seeded on the first run, reused afterwards")
    parser.add_argument(
        "--pg-database", help="database on the --postgres server to keep: seeded on the first run, reused afterwards"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.only != "postgresql":
            path = args.db.resolve() if args.db else folder / "bench.db"
            run("SQLite", f"sqlite:///{path}", args, folder)
        if args.postgres and args.only != "sqlite":
            _postgres(args, folder)


def _postgres(args: argparse.Namespace, folder: Path) -> None:
    name = args.pg_database or f"jixiao_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        present = connection.scalar(text("select 1 from pg_database where datname = :n"), {"n": name})
        if not present:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        run(
            "PostgreSQL", make_url(args.postgres).set(database=name).render_as_string(hide_password=False), args, folder
        )
    finally:
        if not args.pg_database:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
