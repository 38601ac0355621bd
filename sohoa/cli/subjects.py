"""`sohoa subjects erase`: erase a person's data (Decree 13/2023) from the warehouse and the store;
`sohoa subjects repair-erasures`: remove what runs made before erasure was sticky brought back.

Thin layer over `sohoa.pipeline.erasure`; what is tombstoned, what is kept (the audit log, the
originals of documents shared with other people) is documented there and in the README.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from sohoa.cli.common import console, fail, open_runtime
from sohoa.pipeline.errors import StepError

app = typer.Typer(help="People and organizations in the warehouse.", no_args_is_help=True)

_LABELS = {
    "documents": "Hồ sơ chỉ của người này (xóa giá trị, bản gốc)",
    "shared_documents": "Hồ sơ dùng chung (chỉ xóa trường của người này)",
    "fields_tombstoned": "Trường đã thay bằng dấu xóa",
    "versions_scrubbed": "Phiên bản trích xuất đã làm sạch",
    "conflicts_closed": "Xung đột đã đóng",
    "candidates_closed": "Đề xuất định danh đã đóng",
    "aliases_removed": "Số CMND cũ đã xóa",
    "review_actions_scrubbed": "Thao tác duyệt đã làm sạch",
    "batch_files_scrubbed": "Tệp trong lô đã làm sạch",
    "events": "Sự kiện thay đổi đã phát",
    "originals_deleted": "Bản gốc đã xóa",
    "originals_kept": "Bản gốc giữ lại (hồ sơ dùng chung)",
    "derived_deleted": "Tệp dẫn xuất đã xóa (ảnh trang, OCR, trích xuất)",
    "inbox_deleted": "Bản sao trong inbox đã xóa",
    "quarantine_deleted": "Bản sao cách ly đã xóa",
}


@app.command()
def erase(
    key: Annotated[
        str,
        typer.Argument(
            help="12-digit personal ID, old 9-digit CMND, or the subject's public id (to finish "
            "an interrupted erasure)."
        ),
    ],
    reason: Annotated[
        str,
        typer.Option(
            help="Why (the request or legal basis; kept in the audit log — no personal data).",
            prompt="Lý do",
        ),
    ],
    by: Annotated[
        str | None, typer.Option(help="The account (sohoa accounts) ordering the erasure.")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase a person's data: values become tombstones in the warehouse, their files go.

    Documents only about them lose every value and their original and derived files; documents
    shared with other people lose only this person's fields and derived files (the original stays
    for the others). The audit log is kept; one entry records the erasure. Cannot be undone.

    Example: sohoa subjects erase 001099012345 --reason "Yêu cầu xóa dữ liệu số 12/2025"
    """
    from loaders import principals
    from loaders.errors import NotFound
    from sohoa.pipeline.erasure import erase_subject_everywhere

    runtime = open_runtime()
    principal_id = None
    if by:
        with runtime.session() as session:
            principal = principals.by_name(session, by)
            if principal is None:
                fail(f"no account named {by!r}", "list accounts with `sohoa accounts list`")
            principal_id = principal.id
    if not yes:
        typer.confirm(
            "Xóa vĩnh viễn dữ liệu cá nhân của người này (không thể hoàn tác)?", abort=True
        )
    try:
        report = erase_subject_everywhere(runtime, key, principal_id, reason)
    except StepError as exc:
        if isinstance(exc.__cause__, NotFound):
            fail(
                "no person with this number or public id", "check the number, or use the public id"
            )
        fail(str(exc), "run the same command again with the public id to finish")
    title = (
        "Đã xóa trước đó; hoàn tất dọn tệp" if report.warehouse.already_erased else "Đã xóa dữ liệu"
    )
    table = Table(title=f"{title} — {report.public_id}")
    table.add_column("")
    table.add_column("Số lượng", justify="right")
    for name, count in report.counts().items():
        table.add_row(_LABELS.get(name, name), str(count))
    console.print(table)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="subjects")


_REPAIR_LABELS = {
    "files_checked": "Tệp từng bị xóa dữ liệu (đã kiểm tra)",
    "originals_deleted": "Bản gốc chỉ của người đã xóa, bị ghi lại — đã xóa",
    "derived_deleted": "Tệp dẫn xuất (OCR, trích xuất, ảnh trang) bị ghi lại — đã xóa",
    "quarantine_deleted": "Bản sao cách ly — đã xóa",
    "listings_scrubbed": "Tên tệp / dòng manifest trong lô ghi sau khi xóa — đã làm sạch",
    "events_scrubbed": "Sự kiện thay đổi còn mang ngày — đã bỏ ngày",
    "working_dirs_removed": "Thư mục bản sao tạm của lần chạy đã chết — đã xóa",
}


@app.command("repair-erasures")
def repair_erasures(
    by: Annotated[
        str | None, typer.Option(help="The account (sohoa accounts) ordering the repair.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would be removed; change nothing.")
    ] = False,
) -> None:
    """Remove what earlier runs brought back of people already erased.

    Before erasure was sticky, running a batch again after `sohoa subjects erase` wrote a
    person's files back: the original of a document only about them, OCR text, extractions and
    page images of documents shared with others (`--reprocess`), batch listings under their
    file names, and temporary copies of scans left by runs that were killed. This command finds
    every file an erasure touched (by content hash) and removes all of that; originals of shared
    documents stay (the other people's records rest on them) but are never handed out. It also
    removes the dates still carried by the change-feed events of erased people (a CCCD expires
    on its holder's birthday). The audit log gains one `subject.erase.repair` entry with the
    counts. Safe to run any time, as often as you like: a second run finds nothing.

    Example: sohoa subjects repair-erasures --dry-run ; sohoa subjects repair-erasures --by an
    """
    from loaders import principals
    from sohoa.pipeline.erasure import repair_erasures as repair

    runtime = open_runtime()
    principal_id = None
    if by:
        with runtime.session() as session:
            principal = principals.by_name(session, by)
            if principal is None:
                fail(f"no account named {by!r}", "list accounts with `sohoa accounts list`")
            principal_id = principal.id
    try:
        report = repair(runtime, principal_id, dry_run=dry_run)
    except StepError as exc:
        fail(str(exc), "fix the cause (a store or database outage?) and run it again")
    title = "Sẽ dọn (chạy thử, chưa xóa gì)" if dry_run else "Đã dọn dữ liệu bị ghi lại"
    table = Table(title=title)
    table.add_column("")
    table.add_column("Số lượng", justify="right")
    for name, count in report.counts().items():
        table.add_row(_REPAIR_LABELS.get(name, name), str(count))
    console.print(table)
