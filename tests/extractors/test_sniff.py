from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from extractors.errors import EmptyFile, UnsupportedType
from extractors.sniff import MediaType, sniff


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_empty_file_is_reported_as_empty(tmp_path: Path) -> None:
    with pytest.raises(EmptyFile) as err:
        sniff(_write(tmp_path, "x.pdf", b""))
    assert "rỗng" in err.value.message


def test_random_bytes_named_pdf_are_not_a_document(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedType) as err:
        sniff(_write(tmp_path, "scan.pdf", os.urandom(4096)))
    assert "không phải PDF hay ảnh" in err.value.message
    assert not err.value.retryable


def test_zip_is_named_in_the_message(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedType) as err:
        sniff(_write(tmp_path, "a.pdf", b"PK\x03\x04" + b"\0" * 100))
    assert "ZIP" in err.value.message


def test_type_comes_from_content_not_extension(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (10, 10), "white").save(buf, "PNG")
    assert sniff(_write(tmp_path, "scan.pdf", buf.getvalue())) is MediaType.PNG
    buf = io.BytesIO()
    Image.new("RGB", (10, 10), "white").save(buf, "JPEG")
    assert sniff(_write(tmp_path, "scan.png", buf.getvalue())) is MediaType.JPEG
    buf = io.BytesIO()
    Image.new("RGB", (10, 10), "white").save(buf, "TIFF")
    assert sniff(_write(tmp_path, "scan.jpg", buf.getvalue())) is MediaType.TIFF


def test_real_pdf_is_pdf(real: Path) -> None:
    assert sniff(real / "born_digital/507_UBND-KGVX_2025-01-24.pdf") is MediaType.PDF
