"""One settings object, built once from the environment (`SOHOA_*`), with embedded defaults.

Building it does no I/O: no folder is created, no connection opened. Embedded mode (the default,
a SQLite file and a local folder under `./var/`) needs no server and no secret; any other mode
refuses to start without the secrets it needs (`Settings.check`).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Plain data with no imports of its own: DAG files that read the settings stay cheap to parse.
from extractors.options import ReadOptions

EMBEDDED_DATABASE_URL = "sqlite:///./var/sohoa.db"
EMBEDDED_STORAGE_URL = "file://./var/objects"


class SettingsError(ValueError):
    """The settings are incomplete or contradictory; the message says which variable to set."""

    retryable = False


# Settings that no longer exist, refused with what replaced them (a silent ignore would let an
# operator believe a number still moves the threshold).
RETIRED = {
    "auto_verify_confidence": (
        "SOHOA_AUTO_VERIFY_CONFIDENCE no longer exists: the review threshold is one calibrated "
        "number kept with the confidence code (extractors/confidence.py), not a setting. "
        "Remove it, and set SOHOA_AUTO_VERIFY=true to let values at or above that threshold "
        "verify without a steward (off by default)."
    ),
}


class Settings(BaseSettings):
    # env_ignore_empty: `SOHOA_X=` means "unset" (compose passes optional settings as ${X:-}).
    model_config = SettingsConfigDict(
        env_prefix="SOHOA_", extra="ignore", frozen=True, env_ignore_empty=True
    )

    database_url: str = Field(
        EMBEDDED_DATABASE_URL,
        description="SQLAlchemy URL of the warehouse database (its own database, not Airflow's).",
    )
    storage_url: str = Field(
        EMBEDDED_STORAGE_URL,
        description="Object store: file://PATH for a local folder, or s3://BUCKET (MinIO/S3).",
    )
    s3_endpoint: str | None = Field(
        None, description="S3 endpoint the services use, e.g. http://minio:9000."
    )
    s3_public_endpoint: str | None = Field(
        None, description="S3 endpoint put in links handed to clients (defaults to s3_endpoint)."
    )
    s3_access_key: str | None = Field(None, description="S3 access key.")
    s3_secret_key: str | None = Field(None, description="S3 secret key.")
    s3_region: str = Field("us-east-1", description="S3 region name used for signing.")
    ocr_lang: str = Field("vie", description="Tesseract language(s), e.g. vie or vie+eng.")
    secret_key: str | None = Field(
        None,
        description="Key for sessions, link signing and API-key digests. Required outside "
        "embedded mode.",
    )
    auto_verify: bool = Field(
        False,
        description="Values at or above the review threshold (one calibrated number, "
        "extractors/confidence.py) verify without a steward. Off: a steward accepts every value "
        "(the threshold still says which values need a closer look).",
    )
    workers: int = Field(0, ge=0, description="Worker processes for `sohoa run` (0: all cores).")
    ocr_timeout_seconds: int = Field(120, ge=1, description="Time limit for OCR of one page.")
    max_pages: int = Field(2000, ge=1, description="Pages beyond this put a file in quarantine.")
    max_image_pixels: int = Field(
        120_000_000, ge=1, description="Images larger than this are refused as decompression bombs."
    )
    render_dpi: int = Field(200, ge=72, le=600, description="DPI for rendering PDF pages.")
    log_level: str = Field("INFO", description="Python log level.")
    task_retries: int = Field(
        3, ge=0, description="Airflow retries of a task after a store or database outage."
    )
    task_retry_delay_seconds: int = Field(
        30, ge=0, description="First Airflow retry delay (doubles each retry, exponential backoff)."
    )
    ocr_pool: str = Field("sohoa_ocr", description="Airflow pool that bounds concurrent OCR tasks.")
    retention_quarantine_days: int | None = Field(
        90,
        ge=1,
        description="`sohoa retention apply` deletes quarantined files (and their reasons) older "
        "than this; the batch keeps them listed as released. Unset: keep them.",
    )
    retention_derived_days: int | None = Field(
        None,
        ge=1,
        description="Delete derived objects (page images, OCR text, extraction cache) of documents "
        "verified or rejected and unchanged for this many days (`sohoa reprocess` rebuilds them). "
        "Unset: keep them.",
    )
    retention_rejected_originals_days: int | None = Field(
        None,
        ge=1,
        description="Delete the originals of documents rejected and unchanged for this many days. "
        "Unset: keep them. Originals of other documents are never deleted by retention.",
    )

    def __init__(self, **values: Any) -> None:
        for name, why in RETIRED.items():
            if os.environ.get(f"SOHOA_{name.upper()}") or values.get(name) is not None:
                raise SettingsError(why)
        super().__init__(**values)

    @field_validator("ocr_lang")
    @classmethod
    def _lang_is_simple(cls, value: str) -> str:
        if not value or not all(part.isalnum() or part == "_" for part in value.split("+")):
            raise ValueError("SOHOA_OCR_LANG must look like 'vie' or 'vie+eng'")
        return value

    def retry_args(self, max_retry_delay: timedelta) -> dict[str, Any]:
        """Airflow `default_args` for retries after outages: `task_retries` tries, starting at
        `task_retry_delay_seconds` and doubling up to `max_retry_delay` (plain values: building
        them needs no Airflow import)."""
        return {
            "retries": self.task_retries,
            "retry_delay": timedelta(seconds=self.task_retry_delay_seconds),
            "retry_exponential_backoff": 2.0,
            "max_retry_delay": max_retry_delay,
        }

    def read_options(
        self, *, lang: str | None = None, ocr_timeout: int | None = None
    ) -> ReadOptions:
        """How the pipeline reads a file (`extractors.options.ReadOptions`) under these settings;
        `lang` and `ocr_timeout` (seconds per page) override them for one file (a retry)."""
        return ReadOptions(
            lang=lang or self.ocr_lang,
            render_dpi=self.render_dpi,
            max_pages=self.max_pages,
            max_image_pixels=self.max_image_pixels,
            ocr_timeout=ocr_timeout or self.ocr_timeout_seconds,
        )

    @property
    def embedded(self) -> bool:
        """True when both the database and the store are local (SQLite + folder)."""
        return self.database_url.startswith("sqlite") and self.storage_url.startswith("file://")

    @property
    def review_threshold(self) -> float:
        """The one review threshold: a value below it goes to a steward with a finding saying why.
        It is calibrated with the confidence code and is not a setting."""
        from extractors.confidence import REVIEW_THRESHOLD

        return REVIEW_THRESHOLD

    @property
    def auto_verify_at(self) -> float | None:
        """The confidence at or above which the loader verifies a value by itself: the review
        threshold when `SOHOA_AUTO_VERIFY` is on, None (never) when it is off."""
        return self.review_threshold if self.auto_verify else None

    def effective_secret_key(self) -> str:
        """The secret for signing. Embedded mode derives a per-folder one; others must set it."""
        if self.secret_key:
            return self.secret_key
        if not self.embedded:
            raise SettingsError(
                "SOHOA_SECRET_KEY is not set. Outside the embedded mode (SQLite + local folder) "
                "a secret is required: generate one with `python -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'`."
            )
        return _embedded_secret(self.storage_url)

    def check(self) -> None:
        """Raise `SettingsError` with a helpful message if the settings cannot work."""
        if self.storage_url.startswith("s3://"):
            missing = [
                name
                for name, value in (
                    ("SOHOA_S3_ENDPOINT", self.s3_endpoint),
                    ("SOHOA_S3_ACCESS_KEY", self.s3_access_key),
                    ("SOHOA_S3_SECRET_KEY", self.s3_secret_key),
                )
                if not value
            ]
            if missing:
                raise SettingsError(
                    f"SOHOA_STORAGE_URL is {self.storage_url} but {', '.join(missing)} is not set."
                )
        elif not self.storage_url.startswith("file://"):
            raise SettingsError(
                f"SOHOA_STORAGE_URL must start with file:// or s3://, got {self.storage_url!r}"
            )
        if not self.embedded:
            self.effective_secret_key()


@lru_cache(maxsize=1)
def _embedded_secret(storage_url: str) -> str:
    """A secret for embedded mode, kept in a file beside the local store so links stay valid
    across restarts. Only read when a secret is first needed (never at settings construction)."""
    root = Path(storage_url.removeprefix("file://")).resolve().parent
    path = root / "embedded-secret"
    if path.exists():
        return path.read_text().strip()
    root.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    path.write_text(value)
    path.chmod(0o600)
    return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings. Tests build `Settings(...)` directly instead."""
    return Settings()
