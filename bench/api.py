"""Reuse API benchmark: a subject's documents (with the audit write) over 1,000,000 documents.

    .venv/bin/python bench/api.py [--documents 1000000] [--rate 200] [--seconds 25] [--workers 2]

What it does, in one run, on a database it creates and drops on the PostgreSQL server at
SOHOA_BENCH_PG_URL (default: the test server, postgresql+psycopg://postgres@127.0.0.1:5432/postgres):

1. migrates it, then fills it server-side (INSERT … SELECT generate_series) with `--documents`
   synthetic documents, one subject per four documents, linked as holder; 90 % verified;
2. hands `--in-process` requests to the app itself (no HTTP, one at a time) for the app's CPU per
   request: a figure a loaded machine changes much less than the latencies below;
3. starts `uvicorn sohoa.web.app:create_app` in a subprocess (`--workers` processes, uvloop and
   httptools when installed, no access log) — what `sohoa serve --workers N` runs;
4. drives GET /v1/subjects/{id}/documents at a fixed OPEN-LOOP rate: requests are launched on a
   timetable, not after the previous answer, and latency counts from the scheduled time, so a
   slow server is not hidden by a polite client (coordinated omission). The client is a minimal
   HTTP/1.1 keep-alive client on asyncio streams (a new connection whenever none is idle), about
   a tenth of httpx's CPU per request; its CPU per request is printed, as it shares the machine;
5. runs the same statements the endpoint runs (the same statement objects: subject lookup, the
   page with its roles, the guarded audit insert), then commit, directly on SQLAlchemy Core
   connections from a pool of threads, at the same rate;
6. steps the API rate up from `--step-start` to find the highest rate held with p99 <= 50 ms.

Prints a table: p50/p99 of both, the ratio API/SQL (p50 and p99), the highest rate held, the
client's CPU per request, the app's CPU per request in-process and the load average before and
after.
Targets (issue 7): p99 <= 25 ms at 200/s, API/SQL <= 3. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from loaders import principals, queries, reads  # noqa: E402
from loaders.db import make_engine, upgrade  # noqa: E402
from loaders.models import SubjectKind, utcnow  # noqa: E402
from sohoa.auth import apikeys  # noqa: E402

PG_URL = os.environ.get(
    "SOHOA_BENCH_PG_URL",
    os.environ.get("SOHOA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
)
SECRET = secrets.token_urlsafe(32)
PURPOSE = "benchmark"
DOCS_PER_SUBJECT = 4
PAGE = 50
P99_LIMIT_MS = 50.0
SQL_THREADS = 10


@dataclass
class Result:
    label: str
    rate: float
    sent: int
    errors: int
    latencies_ms: list[float]
    client_cpu_ms: float = float("nan")  # the load generator's CPU per request

    def pct(self, q: float) -> float:
        data = sorted(self.latencies_ms)
        if not data:
            return float("nan")
        return data[min(len(data) - 1, round(q / 100 * (len(data) - 1)))]


# -- the database -------------------------------------------------------------------------------


def create_database() -> tuple[str, sa.Engine]:
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    name = f"sohoa_bench_{os.getpid()}_{secrets.token_hex(3)}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False), admin


def drop_database(url: str, admin: sa.Engine) -> None:
    name = make_url(url).database
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


FILL = [
    # subjects: 12-digit personal IDs 001000000001…, Hà Nội (01)
    """
    INSERT INTO subjects (id, public_id, kind, key, province_code, created_at, updated_at)
    SELECT i, md5('s' || i), 'person', '001' || lpad(i::text, 9, '0'), '01', now(), now()
    FROM generate_series(1, :subjects) AS i
    """,
    """
    INSERT INTO documents (id, sha256, doc_type, attributes, status, page_count, media_type, size,
                           valid_from, valid_to, province_code, current_version, lock_version,
                           created_at, updated_at)
    SELECT i, md5(i::text) || md5((-i)::text),
           (ARRAY['id_card', 'birth_certificate', 'land_use_certificate',
                  'application_form'])[1 + i % 4],
           '{}'::jsonb,
           CASE WHEN i % 10 = 0 THEN 'needs_review' ELSE 'verified' END,
           1, 'application/pdf', 100000,
           DATE '2012-01-01' + (i % 4000),
           CASE WHEN i % 3 = 0 THEN NULL ELSE DATE '2012-01-01' + (i % 4000) + 5475 END,
           '01', 1, 1, now(), now()
    FROM generate_series(1, :documents) AS i
    """,
    """
    INSERT INTO document_subjects (id, document_id, subject_id, role, created_at)
    SELECT i, i, 1 + (i - 1) / :per_subject, 'holder', now()
    FROM generate_series(1, :documents) AS i
    """,
]


def fill(engine: sa.Engine, documents: int) -> float:
    subjects = documents // DOCS_PER_SUBJECT
    started = time.perf_counter()
    params = {"subjects": subjects, "documents": documents, "per_subject": DOCS_PER_SUBJECT}
    with engine.begin() as conn:
        for statement in FILL:
            conn.execute(sa.text(statement), params)
        for table in ("subjects", "documents", "document_subjects"):
            conn.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
                )
            )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE subjects, documents, document_subjects"))
    return time.perf_counter() - started


def make_key(engine: sa.Engine) -> tuple[str, int]:
    from sqlalchemy.orm import Session

    new = apikeys.generate(SECRET)
    with Session(engine) as session:
        row = principals.create_service(
            session,
            name=f"bench-{secrets.token_hex(3)}",
            role="reader",
            key_prefix=new.prefix,
            key_digest=new.digest,
        )
        session.commit()
        return new.key, row.id


# -- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, port: int, objects: Path, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SOHOA_DATABASE_URL": url,
        "SOHOA_STORAGE_URL": f"file://{objects}",
        "SOHOA_SECRET_KEY": SECRET,
        "SOHOA_LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "sohoa.web.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env, cwd=REPO)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _ = asyncio.run(_get_once(port, b"/v1/health", b""))
            if status == 200:
                time.sleep(2 if workers > 1 else 0)  # let every worker finish starting
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the API server did not start")


# -- load ---------------------------------------------------------------------------------------


def subject_key(i: int) -> str:
    return "001" + str(i).zfill(9)


class _Connections:
    """Idle keep-alive connections to the server; a new one is opened when none is idle. A
    connection idle longer than uvicorn's keep-alive (5 s) is closed by the server: not reused."""

    MAX_IDLE_S = 4.0

    def __init__(self, port: int) -> None:
        self.port = port
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []

    async def request(self, raw: bytes) -> int:
        while self.idle:
            reader, writer, since = self.idle.pop()
            if time.monotonic() - since < self.MAX_IDLE_S:
                break
            writer.close()
        else:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        writer.write(raw)
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        await reader.readexactly(length)
        self.idle.append((reader, writer, time.monotonic()))
        return int(head[9:12])

    def close(self) -> None:
        for _, writer, _ in self.idle:
            writer.close()


