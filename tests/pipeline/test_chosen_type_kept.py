"""A type a steward chose for a document (retype in the review UI) is a person's decision about
that document: reprocessing the file, or re-running its batch, keeps it instead of classifying
the file again (a type named for the run itself still wins)."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy import select

from loaders.models import Document, Principal
from sohoa.pipeline.redo import redo_file
from sohoa.pipeline.retype import retype_document
from sohoa.pipeline.run import run_batch
from sohoa.runtime import Runtime

# A born-digital page no cue recognises: the classifier leaves it `unknown`.
LINES = ["BIEN NHAN HO SO", "Nguoi nop: Nguyen Van An", "Ngay nhan: 05/01/2025", "Ghi chu: du"]


def _unrecognised_pdf(folder: Path) -> Path:
    folder.mkdir(parents=True)
    path = folder / "bien_nhan.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for i, line in enumerate(LINES):
        pdf.drawString(72, 770 - 24 * i, line)
    pdf.save()
    return path


def _doc_type(runtime: Runtime) -> str:
    with runtime.session() as session:
        return session.scalars(select(Document.doc_type)).one()


def test_reprocessing_and_re_running_keep_the_type_a_steward_chose(
    runtime: Runtime, tmp_path: Path
) -> None:
    folder = tmp_path / "inbox" / "lo-retype"
    _unrecognised_pdf(folder)
    run_batch(runtime, str(folder), "lo-retype", workers=1)
    assert _doc_type(runtime) == "unknown"
    with runtime.session() as session:
        steward = Principal(kind="person", name="lan", role="steward")
        session.add(steward)
        session.flush()
        steward_id = steward.id
        document = session.scalars(select(Document)).one()
        document_id, lock, sha256 = document.id, document.lock_version, document.sha256
    retype_document(runtime, document_id, "application_form", principal_id=steward_id,
                    expected_lock_version=lock)  # fmt: skip
    assert _doc_type(runtime) == "application_form"

    redo_file(runtime, "lo-retype", sha256)  # `sohoa reprocess`, no --type
    assert _doc_type(runtime) == "application_form"
    run_batch(runtime, str(folder), "lo-retype", workers=1, reprocess=True)
    assert _doc_type(runtime) == "application_form"
    redo_file(runtime, "lo-retype", sha256, hint="admin_document")  # a person names another type
    assert _doc_type(runtime) == "admin_document"
