"""Bad input gets a clear reason and loses nothing: every file of a batch full of traps becomes a
document or a quarantine entry a person can act on, the batch completes and the counts add up."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sohoa.pipeline.run import run_batch
from sohoa.runtime import Runtime
from storage import layout
from tests.fixtures.batches import copy_batch
from tests.fixtures.embedded import embedded_runtime
from tests.reliability import badfiles


@pytest.fixture(scope="module")
def trap_batch(tmp_path_factory: pytest.TempPathFactory, sample_batch: Path) -> Path:
    from sohoa.samples import generate

    tmp_path = tmp_path_factory.mktemp("traps")
    folder = copy_batch(sample_batch, tmp_path / "inbox" / "bay")
    extra = generate(tmp_path / "extra", count=1, seed=99, formats=["png"])[0].path
    scans = sorted(sample_batch.glob("*.png")) + sorted(sample_batch.glob("*.jpg"))
    pdfs = sorted(sample_batch.glob("*.pdf"))
    sub = folder / "Hồ sơ số 1"
    sub.mkdir()
    badfiles.zero_byte(folder / "tệp rỗng.pdf")
    badfiles.truncated_pdf(folder / "bị cắt cụt.pdf", pdfs[0])
    badfiles.encrypted_pdf(folder / "có mật khẩu.pdf")
    badfiles.garbage_text_layer_pdf(sub / "lớp chữ hỏng.pdf", scans[0])
    badfiles.decompression_bomb_png(folder / "bom giải nén.png")
    badfiles.photo_not_a_document(folder / "ảnh chụp bàn làm việc.jpg")
    badfiles.wrong_extension(sub / "giấy tờ (bản sao).pdf", extra)
    (folder / "bản trùng.png").write_bytes(scans[0].read_bytes())
    (folder / "manifest.csv").write_text(
        "file,dossier_code,procedure_code,subject_id,type_hint\n"
        "tệp rỗng.pdf,H15.50.05.13-261008-0975,1.001234,,\n"
        "không có tệp này.pdf,H15.50.05.13-261008-0976,,,\n"
        "../../etc/passwd,,,,\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def trap_run(
    tmp_path_factory: pytest.TempPathFactory, trap_batch: Path
) -> Iterator[tuple[Runtime, dict[str, Any]]]:
    """One run of the trap batch, shared by the tests below (each only reads its outcome)."""
    runtime = embedded_runtime(tmp_path_factory.mktemp("var"))
    yield runtime, run_batch(runtime, str(trap_batch), "bay", workers=2)
    runtime.close()


TRAP_CLASSES = {
    "tệp rỗng.pdf": "zero-byte file",
    "bị cắt cụt.pdf": "truncated PDF",
    "có mật khẩu.pdf": "encrypted PDF",
    "Hồ sơ số 1/lớp chữ hỏng.pdf": "garbage text layer",
    "bom giải nén.png": "decompression bomb",
    "ảnh chụp bàn làm việc.jpg": "photo, not a document",
    "Hồ sơ số 1/giấy tờ (bản sao).pdf": "wrong extension",
    "bản trùng.png": "same bytes twice in a batch",
}


def test_a_batch_of_traps_completes_and_every_file_is_accounted_for(
    trap_run: tuple[Runtime, dict[str, Any]], reliability_log: Any
) -> None:
    runtime, report = trap_run
    quarantined = {q["name"]: q["code"] for q in report["quarantined"]}
    for name, label in TRAP_CLASSES.items():
        outcome = quarantined.get(name, "document")
        if name == "bản trùng.png":
            outcome = "counted as duplicate"
        reliability_log.record("bad_input", file_class=label, tried=1, outcome=outcome)
    reliability_log.record(
        "bad_input",
        file_class="manifest rows naming no file",
        tried=2,
        outcome=f"reported: {len(report['manifest_missing'])}",
    )

    counts = report["counts"]
    reliability_log.record(
        "batches",
        batch="bad input (6 documents + 8 traps)",
        entries=counts["files"],
        documents_expected=6 + 2,
        documents_found=counts["loaded"],
        duplicates=0,  # duplicate documents: the same bytes twice are one document
        lost=counts["files"]
        - counts["loaded"]
        - counts["quarantined"]
        - counts["duplicates"]
        - counts["skipped"],
    )
    assert counts["files"] == 6 + 8
    assert counts["duplicates"] == 1  # "bản trùng.png" has the bytes of another file
    assert counts["loaded"] == 6 + 2
    assert counts["loaded"] + counts["quarantined"] + counts["duplicates"] == counts["files"]
    reasons = {q["name"]: q["code"] for q in report["quarantined"]}
    assert reasons == {
        "tệp rỗng.pdf": "empty_file",
        "bị cắt cụt.pdf": "corrupt_file",
        "có mật khẩu.pdf": "encrypted_pdf",
        "bom giải nén.png": "decompression_bomb",
        "ảnh chụp bàn làm việc.jpg": "not_a_document",
    }
    for item in report["quarantined"]:
        assert len(item["message"]) > 20, f"a reason a person can act on: {item}"
        assert runtime.store.exists(layout.quarantine("bay", item["sha256"]))
    assert sorted(report["manifest_missing"]) == ["../../etc/passwd", "không có tệp này.pdf"]


def test_garbage_text_layer_is_ocred_and_wrong_extension_is_read(
    trap_run: tuple[Runtime, dict[str, Any]],
) -> None:
    runtime, _ = trap_run
    from loaders.models import BatchFile

    with runtime.session() as s:
        rows = {f.original_name: f for f in s.query(BatchFile).all()}
    garbage = rows["Hồ sơ số 1/lớp chữ hỏng.pdf"]
    assert garbage.status == "loaded"
    ocr = json.loads(runtime.store.get_bytes(layout.ocr_json(garbage.sha256)))
    assert [p["source"] for p in ocr["pages"]] == ["ocr"]
    renamed = rows["Hồ sơ số 1/giấy tờ (bản sao).pdf"]
    assert renamed.status == "loaded"
    assert renamed.media_type.startswith("image/")


def test_object_keys_never_come_from_file_names(
    trap_run: tuple[Runtime, dict[str, Any]],
) -> None:
    runtime, _ = trap_run
    keys = [info.key for info in runtime.store.list("")]
    assert keys, "the run stored objects"
    for key in keys:
        assert "Hồ sơ" not in key and " " not in key and ".." not in key
        assert key.split("/")[0] in {"originals", "derived", "quarantine", "reports"}