def _raw_get(path: bytes, headers: bytes) -> bytes:
    return b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + b"\r\n"


async def _get_once(port: int, path: bytes, headers: bytes) -> tuple[int, None]:
    connections = _Connections(port)
    try:
        return await connections.request(_raw_get(path, headers)), None
    finally:
        connections.close()


async def open_loop(
    port: int, key: str, subjects: int, rate: float, seconds: float, label: str
) -> Result:
    """Launch requests at `rate` per second on a fixed timetable; latency from scheduled time."""
    headers = f"Authorization: Bearer {key}\r\nX-Purpose: {PURPOSE}\r\n".encode()
    count = int(rate * seconds)
    latencies: list[float] = []
    errors = 0
    kinds: dict[str, int] = {}
    rng = random.Random(7)

    def raw() -> bytes:
        path = f"/v1/subjects/{subject_key(rng.randint(1, subjects))}/documents".encode()
        return _raw_get(path, headers)

    connections = _Connections(port)
    # warm up connections and caches
    await asyncio.gather(*(connections.request(raw()) for _ in range(50)))
    requests = [raw() for _ in range(count)]
    cpu = time.process_time()
    # perf_counter, not loop.time(): uvloop's clock has millisecond steps
    start = time.perf_counter() + 0.2

    async def one(scheduled: float, request: bytes) -> None:
        nonlocal errors
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        try:
            status = await connections.request(request)
            if status != 200:
                errors += 1
                kinds[f"HTTP {status}"] = kinds.get(f"HTTP {status}", 0) + 1
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            errors += 1
            kinds[type(exc).__name__] = kinds.get(type(exc).__name__, 0) + 1
        latencies.append((time.perf_counter() - scheduled) * 1000)

    await asyncio.gather(*(one(start + i / rate, r) for i, r in enumerate(requests)))
    client_cpu = (time.process_time() - cpu) * 1000 / count
    connections.close()
    if kinds:
        print(f"  {label}: errors {kinds}", flush=True)
    return Result(label, rate, count, errors, latencies, client_cpu)


