"""Faults lose nothing and duplicate nothing: the S3 server stopped mid-batch, PostgreSQL stopped
mid-load, a worker killed with SIGKILL mid-document. After the fault clears, a re-run leaves
exactly what one clean run leaves: the same documents, versions, fields, subjects and objects."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
import pytest
from sqlalchemy import func, select

from loaders.db import upgrade
from loaders.models import (
    AuditEntry,
    BatchFile,
    Document,
    DocumentSubject,
    ExtractionVersion,
    FieldValue,
    Subject,
)
from sohoa.pipeline.errors import RetryableStepError
from sohoa.pipeline.run import run_batch
from sohoa.runtime import Runtime
from sohoa.settings import Settings
from tests.fixtures.batches import copy_batch
from tests.fixtures.pgcluster import OwnPostgres

pytestmark = pytest.mark.slow


def warehouse_state(runtime: Runtime) -> dict[str, Any]:
    """What must be equal between a faulted-then-rerun warehouse and a clean one."""
    with runtime.session() as s:
        counts = {
            model.__tablename__: s.scalar(select(func.count()).select_from(model))
            for model in (
                Document,
                ExtractionVersion,
                FieldValue,
                Subject,
                DocumentSubject,
                AuditEntry,
            )
        }
        docs = sorted(s.scalars(select(Document.sha256)))
        fields = sorted(
            s.execute(
                select(Document.sha256, FieldValue.name, FieldValue.value).join(
                    Document, Document.id == FieldValue.document_id
                )
            ).all()
        )
        statuses = sorted(s.execute(select(BatchFile.sha256, BatchFile.status)).all())
    return {"counts": counts, "documents": docs, "fields": fields, "files": statuses}


def store_keys(runtime: Runtime) -> set[str]:
    """Object keys, minus the report (its timestamps differ from run to run)."""
    return {i.key for i in runtime.store.list("") if not i.key.startswith("reports/")}


def _once(action: Callable[[], None], on_call: int) -> Callable[..., Any]:
    calls = {"n": 0}

    def hook() -> None:
        calls["n"] += 1
        if calls["n"] == on_call:
            action()

    return hook


@pytest.fixture
def batch(tmp_path: Path, sample_batch: Path) -> Path:
    return copy_batch(sample_batch, tmp_path / "inbox" / "su-co")


def record_fault(log: Any, fault: str, faulted: Runtime, clean: Runtime) -> None:
    found = warehouse_state(faulted)["documents"]
    expected = warehouse_state(clean)["documents"]
    log.record(
        "faults",
        fault=fault,
        injected=1,
        documents_expected=len(expected),
        documents_found=len(found),
        duplicates=len(found) - len(set(found)),
        lost=len(set(expected) - set(found)),
    )


def _clean_run(settings: Settings, batch: Path) -> Runtime:
    clean = Runtime(settings)
    upgrade(clean.engine)
    run_batch(clean, str(batch), "su-co", workers=1)
    return clean


def test_s3_outage_mid_batch_then_rerun_equals_a_clean_run(
    tmp_path: Path,
    batch: Path,
    s3_server: Any,
    monkeypatch: pytest.MonkeyPatch,
    reliability_log: Any,
) -> None:
    def settings_for(name: str) -> Settings:
        bucket = s3_server.make_bucket(name)
        return Settings(
            database_url=f"sqlite:///{tmp_path / name / 'sohoa.db'}",
            storage_url=f"s3://{bucket}",
            s3_endpoint=s3_server.endpoint,
            s3_access_key=s3_server.access_key,
            s3_secret_key=s3_server.secret_key,
            secret_key="test-secret",
        )

    faulted = Runtime(settings_for("faulted"))
    upgrade(faulted.engine)
    real = __import__("sohoa.pipeline.steps", fromlist=["process_file"]).process_file
    stop_server = _once(s3_server.stop, on_call=3)

    def process_then_fail(*args: Any, **kwargs: Any) -> Any:
        stop_server()
        return real(*args, **kwargs)

    monkeypatch.setattr("sohoa.pipeline.steps.process_file", process_then_fail)
    with pytest.raises(RetryableStepError, match="StoreUnavailable"):
        run_batch(faulted, str(batch), "su-co", workers=1)
    s3_server.start()
    monkeypatch.setattr("sohoa.pipeline.steps.process_file", real)

    report = run_batch(faulted, str(batch), "su-co", workers=1)

    assert report["counts"]["resumed_run"] == 1
    clean = _clean_run(settings_for("clean"), batch)
    record_fault(reliability_log, "S3 server stopped mid-batch", faulted, clean)
    assert warehouse_state(faulted) == warehouse_state(clean)
    assert store_keys(faulted) == store_keys(clean)


def test_postgres_stopped_mid_load_then_rerun_equals_a_clean_run(
    tmp_path: Path,
    batch: Path,
    own_postgres: OwnPostgres,
    monkeypatch: pytest.MonkeyPatch,
    reliability_log: Any,
) -> None:
    import sqlalchemy as sa

    admin = sa.create_engine(own_postgres.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text("CREATE DATABASE faulted"))
        conn.execute(sa.text("CREATE DATABASE clean"))
    admin.dispose()
    base = own_postgres.url.rsplit("/", 1)[0]

    def settings_for(name: str) -> Settings:
        return Settings(
            database_url=f"{base}/{name}",
            storage_url=f"file://{tmp_path / name / 'objects'}",
            secret_key="test-secret",
        )

    faulted = Runtime(settings_for("faulted"))
    upgrade(faulted.engine)
    import sohoa.pipeline.load_step as load_module

    real = load_module.load_extractions
    # Two documents per load transaction, so the crash hits the second one while the first is
    # committed: a real mid-load failure.
    monkeypatch.setattr(load_module, "LOAD_TRANSACTION_SIZE", 2)
    monkeypatch.setattr("sohoa.pipeline.run.LOAD_TRANSACTION_SIZE", 2)
    crash = _once(lambda: own_postgres.stop("immediate"), on_call=2)

    def load_then_crash(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)  # rows written and flushed, not yet committed
        crash()
        return result

    monkeypatch.setattr(load_module, "load_extractions", load_then_crash)
    with pytest.raises(RetryableStepError, match="WarehouseUnavailable"):
        run_batch(faulted, str(batch), "su-co", workers=1)
    own_postgres.start()
    monkeypatch.setattr(load_module, "load_extractions", real)

    with faulted.session() as s:  # the interrupted transaction left nothing behind
        loaded = s.scalar(select(func.count()).select_from(Document))
        assert loaded == 2
    report = run_batch(faulted, str(batch), "su-co", workers=1)

    assert report["counts"]["loaded"] == 4
    clean = _clean_run(settings_for("clean"), batch)
    record_fault(reliability_log, "PostgreSQL stopped mid-load", faulted, clean)
    assert warehouse_state(faulted) == warehouse_state(clean)
    faulted.close()
    clean.close()


def _sohoa(env: dict[str, str], *args: str, **kwargs: Any) -> subprocess.Popen[str]:
    sohoa = str(Path(sys.executable).with_name("sohoa"))
    return subprocess.Popen(
        [sohoa, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs
    )


def _env(root: Path) -> dict[str, str]:
    return dict(
        os.environ,
        SOHOA_DATABASE_URL=f"sqlite:///{root / 'sohoa.db'}",
        SOHOA_STORAGE_URL=f"file://{root / 'objects'}",
        SOHOA_SECRET_KEY="test-secret",
    )


def _pool_workers(pid: int) -> list[psutil.Process]:
    """The OCR worker processes of `sohoa run`: children of its fork server (or spawned children
    of the run); never the fork server, the resource tracker or a Tesseract helper."""
    found: list[psutil.Process] = []
    for child in psutil.Process(pid).children():
        command = " ".join(child.cmdline())
        if "forkserver" in command:
            found += child.children()
        elif "resource_tracker" not in command:
            found.append(child)
    return [p for p in found if "tess" not in " ".join(p.cmdline())]


def _kill_a_worker_mid_document(proc: subprocess.Popen[str], objects: Path) -> bool:
    """SIGKILL one worker process as soon as some file has its words stored but no extraction
    yet (page images are rendered later, for the review UI, so only ocr.json comes first)."""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        derived = objects / "derived"
        if derived.exists():
            for doc in derived.iterdir():
                if (doc / "ocr.json").exists() and not (doc / "extraction.json").exists():
                    with contextlib.suppress(psutil.Error):
                        workers = _pool_workers(proc.pid)
                        if workers:
                            os.kill(workers[-1].pid, signal.SIGKILL)
                            return True
        time.sleep(0.01)
    return False


def test_worker_killed_mid_document_then_rerun_equals_a_clean_run(
    tmp_path: Path, batch: Path, reliability_log: Any
) -> None:
    env = _env(tmp_path / "faulted")
    subprocess.run(
        [str(Path(sys.executable).with_name("sohoa")), "db", "upgrade"],
        env=env,
        check=True,
        capture_output=True,
    )
    proc = _sohoa(env, "run", str(batch), "--batch", "su-co", "--workers", "2")
    killed = _kill_a_worker_mid_document(proc, tmp_path / "faulted" / "objects")
    _, stderr = proc.communicate(timeout=600)
    assert killed, "a worker was killed while a document was half done"
    assert proc.returncode != 0
    said = " ".join(stderr.split())  # the console wraps long lines
    assert "worker process died" in said and "run the same batch again" in said

    rerun = _sohoa(env, "run", str(batch), "--batch", "su-co", "--workers", "2")
    _, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err[-3000:]

    faulted = Runtime(
        Settings(
            **{
                "database_url": env["SOHOA_DATABASE_URL"],
                "storage_url": env["SOHOA_STORAGE_URL"],
                "secret_key": "test-secret",
            }
        )
    )
    clean = _clean_run(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'clean' / 'sohoa.db'}",
            storage_url=f"file://{tmp_path / 'clean' / 'objects'}",
            secret_key="test-secret",
        ),
        batch,
    )
    record_fault(reliability_log, "worker SIGKILLed mid-document", faulted, clean)
    assert warehouse_state(faulted) == warehouse_state(clean)
    assert store_keys(faulted) == store_keys(clean)
