"""The batch report: what a run did, in words a digitization team reads (Vietnamese).

The report saved at `reports/<batch>.json` carries no file names (names live in the warehouse);
the terminal rendering adds them back from the warehouse for the person at the console.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table

from extractors.doctypes import label as doc_type_label
from loaders.batch_report import run_summary
from sohoa.runtime import Runtime
from storage import ObjectNotFound, layout


def build_report(runtime: Runtime, batch: str, *, finish: bool = False) -> dict[str, Any]:
    """Summarize the batch's latest run from the warehouse (and close the run if `finish`)."""
    with runtime.session() as session:
        summary = run_summary(
            session, batch, finish=finish, review_threshold=runtime.settings.review_threshold
        )
    summary["steward"]["auto_verify"] = runtime.settings.auto_verify
    pages = summary["pages"]
    processed_pages = pages["ocr"] + pages["text_layer"]
    summary["seconds_per_page"] = (
        round(summary["process_seconds"] / processed_pages, 3) if processed_pages else None
    )
    summary["generated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    summary["counts"] = {
        "files": summary["files"],
        "new": summary["new"],
        "already_done": summary["already_done"],
        "duplicates": summary["duplicates"],
        "processed": summary["processed"],
        "cached": summary["cached"],
        "loaded": summary["loaded"],
        "quarantined": len(summary["quarantined"]),
        "skipped": len(summary["skipped"]),
        "needs_review": summary["documents"]["needs_review"],
        "resumed_run": summary["resumed_run"],
    }
    return summary


def without_names(report: dict[str, Any]) -> dict[str, Any]:
    """The report as stored: file names removed, counts kept."""
    clean = copy.deepcopy(report)
    for item in [*clean.get("quarantined", []), *clean.get("skipped", [])]:
        item.pop("name", None)
    clean["manifest_missing"] = len(clean.get("manifest_missing", []))
    return clean


def save_report(runtime: Runtime, report: dict[str, Any]) -> str:
    key = layout.report(report["batch"])
    runtime.store.put_bytes(
        key,
        json.dumps(without_names(report), ensure_ascii=False, indent=1).encode(),
        content_type="application/json",
    )
    return key


def load_saved_report(runtime: Runtime, batch: str) -> dict[str, Any] | None:
    try:
        return json.loads(runtime.store.get_bytes(layout.report(batch)))
    except ObjectNotFound:
        return None