def run_loop(*args: object) -> Result:
    """`open_loop` on uvloop when installed (the lighter client), else asyncio's loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(open_loop(*args))  # type: ignore[arg-type]
    return uvloop.run(open_loop(*args))  # type: ignore[arg-type]


def sql_direct(
    engine: sa.Engine, principal_id: int, subjects: int, rate: float, seconds: float
) -> Result:
    """The endpoint's statements straight through SQLAlchemy Core, on the same timetable, from
    a pool of connections (the work without HTTP, auth, FastAPI and the session): the very
    statement objects the endpoint executes, then commit."""
    rng = random.Random(7)
    today = date.today()
    subject_q = queries._SUBJECT_BY_KEY
    documents_q = queries._subject_documents_statement(False, False, False)
    audit_q = reads._RECORD_READ
    latencies: list[float] = []
    count = int(rate * seconds)
    local = threading.local()
    lock = threading.Lock()

    def once() -> None:
        if not hasattr(local, "conn"):
            local.conn = engine.connect()
        conn = local.conn
        with lock:
            key = subject_key(rng.randint(1, subjects))
        subject = conn.execute(subject_q, {"kind": SubjectKind.PERSON, "key": key}).one()
        rows = conn.execute(
            documents_q,
            {"subject_id": subject.id, "valid_on": today, "after_id": 0, "n": PAGE + 1},
        ).all()
        ids = list(dict.fromkeys(r.id for r in rows))[:PAGE]
        written = conn.execute(
            audit_q,
            {
                "at": utcnow(),
                "action": "read.documents",
                "document_id": None,
                "subject_public_id": subject.public_id,
                "purpose": PURPOSE,
                "detail": {"documents": ids, "valid_on": today.isoformat()},
                "principal_id": principal_id,
            },
        ).rowcount
        assert written == 1
        conn.commit()

    def timed(scheduled: float) -> None:
        once()
        with lock:
            latencies.append((time.perf_counter() - scheduled) * 1000)

    # A pool like the server's: requests that arrive together run side by side, not queued.
    with ThreadPoolExecutor(max_workers=SQL_THREADS) as pool:
        list(pool.map(lambda _: once(), range(50)))
        start = time.perf_counter() + 0.1
        futures = []
        for i in range(count):
            scheduled = start + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(timed, scheduled))
        for future in futures:
            future.result()
    return Result("SQL direct", rate, count, 0, latencies)


def in_process(url: str, key: str, subjects: int, count: int) -> tuple[float, float]:
    """The app's own CPU per request: `count` requests handed to the ASGI app directly (no HTTP
    parsing, no client in the way), one after the other, on this process's clock. What a loaded
    machine does not change much, unlike the open-loop latencies: (CPU ms, wall p50 ms)."""
    from sohoa.runtime import Runtime
    from sohoa.settings import Settings
    from sohoa.web.app import create_app

    with tempfile.TemporaryDirectory() as objects:
        settings = Settings(database_url=url, storage_url=f"file://{objects}", secret_key=SECRET)
        runtime = Runtime(settings)
        app = create_app(runtime)
        headers = [
            (b"host", b"bench"),
            (b"authorization", f"Bearer {key}".encode()),
            (b"x-purpose", PURPOSE.encode()),
        ]
        rng = random.Random(11)

        async def one() -> None:
            path = f"/v1/subjects/{subject_key(rng.randint(1, subjects))}/documents"
            scope = {
                "type": "http",
                "asgi": {"version": "3.0"},
                "http_version": "1.1",
                "method": "GET",
                "scheme": "http",
                "path": path,
                "raw_path": path.encode(),
                "query_string": b"",
                "root_path": "",
                "headers": headers,
                "client": ("127.0.0.1", 1),
                "server": ("127.0.0.1", 80),
            }
            status: list[int] = []

            async def receive() -> dict[str, object]:
                return {"type": "http.request", "body": b"", "more_body": False}

            async def send(message: dict[str, object]) -> None:
                if message["type"] == "http.response.start":
                    status.append(int(message["status"]))  # type: ignore[call-overload]

            await app(scope, receive, send)
            assert status == [200], status

        async def run() -> tuple[float, float]:
            for _ in range(50):  # warm up: key cache, statements, pool
                await one()
            walls: list[float] = []
            cpu = time.process_time()
            for _ in range(count):
                started = time.perf_counter()
                await one()
                walls.append((time.perf_counter() - started) * 1000)
            return (time.process_time() - cpu) * 1000 / count, statistics.median(walls)

        try:
            return asyncio.run(run())
        finally:
            runtime.close()


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=25.0)
    parser.add_argument("--step-seconds", type=float, default=10.0)
    parser.add_argument("--step-start", type=float, default=25.0)
    parser.add_argument("--max-rate", type=float, default=1600.0)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument(
        "--in-process",
        type=int,
        default=500,
        help="requests handed to the app in-process first, for its CPU per request (0: none)",
    )
    parser.add_argument(
        "--database",
        help="an already migrated and filled database URL to use as is (not filled, not dropped); "
        "--documents must match its fill",
    )
    args = parser.parse_args()
    # on SIGTERM, still stop the server and drop the database (the finally clause below)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    load_before = os.getloadavg()
    url, admin = (args.database, None) if args.database else create_database()
    server = None
    try:
        engine = make_engine(url)
        if admin is not None:
            upgrade(url)
            print(f"filling {args.documents:,} documents …", flush=True)
            took = fill(engine, args.documents)
            print(f"filled in {took:.1f} s", flush=True)
        key, principal_id = make_key(engine)
        subjects = args.documents // DOCS_PER_SUBJECT
        app_cpu = app_wall = float("nan")
        if args.in_process:
            print(f"in-process, {args.in_process} requests one by one …", flush=True)
            app_cpu, app_wall = in_process(url, key, subjects, args.in_process)

        port = free_port()
        with tempfile.TemporaryDirectory() as objects:
            server = start_server(url, port, Path(objects), args.workers)
            load_start = os.getloadavg()
            print(f"API at {args.rate:.0f}/s for {args.seconds:.0f} s …", flush=True)
            api = run_loop(port, key, subjects, args.rate, args.seconds, "API")
            print(f"SQL at {args.rate:.0f}/s for {args.seconds:.0f} s …", flush=True)
            sql = sql_direct(engine, principal_id, subjects, args.rate, args.seconds)
            print("stepping the API rate up …", flush=True)

            held = 0.0
            steps: list[Result] = []
            rate = args.step_start
            while rate <= args.max_rate:
                step = run_loop(
                    port, key, subjects, rate, args.step_seconds, f"API step {rate:.0f}/s"
                )
                steps.append(step)
                if step.pct(99) > P99_LIMIT_MS or step.errors:
                    break
                held = rate
                rate *= 1.5 if rate < 800 else 1.25
            load_end = os.getloadavg()
        engine.dispose()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        if admin is not None:
            drop_database(url, admin)

    def row(r: Result) -> tuple[str, ...]:
        return (
            r.label,
            f"{r.rate:.0f}",
            str(r.sent),
            str(r.errors),
            f"{r.pct(50):.2f}",
            f"{r.pct(99):.2f}",
            f"{statistics.fmean(r.latencies_ms):.2f}",
            "" if r.client_cpu_ms != r.client_cpu_ms else f"{r.client_cpu_ms:.2f}",
        )

    def load(values: tuple[float, float, float]) -> str:
        return " ".join(f"{v:.2f}" for v in values)

    print()
    print(
        f"GET /v1/subjects/{{id}}/documents, {args.documents:,} documents, open loop, "
        f"{args.workers} uvicorn worker(s), {os.cpu_count()} CPUs"
    )
    print(
        f"load average (1/5/15 min): before filling {load(load_before)}, "
        f"at the first API run {load(load_start)}, after the last step {load(load_end)}"
    )
    print(
        table(
            [
                (
                    "run",
                    "rate/s",
                    "requests",
                    "errors",
                    "p50 ms",
                    "p99 ms",
                    "mean ms",
                    "client CPU ms/req",
                ),
                row(api),
                row(sql),
            ]
            + [row(s) for s in steps]
        )
    )
    print()
    ratio50 = api.pct(50) / sql.pct(50)
    ratio99 = api.pct(99) / sql.pct(99)
    summary: list[tuple[str, str, str, str]] = [
        ("measure", "value", "limit", "ok"),
        (f"API p99 at {args.rate:.0f}/s", f"{api.pct(99):.2f} ms", "25 ms", _ok(api.pct(99) <= 25)),
        ("API/SQL p50", f"{ratio50:.2f}", "3", _ok(ratio50 <= 3)),
        ("API/SQL p99", f"{ratio99:.2f}", "3", _ok(ratio99 <= 3)),
        ("highest rate with p99 <= 50 ms", f"{held:.0f}/s", "", ""),
        ("app CPU per request, in-process", f"{app_cpu:.2f} ms (p50 {app_wall:.2f} ms)", "", ""),
    ]
    print(table(summary))


def _ok(condition: bool) -> str:
    return "yes" if condition else "NO"


if __name__ == "__main__":
    main()
