"""`manifest.csv` as Excel and people here save it (issue 14, item 2): UTF-8 with or without BOM,
UTF-16 with BOM, Windows-1258 are read; a manifest no encoding fits, with a cell over 128 KiB, a NUL
character (a DataError on PostgreSQL today) or no `file` column is refused with the row and the
reason, and the batch runs without it. Intake only (no OCR): the manifest is intake's business.
"""

from __future__ import annotations

import codecs
import os
import secrets
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from PIL import Image
from sqlalchemy import select
from sqlalchemy.engine import make_url

from loaders.db import upgrade
from loaders.models import BatchFile
from sohoa.pipeline.intake import intake
from sohoa.pipeline.sources import MAX_CELL_BYTES, FolderSource, parse_manifest
from sohoa.runtime import Runtime
from sohoa.settings import Settings

PG_URL = os.environ.get(
    "SOHOA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
NAME = "Giấy khai sinh Nguyễn Văn Ân.png"
DOSSIER = "Hồ sơ phường Hàng Bạc số 7"
HEADER = "file,dossier_code,procedure_code,subject_id,type_hint"
TEXT = f"{HEADER}\r\n{NAME},{DOSSIER},1.001234,,birth_certificate\r\n"
ROW = {"dossier_code": DOSSIER, "procedure_code": "1.001234", "type_hint": "birth_certificate"}


def cp1258(text: str) -> bytes:
    """Text as Windows-1258 writes Vietnamese: base letters (â, ơ, ư …) precomposed, tone marks
    as combining characters after them."""
    out: list[str] = []
    for char in unicodedata.normalize("NFD", text):
        if out and unicodedata.combining(char):
            joined = unicodedata.normalize("NFC", out[-1] + char)
            if len(joined) == 1 and _encodes(joined):
                out[-1] = joined
                continue
        out.append(char)
    return "".join(out).encode("cp1258")


def _encodes(char: str) -> bool:
    try:
        char.encode("cp1258")
    except UnicodeEncodeError:
        return False
    return True


READABLE = {
    "UTF-8": TEXT.encode("utf-8"),
    "UTF-8 with BOM": codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    "UTF-16 LE with BOM": TEXT.encode("utf-16"),  # Excel's "Unicode text"
    "UTF-16 BE with BOM": codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    "Windows-1258": cp1258(TEXT),
}


@pytest.mark.parametrize("encoding", list(READABLE))
def test_manifests_in_the_usual_encodings_are_read(encoding: str) -> None:
    assert encoding != "Windows-1258" or READABLE[encoding] != TEXT.encode("utf-8")
    manifest = parse_manifest(READABLE[encoding])
    assert not manifest.refused and manifest.problems == []
    assert manifest.rows == {NAME: ROW}


big = "x" * (MAX_CELL_BYTES + 1)
REFUSED = {
    "no encoding fits": (
        HEADER.encode() + b"\n" + cp1258(NAME) + b",\x81\x8d\xff\xfe,,,\n",
        "manifest_encoding",
        2,
    ),
    "a cell over 128 KiB": (
        f'{HEADER}\n{NAME},ok,,,\nkhác.png,"{big}",,,\n'.encode(),
        "manifest_cell_too_long",
        3,
    ),
    "a NUL byte in a cell": (
        f"{HEADER}\n{NAME},ok,,,\nkhác.png,A\x00B,,,\n".encode(),
        "manifest_nul",
        3,
    ),
    "UTF-16 saved without BOM": (TEXT.encode("utf-16-le"), "manifest_nul", 1),
    "no file column": (b"ten,ma\nabc.png,1\n", "manifest_no_file_column", 1),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_manifest_that_cannot_be_used_is_refused_with_its_row_and_why(case: str) -> None:
    data, code, row = REFUSED[case]
    manifest = parse_manifest(data)
    assert manifest.refused and manifest.rows == {}
    [problem] = manifest.problems
    assert (problem.code, problem.row) == (code, row)
    assert f"dòng {row}" in problem.message and "lô chạy không có nó" in problem.message
    assert big not in problem.message and "A\x00B" not in problem.message


def test_an_unknown_type_hint_is_a_problem_of_its_row_only() -> None:
    manifest = parse_manifest(f"{HEADER}\n{NAME},A,,,giay_la\nb.png,B,,,id_card\n".encode())
    assert not manifest.refused
    assert manifest.rows == {
        NAME: {"dossier_code": "A"},
        "b.png": {"dossier_code": "B", "type_hint": "id_card"},
    }
    [problem] = manifest.problems
    assert (problem.code, problem.row) == ("unknown_type_hint", 2)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def wh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Runtime]:
    """A runtime on a fresh warehouse: SQLite, or a new PostgreSQL database (where a NUL in a
    text parameter is a DataError)."""
    objects = f"file://{tmp_path / 'objects'}"
    if request.param == "sqlite":
        url, admin, name = f"sqlite:///{tmp_path / 'sohoa.db'}", None, None
    else:
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        name = f"sohoa_manifest_{os.getpid()}_{secrets.token_hex(4)}"
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"CREATE DATABASE {name}")
        except sa.exc.OperationalError as exc:
            pytest.skip(reason=f"PostgreSQL not reachable: {exc.orig}")
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    runtime = Runtime(Settings(database_url=url, storage_url=objects, secret_key="test-secret"))
    upgrade(runtime.engine)
    yield runtime
    runtime.close()
    if admin is not None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


CASES = {k: (v, True) for k, v in READABLE.items()}
CASES.update({k: (v[0], False) for k, v in REFUSED.items()})


def test_intake_reads_or_sets_aside_every_manifest_and_the_batch_runs(
    wh: Runtime, tmp_path: Path, reliability_log: Any
) -> None:
    for number, (case, (data, readable)) in enumerate(CASES.items()):
        folder = tmp_path / f"lo-{number}"
        folder.mkdir()
        Image.new("L", (60, 40), 255).save(folder / NAME)
        Image.new("L", (60, 41), 255).save(folder / "khác.png")
        (folder / "manifest.csv").write_bytes(data)
        batch = f"ma-{number}"
        result = intake(wh, FolderSource(folder), batch)  # today: DataError, UnicodeDecodeError
        assert result.new == 2, case
        with wh.session() as s:
            rows = {
                f.original_name: f.manifest
                for f in s.scalars(select(BatchFile).where(BatchFile.run_id == result.run_id))
            }
        if readable:
            assert rows[NAME] == ROW, case
            assert not result.manifest_refused
        else:
            assert rows == {NAME: {}, "khác.png": {}}, case
            assert result.manifest_refused
            assert len(result.manifest_problems) == 1
        if wh.engine.dialect.name == "sqlite":
            reliability_log.record(
                "encodings",
                manifest=case,
                tried=1,
                outcome="read" if readable else f"refused: {result.manifest_problems[0]['code']}",
                batch="ran: 2 files registered",
            )
