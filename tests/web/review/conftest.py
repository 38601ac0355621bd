"""Review UI fixtures: people with passwords (steward, admin, reader) on top of the web tests'
runtime, app and client, and documents loaded with their page image and OCR words stored."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from argon2 import PasswordHasher

from extractors.records import Extraction
from sohoa.auth import passwords
from sohoa.runtime import Runtime
from tests.web.conftest import Warehouse
from tests.web.review.helpers import boxed, create_person
from tests.web.review.scans import store_scan


@pytest.fixture
def dialect() -> str:
    """SQLite only: the review UI adds no SQL of its own beyond `loaders`, whose queries are
    tested on both databases (test_queue.py re-opens PostgreSQL for the queue's queries)."""
    return "sqlite"


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at its real cost makes every sign-in take a noticeable fraction of a second."""
    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@dataclass(frozen=True)
class People:
    steward: int
    admin: int
    reader: int


@pytest.fixture
def people(runtime: Runtime) -> People:
    return People(
        steward=create_person(runtime, "lan.steward", "steward"),
        admin=create_person(runtime, "minh.admin", "admin"),
        reader=create_person(runtime, "hoa.reader", "reader"),
    )


@dataclass
class Scanned:
    """Loads extractions (boxes laid out on a page) and stores their scans beside them."""

    warehouse: Warehouse

    def load(self, extraction: Extraction, batch: str | None = None) -> int:
        extraction = boxed(extraction)
        store_scan(self.warehouse.runtime.store, extraction)
        return self.warehouse.load(extraction, batch=batch)


@pytest.fixture
def scanned(warehouse: Warehouse) -> Scanned:
    return Scanned(warehouse)
