"""No entry of a batch folder stops intake (issue 14, item 2): names macOS writes (NFD), names that
are not UTF-8, links inside and outside the folder, a dangling link, a link to a folder, a pipe, a
file deleted while intake runs, a manifest naming an unknown type. Each becomes a document, a
duplicate or a `skipped` row with its reason, and the report accounts for every entry listed:
documents + quarantined + duplicates + skipped = entries.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from loaders.models import BatchFile, Document
from sohoa.pipeline.run import run_batch
from sohoa.pipeline.sources import FolderSource, SourceFile
from sohoa.runtime import Runtime
from tests.fixtures.embedded import embedded_runtime
from tests.reliability.test_erasure import wh  # noqa: F401 (fixture: SQLite and PostgreSQL)

NFC_NAME = "Giấy khai sinh Nguyễn.png"
NFD_NAME = unicodedata.normalize("NFD", NFC_NAME)
ODD_BYTES = b"ho so \xff\xfe.jpg"  # not UTF-8: what a Windows-1258 zip tool may write
ODD_SHOWN = "ho so \\xff\\xfe.jpg"
VANISHING = "sẽ biến mất.pdf"


@pytest.fixture(scope="module")
def odd_folder(tmp_path_factory: pytest.TempPathFactory, sample_batch: Path) -> Path:
    tmp = tmp_path_factory.mktemp("odd")
    folder = tmp / "inbox" / "la"
    (folder / "Hồ sơ 2").mkdir(parents=True)
    scans = {p.name: p.read_bytes() for p in sample_batch.iterdir()}
    assert NFD_NAME != NFC_NAME
    (folder / NFD_NAME).write_bytes(scans["0001_id_card_chip.png"])
    with open(os.path.join(os.fsencode(folder), ODD_BYTES), "wb") as fh:
        fh.write(scans["0002_admin_document.jpg"])
    (folder / "Hồ sơ 2" / "đơn.jpg").write_bytes(scans["0004_application_form.jpg"])
    (folder / VANISHING).write_bytes(scans["0006_admin_document.pdf"])
    secret = tmp / "ngoài lô"
    secret.mkdir()
    (secret / "cccd của người khác.jpg").write_bytes(scans["0005_land_use_certificate.jpg"])
    (folder / "bản liên kết.png").symlink_to(NFD_NAME)  # a file of the batch again
    (folder / "liên kết ra ngoài.jpg").symlink_to(secret / "cccd của người khác.jpg")
    (folder / "liên kết hỏng.pdf").symlink_to(folder / "không có.pdf")
    (folder / "thư mục liên kết").symlink_to(folder / "Hồ sơ 2", target_is_directory=True)
    os.mkfifo(folder / "ống dẫn.pdf")  # reading it would block forever
    (folder / "manifest.csv").write_text(
        "file,dossier_code,procedure_code,subject_id,type_hint\n"
        f"{NFD_NAME},H15.50-0001,1.001234,,\n"  # NFD in the manifest too
        "Hồ sơ 2/đơn.jpg,H15.50-0002,,,giay_to_la\n",  # no type has this code
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def odd_run(
    tmp_path_factory: pytest.TempPathFactory, odd_folder: Path
) -> Iterator[tuple[Runtime, dict[str, Any]]]:
    runtime = embedded_runtime(tmp_path_factory.mktemp("var"))
    real_fetch = FolderSource.fetch

    def fetch_while_deleting(self: FolderSource, item: SourceFile, dest: Path) -> Path:
        if getattr(item, "name", item) == VANISHING:
            (odd_folder / VANISHING).unlink()  # someone tidies the folder mid-intake
        return real_fetch(self, item, dest)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(FolderSource, "fetch", fetch_while_deleting)
        report = run_batch(runtime, str(odd_folder), "la", workers=1)  # today: rc 1
    yield runtime, report
    runtime.close()


EXPECTED = {
    NFC_NAME: ("document", "NFD name (macOS)"),
    ODD_SHOWN: ("document", "name with bytes that are not UTF-8"),
    "Hồ sơ 2/đơn.jpg": ("document", "manifest type_hint no type has"),
    "bản liên kết.png": ("duplicate", "link to a file of the batch"),
    "liên kết ra ngoài.jpg": ("skipped link_outside", "link pointing outside the folder"),
    "liên kết hỏng.pdf": ("skipped dangling_link", "dangling link"),
    "thư mục liên kết": ("skipped link_to_folder", "link to a folder"),
    "ống dẫn.pdf": ("skipped not_a_file", "named pipe"),
    VANISHING: ("skipped vanished", "file deleted while intake runs"),
}


def test_every_odd_entry_is_a_document_a_duplicate_or_a_reported_reason(
    odd_run: tuple[Runtime, dict[str, Any]], reliability_log: Any
) -> None:
    runtime, report = odd_run
    counts = report["counts"]
    with runtime.session() as s:
        rows = {f.original_name: f for f in s.scalars(select(BatchFile))}
    skipped = {item["name"]: item for item in report["skipped"]}
    outcomes = {}
    for name, (_, label) in EXPECTED.items():
        if name in skipped:
            got = f"skipped {skipped[name]['code']}"
        elif name in rows and rows[name].status == "loaded":
            got = "document"
        else:
            got = "duplicate" if name not in rows else rows[name].status
        outcomes[name] = got
        reliability_log.record("odd_entries", entry_class=label, tried=1, outcome=got)
    assert outcomes == {name: want for name, (want, _) in EXPECTED.items()}

    with runtime.session() as s:
        documents = s.scalar(select(func.count()).select_from(Document))
    reliability_log.record(
        "batches",
        batch="odd entries (names, links, pipe, vanished file)",
        entries=counts["files"],
        documents_expected=3,
        documents_found=documents,
        duplicates=documents - counts["loaded"],  # a second document for the same bytes
        lost=counts["files"]
        - counts["loaded"]
        - counts["quarantined"]
        - counts["duplicates"]
        - counts["skipped"],
    )
    assert counts["files"] == len(EXPECTED)
    assert counts["duplicates"] == 1
    assert counts["skipped"] == 5
    assert counts["loaded"] == 3
    assert (
        counts["loaded"] + counts["quarantined"] + counts["duplicates"] + counts["skipped"]
        == counts["files"]
    )
    for item in report["skipped"]:
        assert item["sha256"] is None, "nothing was read, so nothing was hashed"
        assert len(item["message"]) > 30, f"a reason a person can act on: {item}"


def test_a_link_outside_the_folder_is_never_read(
    odd_run: tuple[Runtime, dict[str, Any]], sample_batch: Path
) -> None:
    runtime, _ = odd_run
    import hashlib

    outside = hashlib.sha256((sample_batch / "0005_land_use_certificate.jpg").read_bytes())
    keys = [info.key for info in runtime.store.list("")]
    assert not [k for k in keys if outside.hexdigest() in k]
    with runtime.session() as s:
        assert s.scalar(select(Document.id).where(Document.sha256 == outside.hexdigest())) is None


def test_nfd_names_match_their_manifest_row_and_an_unknown_type_hint_is_reported(
    odd_run: tuple[Runtime, dict[str, Any]],
) -> None:
    runtime, report = odd_run
    with runtime.session() as s:
        rows = {f.original_name: f for f in s.scalars(select(BatchFile))}
        form = rows["Hồ sơ 2/đơn.jpg"]
        form_type = s.scalar(select(Document.doc_type).where(Document.id == form.document_id))
    assert rows[NFC_NAME].manifest == {"dossier_code": "H15.50-0001", "procedure_code": "1.001234"}
    assert form.manifest == {"dossier_code": "H15.50-0002"}, "the hint left out, the row kept"
    assert form.status == "loaded" and form_type == "application_form"
    [problem] = report["manifest_problems"]
    assert problem["code"] == "unknown_type_hint" and problem["row"] == 3
    assert "dòng 3" in problem["message"] and "type_hint" in problem["message"]
    assert "giay_to_la" not in problem["message"], "cell values stay out of reports"
    assert report["manifest_refused"] is False


def test_a_rerun_of_the_odd_folder_changes_nothing(
    odd_run: tuple[Runtime, dict[str, Any]], odd_folder: Path
) -> None:
    runtime, _ = odd_run
    with runtime.session() as s:
        before = sorted(s.execute(select(BatchFile.original_name, BatchFile.status)).all())
    again = run_batch(runtime, str(odd_folder), "la", workers=1)
    assert again["counts"]["new"] == 0 and again["counts"]["processed"] == 0
    with runtime.session() as s:
        after = sorted(s.execute(select(BatchFile.original_name, BatchFile.status)).all())
    assert after == before, "no row added or changed (the vanished file stays skipped)"


def test_an_inbox_object_named_in_nfd_is_read(tmp_path: Path, sample_batch: Path) -> None:
    """The same for a batch uploaded to the store's inbox (intake only): the key is kept as the
    store spells it, the name as people read it."""
    from sohoa.pipeline.intake import intake
    from sohoa.pipeline.sources import StoreSource

    runtime = embedded_runtime(tmp_path / "var")
    scan = (sample_batch / "0001_id_card_chip.png").read_bytes()
    runtime.store.put_bytes(f"inbox/nfd/{NFD_NAME}", scan)
    source = StoreSource(runtime.store, "inbox/nfd", "store:inbox/nfd")
    result = intake(runtime, source, "nfd")  # today: FileNotFoundError / ObjectNotFound
    assert (result.new, result.skipped) == (1, 0)
    with runtime.session() as s:
        assert s.scalar(select(BatchFile.original_name)) == NFC_NAME
    runtime.close()


def test_a_folder_that_cannot_be_listed_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sub-folder without read permission (as root, permissions do not stop us: the refusal is
    simulated) is an entry with its reason, not a silent hole in the batch."""
    (tmp_path / "Hồ sơ khóa").mkdir()
    (tmp_path / "Hồ sơ khóa" / "a.png").write_bytes(b"x")
    (tmp_path / "b.png").write_bytes(b"y")
    real_scandir = os.scandir

    def refusing(path: Any = ".") -> Any:
        if str(path).endswith("Hồ sơ khóa"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    listed = {f.name: f.skip.code if f.skip else None for f in FolderSource(tmp_path).files()}
    assert listed == {"b.png": None, "Hồ sơ khóa": "unreadable_folder"}


def test_odd_entries_register_on_both_databases(wh: Runtime, tmp_path: Path) -> None:  # noqa: F811
    """Intake alone, on SQLite and PostgreSQL: a skipped row has no sha256 (migration 0005), and
    no name — NFD, odd bytes, a control character — is refused by the database."""
    from PIL import Image

    from sohoa.pipeline.intake import intake

    folder = tmp_path / "lo"
    folder.mkdir()
    Image.new("L", (40, 30), 255).save(folder / NFD_NAME)
    Image.new("L", (40, 31), 255).save(os.path.join(os.fsencode(folder), ODD_BYTES))
    Image.new("L", (40, 32), 255).save(folder / "tab\there.png")
    (folder / "liên kết hỏng.pdf").symlink_to(folder / "không có.pdf")
    (folder / "ra ngoài.png").symlink_to(tmp_path)
    first = intake(wh, FolderSource(folder), "hai-csdl")
    again = intake(wh, FolderSource(folder), "hai-csdl")
    assert (first.new, first.skipped) == (3, 2)
    assert (again.new, again.skipped) == (3, 2)  # registered, not processed: still to do
    with wh.session() as s:
        rows = sorted(s.execute(select(BatchFile.original_name, BatchFile.sha256)).all())
    assert [name for name, _ in rows] == sorted(
        [NFC_NAME, ODD_SHOWN, "tab\\x09here.png", "liên kết hỏng.pdf", "ra ngoài.png"]
    ), "one row per entry, re-runs included"
    assert sum(sha is None for _, sha in rows) == 2
