"""`sohoa review recheck`: check every value stewards decided against its field's declared kind,
and send what fails back to review (see `loaders.recheck`)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from sohoa.cli.common import console, open_runtime

app = typer.Typer(help="The stewards' review, seen from the command line.", no_args_is_help=True)


@app.command()
def recheck(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only report what would go back to review.")
    ] = False,
) -> None:
    """Re-check every corrected or accepted value against its field's kind.

    Values stored before corrections were checked may be impossible ("31/02/2024" as an expiry
    date, "12345" as an ID number) or in a non-canonical form ("22/10/1999", "Nam"). An impossible
    value goes back to review with a finding; a value in another form is stored canonically and
    goes back to review for a steward to confirm. A served document that changes this way leaves
    the downstream view (`document.reopened` in the change feed) until it is verified again.

    Examples: sohoa review recheck --dry-run · sohoa review recheck
    """
    from loaders.recheck import recheck_steward_values

    runtime = open_runtime()
    with runtime.session() as session:
        report = recheck_steward_values(session, dry_run=dry_run)
    table = Table("Tài liệu", "Trường", "Vấn đề", "Rời khỏi dữ liệu dùng chung")
    for entry, what in [(r, "không hợp lệ") for r in report.refused] + [
        (r, "chưa ở dạng chuẩn") for r in report.canonicalized
    ]:
        table.add_row(f"#{entry.document_id}", entry.field, f"{what} ({entry.code})",
                      "có" if entry.reopened else "")  # fmt: skip
    verb = "sẽ được đưa lại" if dry_run else "đã được đưa lại"
    console.print(
        f"Đã kiểm tra {report.checked} giá trị do người duyệt quyết định; "
        f"{len(report.refused) + len(report.canonicalized)} giá trị trong "
        f"{len(report.documents)} tài liệu {verb} hàng chờ duyệt."
    )
    if report.refused or report.canonicalized:
        console.print(table)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="review")
