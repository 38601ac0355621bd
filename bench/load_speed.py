"""(e) Warehouse loading on PostgreSQL: field rows/s of the bulk load path vs a raw COPY, one run.

    .venv/bin/python bench/load_speed.py [--documents 2000] [--small 300] [--repeat 3]
                                         [--per-document 300] [--auto-verify-confidence X] [--batch]
                                         [--breakdown]

Ours, timed from extractions in memory to committed rows, each run on a fresh warehouse cloned
from a migrated template:
- bulk: as the pipeline loads a chunk (`loaders.bulk_load.load_extractions`, one transaction per
  `LOAD_TRANSACTION_SIZE` = 200 documents: subjects, documents, versions, field values, links,
  audit entries and, for documents that auto-verify, change events);
- per document: `loaders.load.load_extraction`, one transaction per document (what `load_file`
  still does for a single retried file), on `--per-document` documents only (it is far slower).
The limit: PostgreSQL's COPY of the same field rows (document id, name, value, raw, confidence,
page, box) into a fresh table shaped like `field_values` (no index, no constraint), in one
transaction, in the database the bulk run just filled. All on the machine's PostgreSQL
(SOHOA_TEST_PG_URL); every database is dropped afterwards.

Sizes. `ratio` is measured at `--documents` (default 2,000: ten full transactions, a realistic
chunk of a batch, so the fixed cost of a transaction is spread as in production); the same figures
at `--small` documents (default 300, the size this benchmark used before 2026-11-23: one full and
one part transaction) are reported beside it under `small`. Each size is measured `--repeat` times
(default 3) on a fresh warehouse each time, the COPY three times after each bulk run (it takes tens
of milliseconds, so one sample is noisy), and the medians are reported. ratio = bulk rows/s ÷ COPY
rows/s at the same size (target ≥ 0.5).

Workload. 9 fields per ID card, one new person each (all born the same day, so every transaction
also reads back every person loaded before it for the name + birth-date rule), auto-verify off (the
default setting: every field pending, so no change events) and no batch, unless
`--auto-verify-confidence` (fields at or above it auto-verify, documents are verified and each
writes a `document.verified` event) and `--batch` (files registered in a batch beforehand, outside
the timing, and marked loaded by the load, as `sohoa run` does) say otherwise.

`bulk_cpu` (each size, medians): the CPU seconds a bulk run used in the client (all its threads)
and in its PostgreSQL backend (from /proc, when the server runs on this host; else null). On a
shared host the wall time also waits for cores; the CPU split says what the work itself costs
and which side of the connection it is on.

`--breakdown` adds, at `--documents`, what the field rows alone cost in the shape the warehouse
keeps them (see `breakdown`): how far the limit is from the table the rows really go to.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import secrets
import statistics
import time
from typing import Any

import sqlalchemy as sa
from _common import emit  # type: ignore[import-not-found]

from extractors.records import Extraction
from loaders.batches import start_run
from loaders.bulk_load import FIELD_COLUMNS, BulkItem, load_extractions
from loaders.db import make_engine, make_session_factory, upgrade
from loaders.load import load_extraction
from loaders.models import BatchFile
from sohoa.pipeline.load_step import LOAD_TRANSACTION_SIZE
from tests.loaders import factories

PG_URL = os.environ.get(
    "SOHOA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BATCH = "bench-load"


def extractions(n: int) -> list[Extraction]:
    out = []
    for i in range(n):
        extra = tuple(
            factories.field(name, f"giá trị {name} {i}")
            for name in ("place_of_origin", "place_of_residence", "nationality", "sex")
        )
        out.append(
            factories.id_card(
                id_number=f"0010990{i:05d}",
                full_name=f"Nguyễn Văn {i}",
                extra=extra,
            )
        )
    return out


class Databases:
    """A migrated template and its clones, made and dropped through an autocommit connection."""

    def __init__(self) -> None:
        self.admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        self.prefix = f"sohoa_bench_load_{secrets.token_hex(3)}"
        self.names: list[str] = []
        self.template = self._create()
        upgrade(self.url(self.template))

    def url(self, name: str) -> str:
        return sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    def _create(self, template: str | None = None) -> str:
        name = f"{self.prefix}_{len(self.names)}"
        clause = f" TEMPLATE {template}" if template else ""
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}{clause}")
        self.names.append(name)
        return name

    def fresh(self) -> str:
        """The URL of a new migrated warehouse."""
        return self.url(self._create(self.template))

    def drop_all(self) -> None:
        with self.admin.connect() as conn:
            for name in self.names:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.admin.dispose()


def _register(url: str, batch: list[Extraction]) -> None:
    """List every file in the batch, as intake does (not timed)."""
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        run = start_run(session, BATCH, "inbox/bench")
        session.execute(
            sa.insert(BatchFile),
            [
                {"batch_id": run.batch_id, "sha256": e.sha256, "original_name": f"{n}.png"}
                for n, e in enumerate(batch)
            ],
        )
        session.commit()
    engine.dispose()


def _per_document(url: str, batch: list[Extraction], threshold: float | None) -> float:
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with sessions() as session:  # connect and warm the pool outside the timing, as below
        session.execute(sa.text("SELECT 1"))
    started = time.perf_counter()
    for extraction in batch:
        with sessions() as session:
            load_extraction(session, extraction, auto_verify_confidence=threshold)
            session.commit()
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def _backend_cpu(pid: int) -> float | None:
    """CPU seconds a local PostgreSQL backend has used (None: the server is not on this host)."""
    try:
        with open(f"/proc/{pid}/schedstat") as stat:
            return int(stat.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


def _bulk(
    url: str,
    batch: list[Extraction],
    threshold: float | None,
    batch_name: str | None,
    cpu: list[tuple[float, float | None]] | None = None,
) -> float:
    """Wall seconds of the bulk load; `cpu` gets (client CPU s, server backend CPU s or None):
    on a busy host the wall time waits for cores, CPU time says what the work itself costs."""
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with sessions() as session:  # connect and warm the pool outside the timing
        backend = session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
    server_before, client_before = _backend_cpu(backend), time.process_time()
    started = time.perf_counter()
    for start in range(0, len(batch), LOAD_TRANSACTION_SIZE):
        items = [BulkItem(e) for e in batch[start : start + LOAD_TRANSACTION_SIZE]]
        with sessions() as session:  # the pool hands back the same connection (backend)
            load_extractions(session, items, batch=batch_name, auto_verify_confidence=threshold)
            session.commit()
    elapsed = time.perf_counter() - started
    client, server_after = time.process_time() - client_before, _backend_cpu(backend)
    engine.dispose()
    if cpu is not None:
        server = (
            None if server_before is None or server_after is None else server_after - server_before
        )
        cpu.append((client, server))
    return elapsed


def _copy(url: str, batch: list[Extraction]) -> float:
    """The limit: the same field rows, COPY into a bare table, one transaction."""
    engine = make_engine(url)
    copy_rows = [
        (i, f.name, f.value, f.raw, f.confidence, f.page, json.dumps(dataclasses.asdict(f.box)))
        for i, e in enumerate(batch)
        for f in e.fields
    ]
    table = f"copy_target_{secrets.token_hex(3)}"
    with engine.connect() as conn:
        conn.exec_driver_sql(
            f"CREATE TABLE {table} (document_id int, name varchar(64), value text, "
            "raw text, confidence float, page int, box jsonb)"
        )
        conn.commit()
    raw = engine.raw_connection()
    try:
        started = time.perf_counter()
        with (
            raw.cursor() as cur,
            cur.copy(
                f"COPY {table} (document_id, name, value, raw, confidence, page, box) FROM STDIN"
            ) as copy,
        ):
            for row in copy_rows:
                copy.write_row(row)
        raw.commit()
        elapsed = time.perf_counter() - started
    finally:
        raw.close()
    engine.dispose()
    return elapsed


def _copy_into(url: str, table: str, rows: list[tuple[Any, ...]], keep: bool) -> float:
    """COPY `rows` (the loader's field_values columns) into `table`; rolled back unless `keep`."""
    engine = make_engine(url)
    raw = engine.raw_connection()
    try:
        started = time.perf_counter()
        with (
            raw.cursor() as cur,
            cur.copy(f"COPY {table} ({', '.join(FIELD_COLUMNS)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        if keep:
            raw.commit()
        elapsed = time.perf_counter() - started
        if not keep:
            raw.rollback()
    finally:
        raw.close()
    engine.dispose()
    return elapsed


def breakdown(url: str, batch: list[Extraction]) -> dict[str, float]:
    """Where the field rows' own cost goes, on the warehouse the bulk run filled: the same rows
    as the loader writes them (its 14 columns, two of them JSONB) COPYed into an unindexed copy of
    `field_values`, into a copy with its two indexes, and into `field_values` itself (its
    foreign key checked per row; names suffixed so they do not clash, rolled back). Medians of 3."""
    engine = make_engine(url)
    with engine.connect() as conn:
        ids = dict(conn.execute(sa.text("SELECT sha256, id FROM documents")).all())
        now = conn.execute(sa.text("SELECT now()")).scalar_one()
        conn.exec_driver_sql("CREATE TABLE fv_bare (LIKE field_values INCLUDING DEFAULTS)")
        conn.exec_driver_sql("CREATE TABLE fv_indexed (LIKE field_values INCLUDING ALL)")
        conn.commit()
    engine.dispose()
    rows = [
        (
            ids[e.sha256],
            f"{f.name}#2",
            f.value,
            f.raw,
            f.confidence,
            f.page,
            json.dumps(f.box.to_list() if f.box else None),
            "[]",
            "pending",
            f.value,
            1,
            None,
            None,
            now,
        )
        for e in batch
        for f in e.fields
    ]
    out = {}
    engine = make_engine(url)
    for label, table, keep in (
        ("bare_table", "fv_bare", True),
        ("with_indexes", "fv_indexed", True),
        ("field_values_itself", "field_values", False),
    ):
        runs = []
        for _ in range(3):
            runs.append(_copy_into(url, table, rows, keep))
            if keep:
                with engine.connect() as conn:
                    conn.exec_driver_sql(f"TRUNCATE {table}")
                    conn.commit()
        out[f"{label}_seconds"] = round(_median(runs), 4)
    engine.dispose()
    return out


def _median(runs: list[float]) -> float:
    return statistics.median(runs)


def measure(
    databases: Databases,
    documents: int,
    repeat: int,
    threshold: float | None,
    batch_name: str | None,
    explain: bool = False,
) -> dict[str, Any]:
    """Bulk and COPY at one size, `repeat` times each (fresh warehouse for every bulk run);
    `explain` adds `breakdown` on the last run's warehouse."""
    batch = extractions(documents)
    rows = sum(len(e.fields) for e in batch)
    bulk_runs, copy_runs = [], []
    cpu: list[tuple[float, float | None]] = []
    url = ""
    for _ in range(repeat):
        url = databases.fresh()
        if batch_name is not None:
            _register(url, batch)
        bulk_runs.append(_bulk(url, batch, threshold, batch_name, cpu))
        # the limit is short (tens of ms), so it is sampled three times as often
        copy_runs += [_copy(url, batch) for _ in range(3)]
    bulk_s, copy_s = _median(bulk_runs), _median(copy_runs)
    servers = [server for _, server in cpu if server is not None]
    extra = {"field_rows_breakdown": breakdown(url, batch)} if explain else {}
    return {
        "documents": documents,
        "field_rows": rows,
        "bulk_seconds": round(bulk_s, 3),
        "copy_seconds": round(copy_s, 4),
        "bulk_runs": [round(s, 3) for s in bulk_runs],
        "copy_runs": [round(s, 4) for s in copy_runs],
        "bulk_rows_per_s": round(rows / bulk_s, 1),
        "copy_rows_per_s": round(rows / copy_s, 1),
        "bulk_ms_per_document": round(1000 * bulk_s / documents, 3),
        "ratio": round(copy_s / bulk_s, 4),
        "bulk_cpu": {
            "client_seconds": round(_median([client for client, _ in cpu]), 3),
            "server_seconds": round(_median(servers), 3) if len(servers) == len(cpu) else None,
        },
        **extra,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=2000, help="size `ratio` is taken at")
    parser.add_argument("--small", type=int, default=300, help="second size (0: none)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (medians)")
    parser.add_argument(
        "--per-document", type=int, default=300, help="documents for load_extraction (0: skip)"
    )
    parser.add_argument("--auto-verify-confidence", type=float, default=None)
    parser.add_argument("--batch", action="store_true", help="register and mark batch files")
    parser.add_argument(
        "--breakdown", action="store_true", help="also time the field rows into field_values"
    )
    args = parser.parse_args()
    threshold, batch_name = args.auto_verify_confidence, (BATCH if args.batch else None)
    databases = Databases()
    try:
        result: dict[str, Any] = {"benchmark": "load_speed"}
        main_size = measure(
            databases, args.documents, args.repeat, threshold, batch_name, args.breakdown
        )
        small = (
            measure(databases, args.small, args.repeat, threshold, batch_name)
            if args.small
            else None
        )
        per_document: dict[str, Any] | None = None
        if args.per_document:
            batch = extractions(args.per_document)
            rows = sum(len(e.fields) for e in batch)
            url = databases.fresh()
            one_s = _per_document(url, batch, threshold)
            copy_s = _copy(url, batch)
            per_document = {
                "documents": args.per_document,
                "seconds": round(one_s, 3),
                "rows_per_s": round(rows / one_s, 1),
                "copy_seconds": round(copy_s, 4),
                "ratio": round(copy_s / one_s, 4),
            }
    finally:
        databases.drop_all()
    result.update(
        {
            "workload": {
                "auto_verify_confidence": threshold,
                "batch": batch_name is not None,
                "transaction_size": LOAD_TRANSACTION_SIZE,
            },
            "load_average": [round(x, 2) for x in os.getloadavg()],
            **main_size,
            "small": small,
            "per_document": per_document,
            "target": ">= 0.5",
        }
    )
    emit(result)


if __name__ == "__main__":
    main()
