"""The compose stack, checked without a Docker engine: the file parses, every reference resolves,
every service that runs sohoa gets every setting, and the image's inputs exist."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from sohoa.settings import Settings

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
ENV_EXAMPLE = REPO / ".env.example"
# Services built from our image run sohoa code (DAG tasks, `sohoa serve`, `sohoa db upgrade`).
AIRFLOW_SERVICES = {
    "airflow-init",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
}
CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}
_INTERPOLATION = re.compile(r"(?<!\$)\$\{([A-Z0-9_]+)(?::?[-?][^}]*)?\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) for item in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


def _sohoa_services(services: dict[str, dict[str, Any]]) -> list[str]:
    return sorted(name for name, s in services.items() if "build" in s)


def test_the_stack_has_every_part(services: dict[str, dict[str, Any]]) -> None:
    expected = {"postgres", "redis", "minio", "minio-init", "sohoa-web"} | AIRFLOW_SERVICES
    assert expected <= set(services)
    assert services["airflow-worker"]["command"] == ["celery", "worker"]
    for name in AIRFLOW_SERVICES:
        assert _env(services[name])["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"


def test_every_service_has_an_image_or_a_build_that_exists(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        if "build" in service:
            build = service["build"]
            context = REPO / (build if isinstance(build, str) else build.get("context", "."))
            dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile")
            assert (context / (dockerfile or "Dockerfile")).is_file(), name


def test_images_are_pinned_and_minio_comes_from_a_maintained_registry(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in services.items():
        image = service.get("image", "")
        if "build" in service:
            continue
        assert ":" in image and not image.endswith(":latest"), f"{name}: pin {image!r}"
    assert services["minio"]["image"].startswith("quay.io/minio/minio:RELEASE.")
    assert services["minio-init"]["image"].startswith("quay.io/minio/mc:RELEASE.")


def test_depends_on_targets_exist_with_valid_conditions(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in services.items():
        deps = service.get("depends_on") or {}
        items = (
            {d: {"condition": "service_started"} for d in deps} if isinstance(deps, list) else deps
        )
        for target, spec in items.items():
            assert target in services, f"{name} depends on unknown {target}"
            assert target != name
            assert spec.get("condition", "service_started") in CONDITIONS, (name, target)
            if spec.get("condition") == "service_healthy":
                assert "healthcheck" in services[target], f"{target} has no healthcheck"


def test_every_setting_is_set_on_every_service_that_runs_sohoa(
    services: dict[str, dict[str, Any]],
) -> None:
    settings = {f"SOHOA_{name.upper()}" for name in Settings.model_fields}
    sohoa_services = _sohoa_services(services)
    assert set(sohoa_services) == AIRFLOW_SERVICES | {"sohoa-web"}
    for name in sohoa_services:
        missing = settings - set(_env(services[name]))
        assert not missing, f"{name} lacks {sorted(missing)}"
    # One configuration: every sohoa-running service sees the same values.
    values = {name: {k: _env(services[name])[k] for k in settings} for name in sohoa_services}
    first = values[sohoa_services[0]]
    assert all(v == first for v in values.values())
    assert first["SOHOA_STORAGE_URL"].startswith("s3://")
    assert first["SOHOA_DATABASE_URL"].startswith("postgresql")
    assert first["SOHOA_DATABASE_URL"].endswith("/sohoa"), "the warehouse has its own database"


def test_the_warehouse_and_airflow_use_separate_databases(
    services: dict[str, dict[str, Any]],
) -> None:
    env = _env(services["airflow-scheduler"])
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].endswith("/airflow")
    init = (REPO / "deploy" / "postgres" / "10-create-databases.sh").read_text()
    assert "CREATE DATABASE airflow" in init and "CREATE DATABASE sohoa" in init
    mounts = services["postgres"]["volumes"]
    assert any(m.startswith("./deploy/postgres:/docker-entrypoint-initdb.d") for m in mounts)


def test_airflow_components_share_secrets_and_reach_the_api_server(
    services: dict[str, dict[str, Any]],
) -> None:
    keys = (
        "AIRFLOW__API_AUTH__JWT_SECRET",
        "AIRFLOW__CORE__FERNET_KEY",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL",
    )
    envs = [_env(services[name]) for name in sorted(AIRFLOW_SERVICES)]
    for key in keys:
        assert len({env[key] for env in envs}) == 1, key
    assert envs[0]["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"].startswith(
        "http://airflow-apiserver:8080/"
    )


def test_no_secret_has_a_default(compose: dict[str, Any]) -> None:
    text = COMPOSE.read_text()
    for variable in (
        "POSTGRES_PASSWORD",
        "AIRFLOW_DB_PASSWORD",
        "SOHOA_DB_PASSWORD",
        "MINIO_ROOT_PASSWORD",
        "SOHOA_S3_SECRET_KEY",
        "SOHOA_SECRET_KEY",
        "AIRFLOW_FERNET_KEY",
        "AIRFLOW_JWT_SECRET",
        "AIRFLOW_ADMIN_PASSWORD",
    ):
        uses = re.findall(r"\$\{" + variable + r"(:?[-?])?[^}]*\}", text)
        assert uses, f"{variable} unused"
        assert all(op in ("", ":?", "?") for op in uses), f"{variable} has a default"


def test_every_interpolated_variable_is_in_env_example() -> None:
    documented = {
        line.split("=", 1)[0]
        for line in ENV_EXAMPLE.read_text().splitlines()
        if line and not line.startswith("#") and "=" in line
    }
    used = set(_INTERPOLATION.findall(COMPOSE.read_text()))
    optional = {  # left to their defaults unless someone needs them
        "SOHOA_IMAGE",
        "SOHOA_S3_REGION",
        "SOHOA_WORKERS",
        "SOHOA_OCR_TIMEOUT_SECONDS",
        "SOHOA_MAX_PAGES",
        "SOHOA_MAX_IMAGE_PIXELS",
        "SOHOA_RENDER_DPI",
        "SOHOA_LOG_LEVEL",
        "SOHOA_TASK_RETRIES",
        "SOHOA_TASK_RETRY_DELAY_SECONDS",
        "SOHOA_OCR_POOL",
        "AIRFLOW_PARALLELISM",
        "AIRFLOW_ADMIN_EMAIL",
    }
    assert used - optional <= documented, sorted(used - optional - documented)


def test_volumes_and_networks_are_declared(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    declared_volumes = set(compose.get("volumes") or {})
    declared_networks = set(compose.get("networks") or {})
    for name, service in services.items():
        for mount in service.get("volumes", []):
            source = mount.split(":", 1)[0]
            if source.startswith((".", "/")):
                assert (REPO / source).exists(), f"{name}: {source} missing"
            else:
                assert source in declared_volumes, f"{name}: volume {source} not declared"
        networks = service.get("networks") or []
        for network in networks if isinstance(networks, list) else list(networks):
            assert network in declared_networks, f"{name}: network {network} not declared"


def test_host_ports_are_distinct_and_workers_can_scale(
    services: dict[str, dict[str, Any]],
) -> None:
    host_ports: list[str] = []
    for service in services.values():
        for mapping in service.get("ports", []):
            host = str(mapping).rsplit(":", 1)[0]
            match = _INTERPOLATION.fullmatch(host)
            default = re.search(r":-(\d+)\}$", host)
            host_ports.append(default.group(1) if match and default else host)
    assert len(host_ports) == len(set(host_ports)), host_ports
    assert host_ports.count("8080") <= 1
    worker = services["airflow-worker"]
    assert "ports" not in worker and "container_name" not in worker, "--scale needs neither"


def test_healthchecks_where_others_wait(services: dict[str, dict[str, Any]]) -> None:
    for name in ("postgres", "redis", "minio", "airflow-apiserver", "airflow-scheduler"):
        assert "healthcheck" in services[name], name


def test_init_jobs_do_what_the_stack_needs(services: dict[str, dict[str, Any]]) -> None:
    init = (REPO / "deploy" / "airflow" / "init.sh").read_text()
    for step in (
        "airflow db migrate",
        "airflow users create",
        "airflow pools set",
        "sohoa db upgrade",
    ):
        assert step in init, step
    assert services["airflow-init"]["command"][-1] == "/opt/sohoa/deploy/airflow/init.sh"
    minio = (REPO / "deploy" / "minio" / "init.sh").read_text()
    assert "mc mb --ignore-existing" in minio
    assert services["minio-init"]["entrypoint"][-1] == "/deploy/init.sh"
    web = services["sohoa-web"]
    assert web["entrypoint"] == ["sohoa"] and web["command"][0] == "serve"


def test_dockerfile_builds_from_airflow_with_tesseract_and_existing_files() -> None:
    text = DOCKERFILE.read_text()
    assert re.search(r"^FROM apache/airflow:3\.3\.2-python3\.11$", text, re.M)
    for package in ("tesseract-ocr", "tesseract-ocr-vie", "poppler-utils", "fonts-dejavu-core"):
        assert package in text
    assert "-c constraints.txt" in text
    for line in text.splitlines():
        if line.startswith("COPY"):
            sources = [p for p in line.split()[1:-1] if not p.startswith("--")]
            for source in sources:
                assert (REPO / source).exists(), f"Dockerfile copies missing {source}"
    assert "celery" in (REPO / "pyproject.toml").read_text(), "the image needs providers-celery"
