"""Erasure stays erased (issue 14, items 4-6; docs/DESIGN.md "Erasure is sticky").

The scene of the issue, with real scans through the real pipeline: a batch holds person P's ID card
(only P) and an enterprise registration naming L as legal representative (shared with the
company). Both are verified, then P and L are erased. Running the batch again — plainly, with
`--reprocess`, by `sohoa reprocess` and `quarantine retry` — must write back no original of P's
card, no OCR text, extraction or page image of either file, no name of theirs in any table or
stored JSON, and no scan in the review UI or the API; the company's fields stay served. The change
feed keeps no date of P's card (its expiry is P's birthday). A rescan with new bytes is new data.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select
from typer.testing import CliRunner

from loaders import principals
from loaders.changes import FeedPosition, read_feed
from loaders.erasure import TOMBSTONE
from loaders.expiry import write_expiry_events
from loaders.models import (
    Base,
    BatchFile,
    ChangeEvent,
    Document,
    DocumentStatus,
    EventKind,
    FieldValue,
)
from loaders.review import accept_document
from sohoa.auth import apikeys
from sohoa.pipeline import workdir
from sohoa.pipeline.erasure import erase_subject_everywhere, repair_erasures
from sohoa.pipeline.quarantine import quarantine_file
from sohoa.pipeline.quarantine_ops import retry
from sohoa.pipeline.redo import reprocess_files
from sohoa.pipeline.run import run_batch
from sohoa.runtime import Runtime
from storage import layout
from tests.fixtures.embedded import embedded_runtime
from tests.reliability.test_erasure import wh  # noqa: F401 (fixture: SQLite and PostgreSQL)
from tests.web.review.helpers import create_person, sign_in

SECRET = "test-secret"
PURPOSE = "TTHC 1.001234 ho so H15.50-0001"


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """P's ID card and a company's registration naming L, clean scans, with their truth."""
    from sohoa.samples import generate

    out = tmp_path_factory.mktemp("scans")
    made = generate(
        out,
        count=2,
        seed=21,
        noise="none",
        types=["id_card_chip", "enterprise_registration"],
        formats=["png"],
    )
    truth = {
        s.path.name: json.loads(s.path.with_name(f"{s.path.stem}.truth.json").read_text())
        for s in made
    }
    card, registration = (s.path for s in made)
    p, reg = truth[card.name]["fields"], truth[registration.name]["fields"]
    return {
        "card": card,
        "registration": registration,
        "p_id": p["id_number"],
        "l_id": reg["legal_representative_id_number"],
        # What must never be found again: numbers, names (as printed and as read), birth dates.
        "strings": _forms(
            p["id_number"],
            p["full_name"],
            p["date_of_birth"],
            p["place_of_residence"],
            reg["legal_representative_id_number"],
            reg["legal_representative_full_name"],
            reg["legal_representative_date_of_birth"],
        ),
        "company": reg["company_name"],
    }


def _forms(*values: str) -> tuple[str, ...]:
    forms: list[str] = []
    for value in values:
        forms += [value, value.title()]
        try:
            day = date.fromisoformat(value)
        except ValueError:
            continue
        forms.append(day.strftime("%d/%m/%Y"))
    return tuple(forms)


@pytest.fixture
def erased(tmp_path: Path, scans: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The batch run, both documents verified (and P's card expired in the feed), then P and L
    erased."""
    folder = tmp_path / "inbox" / "lo-xoa"
    folder.mkdir(parents=True)
    card = folder / f"CCCD {scans['p_id']}.png"  # a name that says whose it is
    card.write_bytes(scans["card"].read_bytes())
    registration = folder / "đăng ký doanh nghiệp.png"
    registration.write_bytes(scans["registration"].read_bytes())
    runtime = embedded_runtime(tmp_path / "var")
    report = run_batch(runtime, str(folder), "lo-xoa", workers=1)
    assert report["counts"]["loaded"] == 2
    steward = create_person(runtime, "an.steward", "steward")
    with runtime.session() as s:
        ids = {}
        for doc in s.scalars(select(Document)):
            accept_document(s, doc.id, principal_id=steward, expected_lock_version=doc.lock_version)
            ids[doc.doc_type] = (doc.id, doc.sha256)
    with runtime.session() as s:
        assert write_expiry_events(s, date(2030, 1, 1)) >= 1  # P's card ran out, in the feed
    assert _mentions(runtime, scans["strings"]), "the scans do name them before"
    erase_subject_everywhere(runtime, scans["p_id"], steward, "Đơn yêu cầu xóa số 12/2025")
    erase_subject_everywhere(runtime, scans["l_id"], steward, "Đơn yêu cầu xóa số 13/2025")
    card_id, card_sha = ids["id_card"]
    reg_id, reg_sha = ids["enterprise_registration"]
    yield {
        "runtime": runtime,
        "folder": folder,
        "card_file": card,
        "card_id": card_id,
        "card": card_sha,
        "reg_id": reg_id,
        "reg": reg_sha,
        "steward": steward,
    }
    runtime.close()


