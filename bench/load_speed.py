"""(e) Warehouse loading on PostgreSQL: field rows/s of both load paths vs a raw COPY, one run.

    .venv/bin/python bench/load_speed.py [--documents 300]

Ours, twice, each on its own fresh warehouse, timed from extractions in memory to committed rows:
- bulk: as the pipeline loads a chunk (`loaders.bulk_load.load_extractions`, one transaction per
  `LOAD_TRANSACTION_SIZE` = 200 documents: subjects, documents, versions, field values, links,
  audit entries, change events, all set-based);
- per document: `loaders.load.load_extraction`, one transaction per document (what `load_file`
  still does for a single retried file).
The limit: PostgreSQL's COPY of the same field rows (document id, name, value, raw, confidence,
page, box) into a table shaped like `field_values`, in one transaction. All on fresh databases of
the machine's PostgreSQL (SOHOA_TEST_PG_URL), dropped afterwards. ratio = ours rows/s ÷ COPY
rows/s (target ≥ 0.5); `ratio` is the bulk path's, the pipeline's path.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import secrets
import time

import sqlalchemy as sa
from _common import emit  # type: ignore[import-not-found]

from loaders.bulk_load import BulkItem, load_extractions
from loaders.db import make_engine, make_session_factory, upgrade
from loaders.load import load_extraction
from sohoa.pipeline.load import LOAD_TRANSACTION_SIZE
from tests.loaders import factories

PG_URL = os.environ.get(
    "SOHOA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def extractions(n: int) -> list:  # type: ignore[type-arg]
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


def _fresh_database(admin: sa.Engine, tag: str) -> str:
    name = f"sohoa_bench_load_{tag}_{secrets.token_hex(3)}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    return name


def _per_document(url: str, batch: list) -> float:  # type: ignore[type-arg]
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    started = time.perf_counter()
    for extraction in batch:
        with sessions() as session:
            load_extraction(session, extraction)
            session.commit()
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def _bulk(url: str, batch: list) -> float:  # type: ignore[type-arg]
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with sessions() as session:  # connect and warm the pool outside the timing, as above
        session.execute(sa.text("SELECT 1"))
    started = time.perf_counter()
    for start in range(0, len(batch), LOAD_TRANSACTION_SIZE):
        items = [BulkItem(e) for e in batch[start : start + LOAD_TRANSACTION_SIZE]]
        with sessions() as session:
            load_extractions(session, items)
            session.commit()
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def _copy(url: str, batch: list) -> float:  # type: ignore[type-arg]
    engine = make_engine(url)
    copy_rows = [
        (i, f.name, f.value, f.raw, f.confidence, f.page, json.dumps(dataclasses.asdict(f.box)))
        for i, e in enumerate(batch)
        for f in e.fields
    ]
    with engine.connect() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE copy_target (document_id int, name varchar(64), value text, "
            "raw text, confidence float, page int, box jsonb)"
        )
        conn.commit()
    raw = engine.raw_connection()
    try:
        started = time.perf_counter()
        with (
            raw.cursor() as cur,
            cur.copy(
                "COPY copy_target (document_id, name, value, raw, confidence, page, box) FROM STDIN"
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=300)
    args = parser.parse_args()
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    names = [_fresh_database(admin, tag) for tag in ("one", "bulk")]
    urls = [
        sa.engine.make_url(PG_URL).set(database=n).render_as_string(hide_password=False)
        for n in names
    ]
    try:
        for url in urls:
            upgrade(url)
        batch = extractions(args.documents)
        rows = sum(len(e.fields) for e in batch)
        per_document_s = _per_document(urls[0], batch)
        bulk_s = _bulk(urls[1], batch)
        copy_s = _copy(urls[1], batch)
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()
    copy_rate = rows / copy_s
    emit(
        {
            "benchmark": "load_speed",
            "documents": args.documents,
            "field_rows": rows,
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "bulk_seconds": round(bulk_s, 3),
            "per_document_seconds": round(per_document_s, 3),
            "copy_seconds": round(copy_s, 4),
            "bulk_rows_per_s": round(rows / bulk_s, 1),
            "per_document_rows_per_s": round(rows / per_document_s, 1),
            "copy_rows_per_s": round(copy_rate, 1),
            "ratio": round((rows / bulk_s) / copy_rate, 4),
            "per_document_ratio": round((rows / per_document_s) / copy_rate, 4),
            "target": ">= 0.5",
        }
    )


if __name__ == "__main__":
    main()
