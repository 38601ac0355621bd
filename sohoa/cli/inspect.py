"""`sohoa ocr`, `sohoa extract`: one file, read exactly as the pipeline reads it; nothing stored."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from extractors import doctypes, kinds
from sohoa.cli.common import console, fail
from sohoa.settings import get_settings

# The reading stack is imported by the commands that read: every command module is imported at
# start-up, `sohoa run`'s too.
if TYPE_CHECKING:
    from PIL import Image

    from extractors.records import PageText


# `--type` choices: "auto", then every declared type a person can choose (not "unknown").
TypeChoice = StrEnum(  # type: ignore[misc]
    "TypeChoice", {code: code for code in ("auto", *doctypes.codes()) if code != doctypes.UNKNOWN}
)


def read_pages(file: Path, lang: str | None) -> list[PageText]:
    """The pages of `file` with the pipeline's own options (text layer or OCR per page)."""
    return read_pages_and_images(file, lang)[0]


def read_pages_and_images(
    file: Path, lang: str | None
) -> tuple[list[PageText], dict[int, Image.Image]]:
    """Pages as `read_pages`, plus the images the pipeline keeps for its re-read step."""
    from extractors.errors import ExtractionError
    from extractors.ocr import get_engine
    from extractors.reading import read_document

    if not file.is_file():
        fail(f"no such file: {file}")
    from sohoa.pipeline.process import KEEP_IMAGES_OF_PAGES

    options = get_settings().read_options(lang=lang)
    try:
        engine = get_engine(options.engine)
        pages, images = [], {}
        for page, image in read_document(file, options, engine):
            pages.append(page)
            if page.number <= KEEP_IMAGES_OF_PAGES:
                images[page.number] = image
        return pages, images
    except ExtractionError as exc:
        from sohoa.pipeline.process import what_the_run_does

        fail(exc.message, what_the_run_does(exc))


def ocr(
    file: Annotated[Path, typer.Argument(help="A PDF or image (PNG, JPEG, TIFF).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Pages → words with box [l,t,w,h] and confidence.")
    ] = False,
    lang: Annotated[str | None, typer.Option(help="Tesseract language(s).")] = None,
) -> None:
    """Print the text of every page, as the pipeline reads it (text layer or OCR).

    On a terminal each page gets a ruler with its number and source; piped or redirected, the
    output is the plain text only (pages separated by a form feed), so it can be saved or diffed.

    Examples: sohoa ocr scan.pdf | less · sohoa ocr scan.png > scan.txt ·
    sohoa ocr scan.pdf --json > scan.ocr.json
    """
    pages = read_pages(file, lang)
    if as_json:
        payload = {"pages": [p.to_dict() for p in pages]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
        return
    if not sys.stdout.isatty():
        sys.stdout.write("\f".join(page.text + "\n" for page in pages))
        return
    for page in pages:
        how = "lớp văn bản" if page.source.value == "text_layer" else "OCR"
        console.rule(f"Trang {page.number} ({how}, {len(page.words)} từ)")
        console.print(page.text, markup=False, highlight=False)


def extract(
    file: Annotated[Path, typer.Argument(help="A PDF or image (PNG, JPEG, TIFF).")],
    doc_type: Annotated[
        TypeChoice, typer.Option("--type", help="Document type, or auto to classify.")
    ] = TypeChoice.auto,
    as_json: Annotated[bool, typer.Option("--json", help="Print the extraction as JSON.")] = False,
    lang: Annotated[str | None, typer.Option(help="Tesseract language(s).")] = None,
) -> None:
    """Show the document type, the fields and the validation findings of one file.

    The same reading and extraction as `sohoa run`; nothing is stored.

    Example: sohoa extract cccd.jpg --json
    """
    from extractors.document import extract as run_extract
    from extractors.ocr import get_engine
    from extractors.refine import finish_extraction
    from extractors.signatures import read_signatures
    from sohoa.pipeline.intake import sha256_of

    pages, images = read_pages_and_images(file, lang)
    hint = None if doc_type.value == "auto" else doc_type.value
    result = run_extract(pages, sha256=sha256_of(file), hint=hint)
    engine = get_engine(get_settings().read_options(lang=lang).engine)
    result = finish_extraction(result, pages, images, engine, read_signatures(file))
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=1) + "\n")
        return
    attrs = ", ".join(f"{k}={v}" for k, v in result.attributes.items())
    console.print(
        f"[bold]{doctypes.label(result.doc_type)}[/] ({result.doc_type}) {attrs} "
        f"(độ tin cậy {result.type_confidence:.2f})"
    )
    table = Table("Trường", "Giá trị", "Độ tin cậy", "Trang")
    declared = doctypes.find(result.doc_type)
    for f in result.fields:
        spec = declared.field(f.name) if declared else None
        label = f"{spec.vi} [dim]({f.name})[/]" if spec else f.name
        shown = kinds.display(spec.kind if spec else None, f.value)
        table.add_row(label, Text(shown), f"{f.confidence:.2f}", str(f.page or ""))
    console.print(table)
    for sig in result.provenance.get("signatures", ()):
        state = "nguyên vẹn" if sig.get("intact") else "[red]KHÔNG nguyên vẹn[/]"
        chain = "chuỗi tin cậy" if sig.get("trusted") else "chưa xác minh chuỗi chứng thư"
        console.print(
            f"chữ ký số: {sig.get('signer')} · {sig.get('signed_at')} · {state} · {chain}",
            highlight=False,
        )
    for finding in result.findings:
        colour = {"error": "red", "warning": "yellow"}.get(finding.severity.value, "cyan")
        where = f" [{finding.field}]" if finding.field else ""
        console.print(f"[{colour}]{finding.severity.value}[/]{where} {finding.message}")


def register(app: typer.Typer) -> None:
    app.command()(ocr)
    app.command()(extract)
