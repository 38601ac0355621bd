"""A real distributed run on this machine: the compose stack's services as local processes.

    .venv/bin/python bench/distributed_run.py [--files 16] [--kill-files 10] [--no-kill] [--keep]

Starts, each in its own process group: a SeaweedFS S3 server (the object store, as the tests'
fixture starts it), `airflow api-server` (127.0.0.1, a free port), `airflow scheduler`,
`airflow dag-processor` and two `airflow celery worker`s (`w1@%h`, `w2@%h`) with CeleryExecutor,
the local Redis as broker (a private database number, flushed before and after), the metadata in a
fresh PostgreSQL database and the warehouse in another, `AIRFLOW__CORE__PARALLELISM=4`.

Phase A: a generated batch (plus an empty and a non-document file) is uploaded to the S3 inbox
with `_READY`; `watch_inbox` is triggered and starts `digitize_batch`; once it succeeds, every
record is checked: every file is a document or quarantined, documents == expected, no duplicate
document, version or batch row, the report is in the store, and tasks ran on both workers (task
instance hostnames: each worker gets its own `hostname_callable` name).

Phase B: a second batch is triggered; while a `process` task runs, the whole process group of the
worker running it is SIGKILLed. Airflow notices the missing heartbeat, fails the task and retries
it on the other worker (or, if the run fails, the worker is restarted and the run triggered
again). The warehouse's records of that batch must then equal those of one clean in-process run
of the same files (`run_batch` on a throw-away SQLite warehouse and folder store).

Prints timings and the checks as JSON; exit status 0 when every check holds. Everything started
is stopped (by process group id) and every database dropped, even on failure or Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import sqlalchemy as sa  # noqa: E402

from tests.fixtures.s3server import S3Server  # noqa: E402

BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get(
    "SOHOA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("SOHOA_DIST_REDIS_URL", "redis://127.0.0.1:6379/13")
RUN_TIMEOUT = float(os.environ.get("SOHOA_DIST_RUN_TIMEOUT", "420"))
# The module every worker imports as `hostname_callable`: its name is what the task instances say.
_HOSTNAME_MODULE = """import os, socket
def hostname():
    return os.environ.get("SOHOA_DIST_WORKER") or socket.getfqdn()
"""


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Proc:
    """One long-running service in its own process group, logging to a file."""

    name: str
    cmd: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Proc:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                self.cmd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole group at once: the worker, its pool and the task it runs."""
        if self.process is not None:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self, grace: float = 15.0) -> None:
        if not self.alive:
            return
        assert self.process is not None
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(grace)
        except subprocess.TimeoutExpired:
            self.kill()
        except ProcessLookupError:
            pass

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Cluster:
    work: Path
    env: dict[str, str]
    airflow_db: str
    warehouse_db: str
    s3: S3Server
    bucket: str
    procs: dict[str, Proc] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    # --- commands ---------------------------------------------------------------------------
    def cli(self, *args: str, timeout: float = 180) -> str:
        proc = subprocess.run(
            [str(BIN / args[0]), *args[1:]],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.work,
        )
        if proc.returncode != 0:
            raise RuntimeError(
                f"{' '.join(args[:3])} failed:\n{(proc.stdout + proc.stderr)[-3000:]}"
            )
        return proc.stdout

    def start(self, name: str, *args: str, extra_env: dict[str, str] | None = None) -> Proc:
        env = {**self.env, **(extra_env or {})}
        proc = Proc(name, [str(BIN / "airflow"), *args], env, self.work / f"{name}.log").start()
        self.procs[name] = proc
        return proc

    def start_worker(self, name: str) -> Proc:
        return self.start(
            name,
            "celery",
            "worker",
            "--celery-hostname",
            f"{name}@%h",
            "--concurrency",
            "2",
            extra_env={
                "SOHOA_DIST_WORKER": name,
                "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            },
        )

    # --- metadata queries -------------------------------------------------------------------
    @contextmanager
    def meta(self) -> Iterator[sa.Connection]:
        engine = sa.create_engine(self.airflow_db, poolclass=sa.NullPool)
        try:
            with engine.connect() as conn:
                yield conn
        finally:
            engine.dispose()

    def run_state(self, dag_id: str, run_id: str) -> str | None:
        with self.meta() as conn:
            return conn.scalar(
                sa.text("SELECT state FROM dag_run WHERE dag_id = :d AND run_id = :r"),
                {"d": dag_id, "r": run_id},
            )

    def task_instances(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        with self.meta() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT task_id, map_index, state, hostname, try_number FROM task_instance "
                    "WHERE dag_id = :d AND run_id = :r ORDER BY task_id, map_index"
                ),
                {"d": dag_id, "r": run_id},
            )
            return [dict(r._mapping) for r in rows]

    def wait_for(
        self, what: str, predicate: Callable[[], Any], timeout: float = RUN_TIMEOUT
    ) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            dead = [k for k, p in self.procs.items() if not k.endswith("-killed") and not p.alive]
            if dead:
                raise RuntimeError(f"service(s) died while waiting for {what}: {dead}")
            time.sleep(1.0)
        raise TimeoutError(f"{what}: not after {timeout:.0f}s")

    def wait_run(self, dag_id: str, run_id: str, timeout: float = RUN_TIMEOUT) -> str:
        def finished() -> str | None:
            state = self.run_state(dag_id, run_id)
            return state if state in ("success", "failed") else None

        return self.wait_for(f"{dag_id} {run_id}", finished, timeout)

    def trigger(self, dag_id: str, run_id: str, conf: dict[str, Any] | None = None) -> None:
        args = ["airflow", "dags", "trigger", dag_id, "--run-id", run_id]
        if conf:
            args += ["--conf", json.dumps(conf)]
        self.cli(*args)


