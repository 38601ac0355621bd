"""`sohoa ocr` and `sohoa extract` as a person uses them from a shell."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

from sohoa.cli import quiet_dependency_warnings

SOHOA = str(Path(sys.executable).parent / "sohoa")
PDF = Path(__file__).parents[1] / "data/real/born_digital/11_TB-UBND_2025-01-08.pdf"


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SOHOA, *args], capture_output=True, text=True, cwd=cwd, timeout=120, check=False
    )


def test_ocr_piped_to_a_file_is_plain_text(tmp_path: Path) -> None:
    """Redirected, no page rulers or terminal codes: `sohoa ocr scan.png > scan.txt` is text."""
    result = _run("ocr", str(PDF), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Trang 1" not in out and "─" not in out and "\x1b[" not in out
    assert out.splitlines()[0].strip()  # the page's own first line comes first
    assert "THÔNG BÁO" in out


def test_extract_shows_types_and_fields_by_their_vietnamese_names(tmp_path: Path) -> None:
    result = _run("extract", str(PDF), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Văn bản hành chính" in result.stdout and "Số, ký hiệu" in result.stdout
    assert "Warning" not in result.stderr


def test_a_dependencys_cryptography_deprecation_warning_is_not_shown() -> None:
    from cryptography.utils import CryptographyDeprecationWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        quiet_dependency_warnings()
        warnings.warn("TripleDES has been moved", CryptographyDeprecationWarning, stacklevel=1)
        warnings.warn("a warning of ours", UserWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["a warning of ours"]
