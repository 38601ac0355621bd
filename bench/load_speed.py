"""(e) Warehouse loading on PostgreSQL: field rows/s through `load_extraction` vs a raw COPY.

    .venv/bin/python bench/load_speed.py [--documents 300]

Ours: every extraction loaded as the pipeline loads it (`loaders.load.load_extraction`, one
transaction per document: subject resolution, document, version, field values, audit, change
feed). The limit: PostgreSQL's COPY of the same field rows (document id, name, value, raw,
confidence, page, box) into a table shaped like `field_values`, in one transaction.
Both on a fresh database of the machine's PostgreSQL (SOHOA_TEST_PG_URL), dropped afterwards.
ratio = ours rows/s ÷ COPY rows/s (target ≥ 0.5).
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

from loaders.db import make_engine, make_session_factory, upgrade
from loaders.load import load_extraction
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=300)
    args = parser.parse_args()
    name = f"sohoa_bench_load_{secrets.token_hex(3)}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    url = sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        batch = extractions(args.documents)
        rows = sum(len(e.fields) for e in batch)

        started = time.perf_counter()
        for extraction in batch:
            with sessions() as session:
                load_extraction(session, extraction)
                session.commit()
        ours_s = time.perf_counter() - started

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
                    "COPY copy_target (document_id, name, value, raw, confidence, page, box) "
                    "FROM STDIN"
                ) as copy,
            ):
                for row in copy_rows:
                    copy.write_row(row)
            raw.commit()
            copy_s = time.perf_counter() - started
        finally:
            raw.close()
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()
    emit(
        {
            "benchmark": "load_speed",
            "documents": args.documents,
            "field_rows": rows,
            "ours_seconds": round(ours_s, 3),
            "copy_seconds": round(copy_s, 4),
            "ours_rows_per_s": round(rows / ours_s, 1),
            "copy_rows_per_s": round(rows / copy_s, 1),
            "ratio": round((rows / ours_s) / (rows / copy_s), 4),
            "target": ">= 0.5",
        }
    )


if __name__ == "__main__":
    main()