# --- set-up ----------------------------------------------------------------------------------


def _pg_admin() -> sa.Engine:
    return sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)


def _create_database(stack: ExitStack, name: str) -> str:
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()

    stack.callback(drop)
    return sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def build_cluster(stack: ExitStack, work: Path) -> Cluster:
    tag = secrets.token_hex(3)
    airflow_db = _create_database(stack, f"sohoa_dist_airflow_{tag}")
    warehouse_db = _create_database(stack, f"sohoa_dist_warehouse_{tag}")
    s3 = S3Server(work / "s3")
    stack.callback(s3.stop)
    started = time.perf_counter()
    s3.start()
    bucket = s3.make_bucket("sohoa-dist")
    _flush_redis()
    stack.callback(_flush_redis)
    (work / "pythonpath").mkdir()
    (work / "pythonpath" / "sohoa_dist_hostname.py").write_text(_HOSTNAME_MODULE)
    api_port = free_port()
    celery_db = airflow_db.replace("postgresql+psycopg://", "db+postgresql+psycopg://")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "SOHOA_"))},
        "PATH": f"{BIN}:{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(work / "pythonpath"),
        "OMP_THREAD_LIMIT": "1",
        "AIRFLOW_HOME": str(work / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__CORE__HOSTNAME_CALLABLE": "sohoa_dist_hostname.hostname",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": airflow_db,
        # psycopg 3 is async-capable; Airflow would otherwise look for asyncpg.
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": airflow_db,
        "AIRFLOW__CELERY__BROKER_URL": REDIS_URL,
        "AIRFLOW__CELERY__RESULT_BACKEND": celery_db,
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
        "AIRFLOW__CORE__FERNET_KEY": "",
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "10",
        "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",
        # A killed worker's task stops heartbeating: fail it (and retry) within seconds.
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "20",
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5",
        "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT": "60",
        "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT_CHECK_INTERVAL": "10",
        "SOHOA_DATABASE_URL": warehouse_db,
        "SOHOA_STORAGE_URL": f"s3://{bucket}",
        "SOHOA_S3_ENDPOINT": s3.endpoint,
        "SOHOA_S3_ACCESS_KEY": s3.access_key,
        "SOHOA_S3_SECRET_KEY": s3.secret_key,
        "SOHOA_SECRET_KEY": secrets.token_urlsafe(32),
        "SOHOA_TASK_RETRIES": "2",
        "SOHOA_TASK_RETRY_DELAY_SECONDS": "2",
        "SOHOA_LOG_LEVEL": "INFO",
    }
    cluster = Cluster(work, env, airflow_db, warehouse_db, s3, bucket)
    cluster.cli("airflow", "db", "migrate", timeout=300)
    cluster.cli("airflow", "pools", "set", "sohoa_ocr", "4", "Tesseract slots")
    cluster.cli("sohoa", "db", "upgrade")
    for proc in ("api-server", "scheduler", "dag-processor"):
        cluster.start(proc, proc)
    cluster.start_worker("w1")
    cluster.start_worker("w2")
    stack.callback(lambda: [p.stop() for p in reversed(list(cluster.procs.values()))])
    cluster.wait_for("api-server", lambda: _http_ok(api_port), timeout=120)
    cluster.wait_for("DAGs parsed", lambda: _dags_serialized(cluster), timeout=180)
    cluster.timings["services_ready_s"] = round(time.perf_counter() - started, 1)
    return cluster