def render_report(report: dict[str, Any], console: Console | None = None) -> None:
    """Print the report for a person: headline numbers, pages, types, quarantine with reasons."""
    console = console or Console()
    counts = report["counts"]
    pages = report["pages"]
    docs = report["documents"]

    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column(justify="right")
    head.add_row("Tệp trong nguồn", str(counts["files"]))
    head.add_row("  mới", str(counts["new"]))
    head.add_row("  đã xử lý ở lần chạy trước (bỏ qua)", str(counts["already_done"]))
    if counts["duplicates"]:
        head.add_row("  trùng nội dung với tệp khác trong lô", str(counts["duplicates"]))
    head.add_row("Tệp đã xử lý trong lần chạy này", str(counts["processed"]))
    head.add_row("  dùng lại kết quả đã lưu (không OCR lại)", str(counts["cached"]))
    head.add_row("Tài liệu đã nạp vào kho trong lần chạy này", str(counts["loaded"]))
    head.add_row("Tệp bị cách ly", str(counts["quarantined"]))
    if counts.get("skipped"):
        head.add_row("Mục bỏ qua (không đọc, có lý do)", str(counts["skipped"]))
    head.add_row("Trang OCR / trang lấy từ lớp văn bản", f"{pages['ocr']} / {pages['text_layer']}")
    spp = report.get("seconds_per_page")
    head.add_row("Giây mỗi trang", f"{spp:.2f}" if spp is not None else "—")
    head.add_row("Trường đã trích xuất", str(report["fields"]))
    head.add_row(
        "Tài liệu cần cán bộ xem xét / đã xác minh",
        f"{docs['needs_review']} / {docs['verified']}",
    )

    steward = report.get("steward")
    if steward:
        _steward_rows(head, steward, docs)

    types = Table(title="Theo loại giấy tờ (cả lô)", show_edge=False)
    types.add_column("Loại")
    types.add_column("Số tài liệu", justify="right")
    for doc_type, n in sorted(docs["by_type"].items(), key=lambda kv: -kv[1]):
        types.add_row(doc_type_label(doc_type), str(n))

    parts: list[Any] = [head, types]
    if report["quarantined"]:
        q = Table(title="Tệp bị cách ly và lý do", show_edge=False)
        q.add_column("Tệp")
        q.add_column("Lý do")
        for item in report["quarantined"]:
            q.add_row(_shown_name(item), item["message"])
        parts.append(q)
    if report.get("skipped"):
        skipped = Table(title="Mục bỏ qua và lý do", show_edge=False)
        skipped.add_column("Mục")
        skipped.add_column("Lý do")
        for item in report["skipped"]:
            skipped.add_row(_shown_name(item), item["message"])
        parts.append(skipped)
    for problem in report.get("manifest_problems") or []:
        parts.append(f"[yellow]manifest.csv:[/] {problem['message']}")
    missing = report.get("manifest_missing") or []
    if missing:
        shown = ", ".join(missing) if isinstance(missing, list) else str(missing)
        parts.append(f"[yellow]manifest.csv nêu tệp không có trong nguồn:[/] {shown}")
    if report.get("resumed_run"):
        parts.append(
            f"[yellow]Lần chạy #{report['resumed_run']} bị gián đoạn; lần này tiếp tục phần việc "
            f"còn lại ({counts['cached']} tệp dùng lại kết quả đã lưu, {counts['processed']} tệp "
            "xử lý lại).[/]"
        )
    if counts["new"] == 0 and counts["processed"] == 0 and counts["files"]:
        parts.append(
            "[green]Không có gì mới: mọi tệp đã được xử lý và nạp ở lần chạy trước; "
            "không OCR lại, không nạp lại.[/]"
        )
    title = f"Báo cáo lô [bold]{report['batch']}[/] — lần chạy #{report['run']}"
    console.print(Panel(Group(*parts), title=title, expand=False))


# Why documents need a steward (loaders.batch_report.steward_outlook), in the report's words.
STEWARD_REASONS = {
    "unknown_type": "chưa rõ loại giấy tờ",
    "no_fields": "không trích xuất được trường nào",
    "validation": "lỗi kiểm tra (sai định dạng, mâu thuẫn)",
    "low_confidence": "giá trị dưới ngưỡng tin cậy",
}


def _steward_rows(head: Table, steward: dict[str, Any], docs: dict[str, Any]) -> None:
    """Whether auto-verification is on; when off, how many documents it would have verified
    at the calibrated threshold; and why the others need a steward."""
    threshold = f"{round(steward['review_threshold'] * 100)}%"
    if steward.get("auto_verify"):
        head.add_row("Tự động xác minh (SOHOA_AUTO_VERIFY)", f"bật, ở ngưỡng {threshold}")
    else:
        head.add_row("Tự động xác minh (SOHOA_AUTO_VERIFY)", "tắt: cán bộ xem mọi tài liệu")
        head.add_row(
            f"  nếu bật, tự xác minh được (ngưỡng {threshold})",
            f"{steward['straight_through']} / {docs['total']}",
        )
    if steward.get("reasons"):
        head.add_row("Cần cán bộ vì (có thể nhiều lý do)", "")
    for code, n in steward.get("reasons", {}).items():
        head.add_row(f"  {STEWARD_REASONS.get(code, code)}", str(n))


def _shown_name(item: dict[str, Any]) -> str:
    """The entry's name for the person at the console; a short hash when the stored report has
    no names; the tombstone for a file naming only erased people (never its name)."""
    return item.get("name") or (item.get("sha256") or "")[:12] or "—"