def _mentions(runtime: Runtime, needles: tuple[str, ...]) -> list[str]:
    """Where the erased people are found: every table but the audit log, and every stored JSON
    (reports, quarantine reasons, OCR text, extractions)."""
    hits = []
    lowered = [n.casefold() for n in needles]
    with runtime.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name == "audit_log":
                continue
            for row in conn.execute(select(table)).mappings():
                for column, value in row.items():
                    if value is None:
                        continue
                    text = (
                        json.dumps(value, ensure_ascii=False)
                        if isinstance(value, dict | list)
                        else str(value)
                    ).casefold()
                    hits += [f"{table.name}.{column}" for n in lowered if n in text]
    for info in runtime.store.list(""):
        if info.key.endswith(".json"):
            text = runtime.store.get_bytes(info.key).decode().casefold()
            hits += [info.key for n in lowered if n in text]
    return hits


def _written_back(runtime: Runtime, card: str, reg: str) -> list[str]:
    """Objects that must not exist after the erasure: the card's anything, the registration's
    derived objects (its original stays, withheld)."""
    keys = [info.key for info in runtime.store.list("")]
    return [
        k
        for k in keys
        if card in k or k.startswith(f"derived/{reg}/") or (reg in k and "quarantine/" in k)
    ]


def test_rerunning_the_batch_brings_no_one_back(
    erased: dict[str, Any], scans: dict[str, Any], reliability_log: Any
) -> None:
    runtime, folder = erased["runtime"], erased["folder"]
    assert _written_back(runtime, erased["card"], erased["reg"]) == []
    assert _mentions(runtime, scans["strings"]) == []

    again = run_batch(runtime, str(folder), "lo-xoa", workers=1)  # today: originals/ written back

    assert _written_back(runtime, erased["card"], erased["reg"]) == []
    [skipped] = again["skipped"]
    assert skipped["sha256"] == erased["card"] and skipped["code"] == "erased_subject"
    assert skipped["name"] == TOMBSTONE, "the report gives the reason without a name"
    assert "Nghị định 13/2023" in skipped["message"]
    counts = again["counts"]
    assert counts["already_done"] + counts["skipped"] == counts["files"] == 2

    reprocessed = run_batch(runtime, str(folder), "lo-xoa", workers=1, reprocess=True)

    assert reprocessed["counts"]["processed"] == 1, "the company's registration is read again"
    assert _written_back(runtime, erased["card"], erased["reg"]) == [], "no OCR text, no extraction"
    assert _mentions(runtime, scans["strings"]) == []
    with runtime.session() as s:
        fields = {
            f.name: f.value
            for f in s.scalars(select(FieldValue).where(FieldValue.document_id == erased["reg_id"]))
        }
        reg = s.get_one(Document, erased["reg_id"])
    assert fields["company_name"].casefold() == scans["company"].casefold()
    assert fields["legal_representative_id_number"] == TOMBSTONE
    assert reg.status == DocumentStatus.VERIFIED, "the company's record is still served"

    # The same file in another batch is the same file: skipped, no name kept, nothing stored.
    other = run_batch(runtime, str(folder), "lo-khac", workers=1)
    assert [i["code"] for i in other["skipped"]] == ["erased_subject"]
    assert _written_back(runtime, erased["card"], erased["reg"]) == []
    assert _mentions(runtime, scans["strings"]) == []
    reliability_log.record(
        "erasure_reruns",
        case="sohoa run, --reprocess, and another batch, after erasing P and L",
        tried=3,
        outcome="P's card skipped (erased_subject, no name); registration re-read, nothing stored",
        erased_found_again=len(_mentions(runtime, scans["strings"])),
        written_back=len(_written_back(runtime, erased["card"], erased["reg"])),
    )