def _http_ok(port: int) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/monitor/health", timeout=2):
            return True
    except Exception:
        return False


def _dags_serialized(cluster: Cluster) -> bool:
    try:
        with cluster.meta() as conn:
            found = set(conn.scalars(sa.text("SELECT dag_id FROM serialized_dag")))
    except sa.exc.DBAPIError:
        return False
    return {"digitize_batch", "watch_inbox"} <= found


# --- batches ---------------------------------------------------------------------------------


def make_batch(folder: Path, count: int, seed: int) -> int:
    """Generated documents plus two files that must land in quarantine; returns the documents."""
    from sohoa.samples import generate

    generate(folder, count=count, seed=seed, noise="light")
    for extra in list(folder.iterdir()):
        if extra.name.endswith(".json"):
            extra.unlink()
    (folder / "zz-rỗng.pdf").write_bytes(b"")
    (folder / "zz-ghi chú.pdf").write_text("không phải tài liệu", encoding="utf-8")
    return count


def upload(cluster: Cluster, folder: Path, batch: str) -> None:
    client = cluster.s3.client()
    for path in sorted(folder.iterdir()):
        client.fput_object(cluster.bucket, f"inbox/{batch}/{path.name}", str(path))
    client.put_object(cluster.bucket, f"inbox/{batch}/_READY", _empty(), 0)


def _empty() -> Any:
    import io

    return io.BytesIO(b"")


# --- checks ----------------------------------------------------------------------------------


