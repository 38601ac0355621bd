"""What a file really is, from its first bytes (the extension is not trusted)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from extractors.errors import EmptyFile, UnsupportedType


class MediaType(StrEnum):
    PDF = "application/pdf"
    PNG = "image/png"
    JPEG = "image/jpeg"
    TIFF = "image/tiff"
    WEBP = "image/webp"

    @property
    def is_image(self) -> bool:
        return self is not MediaType.PDF


# Things people drop into an inbox that are not documents, named so the quarantine reason helps.
_KNOWN_OTHERS: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "tệp nén ZIP hoặc tài liệu Office (DOCX/XLSX)"),
    (b"\xd0\xcf\x11\xe0", "tài liệu Office cũ (DOC/XLS)"),
    (b"Rar!", "tệp nén RAR"),
    (b"7z\xbc\xaf", "tệp nén 7z"),
    (b"\x1f\x8b", "tệp nén gzip"),
    (b"GIF8", "ảnh GIF"),
    (b"BM", "ảnh BMP"),
    (b"{\\rtf", "văn bản RTF"),
    (b"<html", "trang HTML"),
    (b"<!DOCTYPE", "trang HTML"),
    (b"MZ", "chương trình Windows"),
    (b"\x7fELF", "chương trình Linux"),
)


def sniff_bytes(head: bytes) -> MediaType:
    """Media type from the first bytes; raises UnsupportedType for anything else."""
    if head.startswith(b"%PDF-"):
        return MediaType.PDF
    # Some PDF producers put junk before the header; readers accept it within the first 1 KiB.
    if b"%PDF-" in head[:1024]:
        return MediaType.PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return MediaType.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return MediaType.JPEG
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return MediaType.TIFF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return MediaType.WEBP
    for magic, what in _KNOWN_OTHERS:
        if head.lstrip()[: len(magic)].lower() == magic.lower():
            raise UnsupportedType(
                f"Tệp không phải PDF hay ảnh (có vẻ là {what}): "
                "hãy gửi bản scan PDF, JPEG, PNG hoặc TIFF",
                detail=f"magic={head[:8].hex()}",
            )
    what = "tệp văn bản thuần" if _looks_like_text(head) else "dữ liệu không rõ định dạng"
    raise UnsupportedType(
        f"Tệp không phải PDF hay ảnh ({what}): hãy gửi bản scan PDF, JPEG, PNG hoặc TIFF",
        detail=f"magic={head[:8].hex()}",
    )


def sniff(path: Path) -> MediaType:
    """Media type of the file at `path`; EmptyFile for zero bytes, UnsupportedType otherwise."""
    with path.open("rb") as fh:
        head = fh.read(2048)
    if not head:
        raise EmptyFile("Tệp rỗng (0 byte): hãy kiểm tra lại bản scan và gửi lại", detail="size=0")
    return sniff_bytes(head)


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