def test_reprocess_and_retry_of_erased_files_bring_no_one_back(
    erased: dict[str, Any], scans: dict[str, Any]
) -> None:
    runtime = erased["runtime"]
    [card] = reprocess_files(runtime, [erased["card"][:10]])
    assert card.status == "skipped" and card.reason_code == "erased_subject"
    [reg] = reprocess_files(runtime, [erased["reg"][:10]])
    assert reg.status == "loaded"
    assert _written_back(runtime, erased["card"], erased["reg"]) == []

    # A quarantine copy kept from before the erasure rule (or set aside since): retry must not
    # make it an original again.
    runtime.store.put_bytes(layout.original(erased["card"]), erased["card_file"].read_bytes())
    quarantine_file(runtime, "lo-xoa", erased["card"], None, "internal_error", "lỗi nội bộ")
    with runtime.session() as s:
        row = s.scalars(select(BatchFile).where(BatchFile.sha256 == erased["card"])).one()
        row.status = "quarantined"
    [retried] = retry(runtime, erased["card"][:10])
    assert retried.status == "skipped"
    assert _written_back(runtime, erased["card"], erased["reg"]) == []
    assert _mentions(runtime, scans["strings"]) == []


def test_a_rescan_with_new_bytes_is_new_data(erased: dict[str, Any], scans: dict[str, Any]) -> None:
    runtime = erased["runtime"]
    rescan = erased["folder"].parent / "lo-moi"
    rescan.mkdir()
    buffer = io.BytesIO()
    Image.open(erased["card_file"]).save(buffer, format="PNG", compress_level=9)
    (rescan / "CCCD quét lại.png").write_bytes(buffer.getvalue())
    report = run_batch(runtime, str(rescan), "lo-moi", workers=1)
    assert report["counts"]["loaded"] == 1 and report["skipped"] == []
    with runtime.session() as s:
        sha = s.scalar(
            select(BatchFile.sha256).where(BatchFile.original_name == "CCCD quét lại.png")
        )
    assert sha != erased["card"] and runtime.store.exists(layout.original(sha))


def _client(runtime: Runtime) -> Any:
    from fastapi.testclient import TestClient

    from sohoa.web.app import create_app

    return TestClient(create_app(runtime))


def test_the_shared_original_is_withheld_from_every_reader(
    erased: dict[str, Any], reliability_log: Any
) -> None:
    runtime = erased["runtime"]
    new = apikeys.generate(SECRET)
    with runtime.session() as s:
        principals.create_service(
            s, name="mot-cua", role="reader", key_prefix=new.prefix, key_digest=new.digest
        )
    with _client(runtime) as client:
        headers = {"Authorization": f"Bearer {new.key}", "X-Purpose": PURPOSE}
        served = client.get(f"/v1/documents/{erased['reg_id']}", headers=headers)
        assert served.status_code == 200, served.text
        body = served.json()
        assert body["original"] is None, "no link to a scan that shows an erased person"
        assert body["original_withheld"] == "subject_erased"
        assert {f["name"] for f in body["fields"]} >= {"company_name", "enterprise_code"}

        sign_in(client, "an.steward")
        page = client.get(f"/review/documents/{erased['reg_id']}")
        assert page.status_code == 200
        assert "Không hiển thị bản quét" in page.text and "Nghị định 13/2023" in page.text
        assert "/pages/1.png" not in page.text
        image = client.get(f"/review/documents/{erased['reg_id']}/pages/1.png")
        assert image.status_code == 404, "not even asked for by hand"
    reliability_log.record(
        "erasure_reruns",
        case="a shared document's scan, asked for by the API and the review page",
        tried=2,
        outcome="no link (original_withheld: subject_erased); review page says why, image 404",
        erased_found_again=0,
        written_back=0,
    )


