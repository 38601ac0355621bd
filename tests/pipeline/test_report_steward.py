"""The batch report says whether auto-verification is on and, when it is off, how many documents
would have verified with no person at the calibrated threshold, and why the others need a
steward. Before, every document "needed a steward" with no word why."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rich.console import Console

from extractors.confidence import REVIEW_THRESHOLD
from extractors.records import Extraction
from loaders.batches import register_file, start_run
from loaders.db import session_scope
from loaders.load import load_extraction
from sohoa.pipeline.report import build_report, render_report
from sohoa.runtime import Runtime
from tests.fixtures.embedded import embedded_runtime
from tests.loaders import factories

BELOW = REVIEW_THRESHOLD - 0.2


def _batch(runtime: Runtime, extractions: list[Extraction]) -> None:
    with session_scope(runtime.sessions) as session:
        run = start_run(session, "lo-1", "inbox/lo-1")
        for extraction in extractions:
            name = f"{extraction.sha256[:6]}.pdf"
            register_file(
                session, run, sha256=extraction.sha256, original_name=name, size=1,
                media_type="application/pdf",
            )  # fmt: skip
            load_extraction(
                session,
                extraction,
                batch="lo-1",
                auto_verify_confidence=runtime.settings.auto_verify_at,
            )


def _four() -> list[Extraction]:
    clean = factories.id_card(id_number="001099000001", full_name="Lê Thị Hoa", confidence=0.97)
    low = factories.id_card(id_number="001099000002", full_name="Trần Văn Nam", confidence=0.97)
    low = replace(
        low,
        fields=tuple(
            replace(f, confidence=BELOW) if f.name == "full_name" else f for f in low.fields
        ),
    )
    wrong = factories.id_card(
        id_number="001099000003",
        full_name="Phạm Văn Ba",
        confidence=0.97,
        findings=(factories.error_on("expiry_date"),),
    )
    unknown = factories.document("unknown", {})
    return [clean, low, wrong, unknown]


def _shown(report: dict) -> str:  # type: ignore[type-arg]
    console = Console(record=True, width=140)
    render_report(report, console)
    return console.export_text()


def test_with_auto_verification_off_the_report_says_what_it_would_have_done(
    runtime: Runtime,
) -> None:
    _batch(runtime, _four())
    report = build_report(runtime, "lo-1")
    assert report["steward"] == {
        "review_threshold": REVIEW_THRESHOLD,
        "auto_verify": False,
        "straight_through": 1,
        "reasons": {"unknown_type": 1, "validation": 1, "low_confidence": 1},
    }
    assert report["documents"]["needs_review"] == 4
    text = _shown(report)
    assert "Tự động xác minh (SOHOA_AUTO_VERIFY)" in text and "tắt" in text
    assert "nếu bật, tự xác minh được (ngưỡng 90%)" in text and "1 / 4" in text
    assert "Cần cán bộ vì" in text and "chưa rõ loại giấy tờ" in text
    assert "giá trị dưới ngưỡng tin cậy" in text


def test_with_auto_verification_on_the_report_says_so_and_why_the_rest_wait(
    tmp_path: Path,
) -> None:
    runtime = embedded_runtime(tmp_path / "on", auto_verify=True)
    try:
        _batch(runtime, _four())
        report = build_report(runtime, "lo-1")
        assert report["steward"]["auto_verify"] is True
        assert report["documents"]["verified"] == report["steward"]["straight_through"] == 1
        text = _shown(report)
        assert "bật, ở ngưỡng 90%" in text and "nếu bật" not in text
        assert "lỗi kiểm tra (sai định dạng, mâu thuẫn)" in text
    finally:
        runtime.close()