def warehouse_snapshot(url: str, batch: str) -> dict[str, Any]:
    """Everything a batch left in the warehouse, keyed by content (ids differ between runs)."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            files = conn.execute(
                sa.text(
                    "SELECT f.sha256, f.status, f.reason_code FROM batch_files f "
                    "JOIN batches b ON b.id = f.batch_id WHERE b.name = :b ORDER BY f.sha256"
                ),
                {"b": batch},
            ).all()
            docs = conn.execute(
                sa.text(
                    "SELECT d.id, d.sha256, d.doc_type, d.status, d.current_version "
                    "FROM documents d WHERE d.sha256 IN (SELECT f.sha256 FROM batch_files f "
                    "JOIN batches b ON b.id = f.batch_id WHERE b.name = :b) ORDER BY d.sha256"
                ),
                {"b": batch},
            ).all()
            snapshot: dict[str, Any] = {
                "files": {sha: [status, reason] for sha, status, reason in files},
                "documents": {},
            }
            for doc_id, sha, doc_type, status, version in docs:
                fields = conn.execute(
                    sa.text(
                        "SELECT name, value, status FROM field_values WHERE document_id = :d "
                        "ORDER BY name"
                    ),
                    {"d": doc_id},
                ).all()
                versions = conn.scalar(
                    sa.text("SELECT count(*) FROM extraction_versions WHERE document_id = :d"),
                    {"d": doc_id},
                )
                roles = conn.scalars(
                    sa.text(
                        "SELECT role FROM document_subjects WHERE document_id = :d ORDER BY role"
                    ),
                    {"d": doc_id},
                ).all()
                snapshot["documents"][sha] = {
                    "doc_type": doc_type,
                    "status": status,
                    "current_version": version,
                    "versions": versions,
                    "fields": [list(f) for f in fields],
                    "roles": list(roles),
                }
            snapshot["duplicate_batch_rows"] = conn.scalar(
                sa.text(
                    "SELECT count(*) - count(DISTINCT f.sha256) FROM batch_files f "
                    "JOIN batches b ON b.id = f.batch_id WHERE b.name = :b"
                ),
                {"b": batch},
            )
            snapshot["duplicate_documents"] = conn.scalar(
                sa.text("SELECT count(*) - count(DISTINCT sha256) FROM documents")
            )
            return snapshot
    finally:
        engine.dispose()


def check_batch(
    cluster: Cluster, batch: str, files: int, documents: int, run_id: str
) -> dict[str, Any]:
    snap = warehouse_snapshot(cluster.warehouse_db, batch)
    statuses = Counter(status for status, _ in snap["files"].values())
    report_key = f"reports/{batch}.json"
    report = json.loads(cluster.s3.client().get_object(cluster.bucket, report_key).read().decode())
    tis = cluster.task_instances("digitize_batch", run_id)
    hosts = Counter(t["hostname"] for t in tis if t["hostname"])
    checks = {
        "every_file_is_a_document_or_quarantined": statuses["loaded"] + statuses["quarantined"]
        == files
        and len(snap["files"]) == files,
        "documents_equal_expected": len(snap["documents"]) == documents
        and statuses["loaded"] == documents,
        "quarantined_equal_expected": statuses["quarantined"] == files - documents,
        "one_version_per_document": all(d["versions"] == 1 for d in snap["documents"].values()),
        "no_duplicates": snap["duplicate_batch_rows"] == 0 and snap["duplicate_documents"] == 0,
        "report_in_store": report["batch"] == batch
        and report["counts"]["quarantined"] == files - documents,
    }
    return {
        "batch": batch,
        "files": files,
        "documents": len(snap["documents"]),
        "quarantined": statuses["quarantined"],
        "task_instances": len(tis),
        "tasks_by_worker": dict(hosts),
        "checks": checks,
    }


def clean_reference(folder: Path, batch: str, work: Path) -> dict[str, Any]:
    """The same files through one clean in-process run on a throw-away embedded warehouse."""
    from loaders.db import upgrade
    from sohoa.pipeline.run import run_batch
    from sohoa.runtime import Runtime
    from sohoa.settings import Settings

    root = work / "reference"
    settings = Settings(
        database_url=f"sqlite:///{root / 'sohoa.db'}",
        storage_url=f"file://{root / 'objects'}",
        secret_key="reference",
    )
    root.mkdir()
    upgrade(settings.database_url)
    runtime = Runtime(settings)
    try:
        run_batch(runtime, str(folder), batch, workers=2)
    finally:
        runtime.close()
    return warehouse_snapshot(settings.database_url, batch)


# --- phases ----------------------------------------------------------------------------------


def phase_clean(cluster: Cluster, count: int) -> dict[str, Any]:
    batch = "dist-a"
    folder = cluster.work / "batches" / batch
    folder.mkdir(parents=True)
    documents = make_batch(folder, count, seed=101)
    files = len(list(folder.iterdir()))
    upload(cluster, folder, batch)
    started = time.perf_counter()
    cluster.trigger("watch_inbox", "dist-watch-1")
    assert cluster.wait_run("watch_inbox", "dist-watch-1", timeout=180) == "success"

    def triggered() -> str | None:
        with cluster.meta() as conn:
            return conn.scalar(
                sa.text(
                    "SELECT run_id FROM dag_run WHERE dag_id = 'digitize_batch' AND run_id LIKE :p"
                ),
                {"p": f"inbox__{batch}__%"},
            )

    run_id = cluster.wait_for("watch_inbox's trigger", triggered, timeout=60)
    state = cluster.wait_run("digitize_batch", run_id)
    elapsed = time.perf_counter() - started
    result = check_batch(cluster, batch, files, documents, run_id)
    result.update(run_id=run_id, state=state, seconds=round(elapsed, 1))
    result["checks"]["run_succeeded"] = state == "success"
    result["checks"]["tasks_ran_on_both_workers"] = {"w1", "w2"} <= set(result["tasks_by_worker"])
    return result


def phase_kill(cluster: Cluster, count: int) -> dict[str, Any]:
    batch = "dist-kill"
    folder = cluster.work / "batches" / batch
    folder.mkdir(parents=True)
    documents = make_batch(folder, count, seed=202)
    files = len(list(folder.iterdir()))
    upload(cluster, folder, batch)
    conf = {"source": f"store:inbox/{batch}", "batch": batch}
    started = time.perf_counter()
    cluster.trigger("digitize_batch", "dist-kill-1", conf)

    def busy_worker() -> str | None:
        """The worker running a `process` task of the run (whichever Celery gave it to)."""
        for t in cluster.task_instances("digitize_batch", "dist-kill-1"):
            if t["task_id"] == "process" and t["state"] == "running" and t["hostname"]:
                return str(t["hostname"])
        return None

    victim = cluster.wait_for("a running process task", busy_worker, timeout=300)
    time.sleep(1.5)  # let it get into OCR
    proc = cluster.procs.pop(victim)
    proc.kill()
    cluster.procs[f"{victim}-killed"] = proc
    killed_at = time.perf_counter() - started
    state = cluster.wait_run("digitize_batch", "dist-kill-1")
    survivor = "w1" if victim == "w2" else "w2"
    path = f"airflow failed the killed task (no heartbeat) and retried it on {survivor}"
    run_id = "dist-kill-1"
    if state != "success":
        cluster.start_worker(victim)
        cluster.trigger("digitize_batch", "dist-kill-2", conf)
        run_id = "dist-kill-2"
        state = cluster.wait_run("digitize_batch", run_id)
        path = f"the run failed; {victim} restarted and the run triggered again"
    elapsed = time.perf_counter() - started
    result = check_batch(cluster, batch, files, documents, run_id)
    retried = [
        t
        for t in cluster.task_instances("digitize_batch", "dist-kill-1")
        if (t["try_number"] or 0) > 1
    ]
    ref_started = time.perf_counter()
    reference = clean_reference(folder, batch, cluster.work)
    distributed = warehouse_snapshot(cluster.warehouse_db, batch)
    same = (
        reference["files"] == distributed["files"]
        and reference["documents"] == distributed["documents"]
    )
    result.update(
        run_id=run_id,
        state=state,
        seconds=round(elapsed, 1),
        killed_worker=victim,
        killed_after_s=round(killed_at, 1),
        recovery=path,
        retried_tasks=[f"{t['task_id']}[{t['map_index']}] try {t['try_number']}" for t in retried],
        reference_seconds=round(time.perf_counter() - ref_started, 1),
    )
    if not same:
        result["difference"] = _diff(reference, distributed)
    result["checks"]["run_succeeded"] = state == "success"
    result["checks"]["equals_one_clean_run"] = same
    return result


def _diff(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("files", "documents"):
        for sha in sorted(set(a[key]) | set(b[key])):
            if a[key].get(sha) != b[key].get(sha):
                out[f"{key}:{sha[:12]}"] = {
                    "clean": a[key].get(sha),
                    "distributed": b[key].get(sha),
                }
    return out


def run(
    files: int = 16, kill_files: int = 10, kill: bool = True, keep: bool = False
) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="sohoa-dist-"))
    summary: dict[str, Any] = {"work": str(work)}
    try:
        with ExitStack() as stack:
            started = time.perf_counter()
            cluster = build_cluster(stack, work)
            summary["timings"] = cluster.timings
            try:
                summary["clean_run"] = phase_clean(cluster, files)
                if kill:
                    summary["kill_run"] = phase_kill(cluster, kill_files)
            except Exception as exc:
                summary["error"] = f"{type(exc).__name__}: {exc}"
                summary["logs"] = {name: p.tail() for name, p in cluster.procs.items()}
            finally:
                summary["timings"]["total_s"] = round(time.perf_counter() - started, 1)
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    checks = {
        f"{phase}.{name}": ok
        for phase in ("clean_run", "kill_run")
        for name, ok in summary.get(phase, {}).get("checks", {}).items()
    }
    summary["ok"] = bool(checks) and all(checks.values()) and "error" not in summary
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=16, help="documents in the clean batch")
    parser.add_argument("--kill-files", type=int, default=10, help="documents in the kill batch")
    parser.add_argument("--no-kill", action="store_true", help="skip the killed-worker phase")
    parser.add_argument("--keep", action="store_true", help="keep the work folder and logs")
    args = parser.parse_args(argv)

    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)  # so the ExitStack still stops everything
    summary = run(args.files, args.kill_files, not args.no_kill, args.keep)
    print(json.dumps(summary, indent=1, ensure_ascii=False, default=str))
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