def test_the_feed_keeps_no_date_of_an_erased_persons_document(
    erased: dict[str, Any], reliability_log: Any
) -> None:
    runtime = erased["runtime"]
    with runtime.session() as s:
        events = read_feed(s, FeedPosition(), limit=1000).events
        stored = s.scalars(
            select(ChangeEvent).where(ChangeEvent.document_id == erased["card_id"])
        ).all()
    card_events = [e for e in events if e.document_id == erased["card_id"]]
    assert card_events, "downstream systems still hear about the card (to delete their copy)"
    assert EventKind.EXPIRED not in {e.kind for e in card_events}, "its time is the date itself"
    for event in card_events:
        dates = [v for v in event.payload.values() if isinstance(v, str) and v[:4].isdigit()]
        assert dates == [], f"{event.kind} carries {dates}"
    for row in stored:  # the stored payloads are scrubbed too
        dates = [v for v in row.payload.values() if isinstance(v, str) and v[:4].isdigit()]
        assert dates == [], f"stored {row.kind} keeps {dates}"
    reliability_log.record(
        "erasure_reruns",
        case="the change feed of an erased person's ID card (verified, then expired)",
        tried=1,
        outcome=f"{len(card_events)} events handed out, no date in any; expired event held back",
        erased_found_again=0,
        written_back=0,
    )


