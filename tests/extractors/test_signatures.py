"""Digital signatures of PDFs (pyHanko): the real signed documents yield signer, time and
integrity; an unsigned PDF or an image yields none; the issue date is cross-checked."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from extractors.records import Extraction, Field, Severity
from extractors.signatures import (
    _read,
    attach_signatures,
    first_signing_date,
    issue_date_findings,
    may_be_signed,
    read_signatures,
    with_signatures,
)


@pytest.fixture(scope="module")
def signed_86(real: Path) -> list[dict]:
    return read_signatures(real / "admin_scans/86_QD_CT.signed.pdf")


def test_real_signed_pdf(signed_86: list[dict]) -> None:
    assert len(signed_86) == 2
    first = signed_86[0]
    assert first["signer"] == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert first["signed_at"].startswith("2025-01-17T")
    assert datetime.fromisoformat(first["signed_at"]).utcoffset().total_seconds() == 7 * 3600
    assert first["timestamped"] is True
    assert first["intact"] is True
    assert first["trusted"] is False  # no Vietnamese root CA here: recorded honestly
    # the publishing office signed after: the first signature no longer covers the whole file
    assert first["covers_whole_file"] is False
    assert signed_86[1]["covers_whole_file"] is True
    assert all(s["intact"] for s in signed_86)


def test_born_digital_signed_pdf(real: Path) -> None:
    sigs = read_signatures(real / "born_digital/11_TB-UBND_2025-01-08.pdf")
    assert len(sigs) >= 2 and all(s["intact"] for s in sigs)
    assert sigs[0]["signer"] == "Nguyễn Phước Bình"


def test_unsigned_pdf_and_image_have_none(real: Path, tmp_path: Path) -> None:
    assert read_signatures(real / "born_digital/45_2026_ND-CP.pdf") == []
    assert read_signatures(real / "page_scans/4_1.jpg") == []
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n garbage")
    assert read_signatures(broken) == []


def test_every_real_signed_pdf_is_looked_at(real: Path) -> None:
    """The byte check lets through every file pyHanko finds signatures in (asked directly)."""
    signed = 0
    for path in sorted(real.glob("*/*.pdf")):
        with path.open("rb") as fh:
            if _read(fh, ()):
                signed += 1
                assert may_be_signed(fh), path.name
    assert signed >= 8


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<< /FT /Sig /V 9 0 R >>", True),
        (b"<< /Type /Sig /ByteRange [0 1 2 3] >>", True),
        (b"<< /FT /S#69g >>", True),  # a name may write any letter as #xx
        (b"<< /FT /#53#49#47 >>", False),  # … but names are case-sensitive: /SIG is not /Sig
        (b"<< /Type /ObjStm /N 3 >>", True),  # a field could sit compressed in there
        (b"<< /Type /Obj#53tm /N 3 >>", True),
        (b"<< /Font << /F1 /Times#20New#20Roman >> >>", False),
        (b"<< /Type /Page /Contents 4 0 R >>", False),
    ],
)
def test_may_be_signed_from_the_bytes(tmp_path: Path, body: bytes, expected: bool) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj\n" + body + b"\nendobj\n%%EOF\n")
    with path.open("rb") as fh:
        assert may_be_signed(fh) is expected


def test_unsigned_pdf_does_not_load_pyhanko(tmp_path: Path) -> None:
    """Importing pyHanko costs most of a second per process; an unsigned file must not pay it."""
    path = tmp_path / "plain.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.drawString(100, 700, "Giay to khong ky so")
    pdf.save()
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from extractors.signatures import read_signatures\n"
        f"assert read_signatures(Path({str(path)!r})) == []\n"
        "assert not any(m.startswith('pyhanko') for m in sys.modules), 'pyhanko imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


def _admin(issued_on: str) -> Extraction:
    return Extraction(
        sha256="x",
        doc_type="admin_document",
        fields=(Field("issued_on", issued_on, issued_on, 0.95, page=1),),
    )


def test_attach_records_provenance_and_cross_checks(real: Path, signed_86: list[dict]) -> None:
    ok = attach_signatures(_admin("2025-01-16"), real / "admin_scans/86_QD_CT.signed.pdf")
    assert ok.provenance["signatures"] == signed_86
    assert ok.field("issued_on").confidence == 0.95
    codes = {f.code for f in ok.findings}
    assert "signature.untrusted_chain" in codes and "issued_on.after_signing" not in codes

    late = with_signatures(_admin("2025-01-20"), signed_86)
    finding = next(f for f in late.findings if f.code == "issued_on.after_signing")
    assert finding.severity is Severity.WARNING and "ký số" in finding.message
    assert late.field("issued_on").confidence < 0.9  # a doubted date is not auto-accepted


def test_issue_date_long_before_signing() -> None:
    sigs = [{"signed_at": "2025-06-01T09:00:00+07:00", "timestamped": True}]
    assert [f.code for f in issue_date_findings("2025-01-02", sigs)] == [
        "issued_on.long_before_signing"
    ]
    assert issue_date_findings("2025-05-30", sigs) == []
    assert issue_date_findings(None, sigs) == []


def test_timestamped_signing_time_wins() -> None:
    sigs = [
        {"signed_at": "2025-01-09T10:21:11+07:00", "timestamped": True},
        {"signed_at": "2025-01-01T08:00:00+07:00", "timestamped": False},
    ]
    assert first_signing_date(sigs).isoformat() == "2025-01-09"
    assert first_signing_date([]) is None
