"""A document's `media_type` is never empty: the load step records the type intake sniffed from
the file's bytes (and its size), on both load paths; a document loaded before that was fixed (or
by a caller that knew no type) is served as `application/octet-stream`, never as ""."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from loaders.batches import register_file, start_run
from loaders.models import Document
from sohoa.pipeline.load_step import load_file, load_files
from sohoa.runtime import Runtime
from storage import layout
from tests.loaders import factories
from tests.web.conftest import Keys, Warehouse

ID = "001099012345"


def _processed(runtime: Runtime, batch: str, media_type: str, size: int) -> str:
    """A file as intake registers it and processing caches its extraction."""
    extraction = factories.id_card(id_number=ID)
    with runtime.session() as session:
        run = start_run(session, batch, "test")
        register_file(
            session,
            run,
            sha256=extraction.sha256,
            original_name="the-card.png",
            size=size,
            media_type=media_type,
        )
    record = {"options_fingerprint": "", "extraction": extraction.to_dict()}
    runtime.store.put_bytes(layout.extraction_json(extraction.sha256), json.dumps(record).encode())
    return extraction.sha256


@pytest.mark.parametrize("path", ["batch", "one file"])
def test_a_loaded_document_keeps_the_type_intake_found(
    client: TestClient,
    keys: Keys,
    warehouse: Warehouse,
    runtime: Runtime,
    path: str,
) -> None:
    sha256 = _processed(runtime, "lo-1", "image/png", 123_456)

    if path == "batch":
        [result] = load_files(runtime, "lo-1", [sha256])
    else:
        result = load_file(runtime, "lo-1", sha256)

    with runtime.session() as session:
        document = session.get_one(Document, result.document_id)
        assert (document.media_type, document.size) == ("image/png", 123_456)
    warehouse.accept(result.document_id)
    served = client.get(f"/v1/documents/{result.document_id}", headers=keys.headers())
    assert served.status_code == 200, served.text
    assert served.json()["media_type"] == "image/png"


def test_a_document_of_no_known_type_is_served_as_octet_stream(
    client: TestClient, keys: Keys, warehouse: Warehouse, runtime: Runtime
) -> None:
    document_id = warehouse.verified(factories.id_card(id_number=ID))  # loaded with no type
    with runtime.session() as session:
        assert session.get_one(Document, document_id).media_type == ""
    served = client.get(f"/v1/documents/{document_id}", headers=keys.headers())
    assert served.json()["media_type"] == "application/octet-stream"