def test_repair_removes_what_earlier_runs_wrote_back(
    erased: dict[str, Any],
    scans: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    reliability_log: Any,
) -> None:
    """What a run before this fix left: the card's original, OCR text and extraction of both,
    a page image, a quarantine copy, a listing under the card's name in a new batch, dated feed
    events, and a killed run's copy of the scan. `sohoa subjects repair-erasures` removes it."""
    from loaders.batches import register_file, start_run
    from sohoa.cli import app
    from sohoa.settings import get_settings

    runtime = erased["runtime"]
    card, reg = erased["card"], erased["reg"]
    store = runtime.store
    data = erased["card_file"].read_bytes()
    store.put_bytes(layout.original(card), data)
    for sha in (card, reg):
        store.put_bytes(layout.ocr_json(sha), json.dumps({"words": scans["strings"]}).encode())
        store.put_bytes(layout.extraction_json(sha), json.dumps(scans["strings"]).encode())
        store.put_bytes(layout.page_image(sha, 1), b"\x89PNG page")
    store.put_bytes(layout.quarantine("lo-xoa", card), data)
    with runtime.session() as s:
        run = start_run(s, "lo-cu", "/scans/lo-cu")
        register_file(
            s,
            run,
            sha256=card,
            original_name=erased["card_file"].name,
            size=len(data),
            media_type="image/png",
            manifest={"subject_id": scans["p_id"]},
        )
        s.add(
            ChangeEvent(
                kind=EventKind.VERIFIED,
                document_id=erased["card_id"],
                subject_public_id=s.scalar(
                    select(ChangeEvent.subject_public_id).where(
                        ChangeEvent.document_id == erased["card_id"],
                        ChangeEvent.kind == EventKind.SUBJECT_ERASED,
                    )
                ),
                payload={"doc_type": "id_card", "valid_to": "2024-12-26"},
            )
        )
    workdir.use_root(tmp_path / "tmp" / workdir.ROOT_NAME)
    dead = tmp_path / "tmp" / workdir.ROOT_NAME / "4242-killed"
    dead.mkdir(parents=True)
    (dead / workdir.OWNER_FILE).write_text("4242\n")  # nobody holds its lock: its process is gone
    (dead / "original").write_bytes(data)
    planted = _written_back(runtime, card, reg)
    assert planted and _mentions(runtime, scans["strings"])

    monkeypatch.setenv("SOHOA_DATABASE_URL", runtime.settings.database_url)
    monkeypatch.setenv("SOHOA_STORAGE_URL", runtime.settings.storage_url)
    monkeypatch.setenv("SOHOA_SECRET_KEY", SECRET)
    get_settings.cache_clear()
    try:
        help_text = CliRunner().invoke(app, ["subjects", "repair-erasures", "--help"]).output
        dry = CliRunner().invoke(app, ["subjects", "repair-erasures", "--dry-run"])
        assert dry.exit_code == 0, dry.output
        assert _written_back(runtime, card, reg), "a dry run changes nothing"
        done = CliRunner().invoke(app, ["subjects", "repair-erasures"])
        again = repair_erasures(runtime).counts()
    finally:
        get_settings.cache_clear()
        workdir.use_root(None)
    assert "Example" in help_text and "--dry-run" in help_text
    assert done.exit_code == 0, done.output
    assert _written_back(runtime, card, reg) == []
    assert _mentions(runtime, scans["strings"]) == []
    assert not dead.exists()
    assert store.exists(layout.original(reg)), "the shared original stays for the company"
    assert again.pop("files_checked") == 2
    assert set(again.values()) == {0}, f"a second repair finds nothing: {again}"
    reliability_log.record(
        "erasure_reruns",
        case="sohoa subjects repair-erasures after a run from before this fix",
        tried=len(planted) + 3,  # + a listing, a dated event, a killed run's copy
        outcome="all removed (the shared original kept, withheld); a second repair finds nothing",
        erased_found_again=len(_mentions(runtime, scans["strings"])),
        written_back=len(_written_back(runtime, card, reg)),
    )


def test_erasure_marks_and_the_feed_on_both_databases(wh: Runtime) -> None:  # noqa: F811
    """The content-hash check and the feed's view, on SQLite and PostgreSQL (test_erasure's
    warehouse: A's own ID card, and B's birth certificate naming A as mother)."""
    from loaders.erasure import (
        ERASED_ONLY,
        SHARED_WITH_ERASED,
        erasure_marks,
        original_withheld,
    )
    from tests.reliability.test_erasure import A_ID, _build

    built = _build(wh)
    with wh.session() as s:
        assert erasure_marks(s, [built["card"], built["certificate"]]) == {}
        s.add(  # a dated event of A's card, as written before erasure scrubbed them
            ChangeEvent(
                kind=EventKind.EXPIRED,
                document_id=built["card_id"],
                subject_public_id=s.scalar(
                    select(ChangeEvent.subject_public_id).where(
                        ChangeEvent.document_id == built["card_id"]
                    )
                ),
                payload={"valid_to": "2039-03-15", "expired_on": "2039-03-16"},
            )
        )
    erase_subject_everywhere(wh, A_ID, built["steward"], "Đơn yêu cầu xóa số 12/2025")
    with wh.session() as s:
        marks = erasure_marks(s, [built["card"], built["certificate"], "0" * 64])
        assert marks == {built["card"]: ERASED_ONLY, built["certificate"]: SHARED_WITH_ERASED}
        assert erasure_marks(s) == marks
        assert original_withheld(s, built["certificate_id"])
        events = read_feed(s, FeedPosition(), limit=1000).events
    card_events = [e for e in events if e.document_id == built["card_id"]]
    assert EventKind.EXPIRED not in {e.kind for e in card_events}
    assert all("2039" not in json.dumps(e.payload) for e in card_events)
