"""Digital signatures of a PDF: who signed, when, and whether the file is still what they signed.

Vietnamese e-office systems sign the issued document (the issuer's organisation certificate, often
with a timestamp from Ban Cơ yếu Chính phủ) and the publishing office may add its own signature.
A signature is a property of the file, not of its pages, so it is read here from the file and put
in `Extraction.provenance["signatures"]`:

    {"signer", "organization", "signed_at", "timestamped", "intact", "trusted",
     "covers_whole_file", "modification"}

- ``intact``: the signed bytes hash to the signed digest and the signature verifies against the
  certificate's key; false means the signed content was altered.
- ``trusted``: a chain to a trusted root was built. The Vietnamese root CAs are not in any default
  trust store, so this is honestly ``false`` here ("untrusted chain"); integrity is still known.
- ``covers_whole_file``: false when bytes were appended after this signature (later signatures,
  or form filling, which e-office systems use to stamp in the number and the day after signing).
- ``signed_at``: the timestamp token's time when there is one (a third party's clock), else the
  time the signer's software claimed; ISO 8601 in Vietnam time.

The signing time is also a cross-check on the issue date: a document is signed on or a few days
after the day it is dated, so an issue date after the first signature, or long before it, is a
finding for a steward (usually a misread handwritten day or month).
"""

from __future__ import annotations

import contextlib
import logging
import mmap
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, BinaryIO

from extractors.confidence import needs_review
from extractors.records import Extraction, Finding, Severity

log = logging.getLogger(__name__)

VIETNAM = timezone(timedelta(hours=7))
# An issue date more than this many days before the first signature is unusual (a signed copy
# made much later, or a misread date): worth a steward's look, not an error.
MAX_DAYS_SIGNED_AFTER_ISSUE = 30
_PDF_MAGIC = b"%PDF-"


def read_signatures(path: Path, trust_roots: Sequence[bytes] = ()) -> list[dict[str, Any]]:
    """Every embedded signature of the PDF at `path`, in signing order; [] for an unsigned file,
    a non-PDF, or a PDF pyHanko cannot parse (the document is still processed without them).

    `trust_roots`: root certificates (DER or PEM) to build chains to; none by default (the
    operating system's list has no Vietnamese root). Nothing is fetched from the network.
    """
    try:
        with path.open("rb") as fh:
            if fh.read(5) != _PDF_MAGIC:
                return []
            if not may_be_signed(fh):
                return []
            fh.seek(0)
            return _read(fh, trust_roots)
    except Exception as exc:  # a damaged or exotic PDF must not stop the document
        log.warning("signatures unreadable: %s", type(exc).__name__)
        return []


def may_be_signed(fh: BinaryIO) -> bool:
    """False only when the file cannot hold a signature field: none of its bytes spell the name
    `/Sig` (a signature field's `/FT /Sig`; also matches `/SigFlags`) and it has no object stream
    (`/ObjStm`, where the field's dictionary could sit compressed). A name may spell a letter as
    `#xx`, so those spellings count too.

    Most files are unsigned; for them this scan (in C, a few milliseconds for a few MB) replaces
    importing pyHanko (about 0.9 s once per process) and parsing the file again with it."""
    try:
        data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # not mappable (a pipe, an odd file system): let pyHanko look
        return True
    with data:
        if data.find(b"/Sig") >= 0 or data.find(b"/ObjStm") >= 0:
            return True
        return data.find(b"#") >= 0 and _ESCAPED_NAMES.search(data) is not None


def _name_pattern(name: str) -> bytes:
    """A regex for the PDF name `/name` whatever letters are written as #xx escapes."""
    return b"/" + b"".join(b"(?:%s|#%02x)" % (re.escape(ch.encode()), ord(ch)) for ch in name)


_ESCAPED_NAMES = re.compile(b"|".join(_name_pattern(n) for n in ("Sig", "ObjStm")), re.IGNORECASE)


def _read(fh: Any, trust_roots: Sequence[bytes]) -> list[dict[str, Any]]:
    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    roots = [x509.Certificate.load(pem.unarmor(r)[2] if pem.detect(r) else r) for r in trust_roots]
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    reader = PdfFileReader(fh, strict=False)
    results = []
    with _quiet("pyhanko", "pyhanko_certvalidator"):
        for embedded in reader.embedded_signatures:
            try:
                status = validate_pdf_signature(embedded, signer_validation_context=context)
            except Exception as exc:  # one broken signature: record it, keep the others
                log.info("signature %s not validated: %s", embedded.field_name, type(exc).__name__)
                results.append(
                    {
                        "field": embedded.field_name,
                        "intact": False,
                        "trusted": False,
                        "error": type(exc).__name__,
                    }
                )
                continue
            results.append(_describe(embedded.field_name, status))
    return results


def _describe(field_name: str, status: Any) -> dict[str, Any]:
    cert = status.signing_cert
    subject = cert.subject.native if cert is not None else {}
    timestamp = status.timestamp_validity.timestamp if status.timestamp_validity else None
    signed_at = timestamp or status.signer_reported_dt
    coverage = getattr(status.coverage, "name", str(status.coverage))
    modification = getattr(status.modification_level, "name", str(status.modification_level))
    return {
        "field": field_name,
        "signer": _text(subject.get("common_name")),
        "organization": _text(subject.get("organization_name")),
        "signed_at": signed_at.astimezone(VIETNAM).isoformat() if signed_at else None,
        "timestamped": timestamp is not None,
        "intact": bool(status.intact and status.valid),
        "trusted": bool(status.trusted),
        "covers_whole_file": coverage == "ENTIRE_FILE",
        "modification": modification.lower(),
        "digest": status.md_algorithm,
    }


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    return str(value)


@contextlib.contextmanager
def _quiet(*names: str) -> Iterator[None]:
    """pyHanko logs a full traceback for every chain it cannot build (all of ours, without the
    Vietnamese roots); that is an expected outcome here, recorded as ``trusted: false``."""
    loggers = [logging.getLogger(n) for n in names]
    saved = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, saved, strict=True):
            lg.setLevel(level)


def first_signing_date(signatures: Sequence[dict[str, Any]]) -> date | None:
    """The Vietnam-time date of the earliest signature with a known time.

    Timestamped signatures win: the time a signer's software claims is often local time labelled
    as UTC, a timestamp authority's clock is not."""
    timed = [s for s in signatures if s.get("signed_at")]
    stamped = [s for s in timed if s.get("timestamped")]
    days = [
        datetime.fromisoformat(s["signed_at"]).astimezone(VIETNAM).date()
        for s in (stamped or timed)
    ]
    return min(days) if days else None


def issue_date_findings(
    issued_on: str | None, signatures: Sequence[dict[str, Any]]
) -> list[Finding]:
    """Findings when the issue date does not fit the signing time (see the module docstring)."""
    signed = first_signing_date(signatures)
    if issued_on is None or signed is None:
        return []
    try:
        issued = date.fromisoformat(issued_on)
    except ValueError:
        return []
    if issued > signed:
        return [
            Finding(
                "issued_on.after_signing",
                Severity.WARNING,
                f"Ngày ban hành {issued:%d/%m/%Y} sau ngày ký số {signed:%d/%m/%Y}: "
                "hãy kiểm tra lại ngày trên bản scan",
                "issued_on",
            )
        ]
    if (signed - issued).days > MAX_DAYS_SIGNED_AFTER_ISSUE:
        return [
            Finding(
                "issued_on.long_before_signing",
                Severity.WARNING,
                f"Ngày ban hành {issued:%d/%m/%Y} sớm hơn ngày ký số {signed:%d/%m/%Y} "
                f"hơn {MAX_DAYS_SIGNED_AFTER_ISSUE} ngày: hãy kiểm tra lại ngày trên bản scan",
                "issued_on",
            )
        ]
    return []


def signature_findings(signatures: Sequence[dict[str, Any]]) -> list[Finding]:
    """What a steward should know about the signatures themselves."""
    findings = []
    if any(not s.get("intact") for s in signatures):
        findings.append(
            Finding(
                "signature.broken",
                Severity.ERROR,
                "Chữ ký số không hợp lệ: nội dung tệp đã bị thay đổi sau khi ký "
                "hoặc chữ ký hỏng; hãy yêu cầu bản gốc",
                None,
            )
        )
    elif signatures and not any(s.get("trusted") for s in signatures):
        findings.append(
            Finding(
                "signature.untrusted_chain",
                Severity.INFO,
                "Chữ ký số còn nguyên vẹn nhưng chưa xác minh được chuỗi chứng thư "
                "(thiếu chứng thư gốc của Ban Cơ yếu Chính phủ trên máy xử lý)",
                None,
            )
        )
    return findings


def attach_signatures(extraction: Extraction, path: Path) -> Extraction:
    """`extraction` with the file's signatures in provenance and the findings they raise."""
    signatures = read_signatures(path)
    if not signatures:
        return extraction
    return with_signatures(extraction, signatures)


def with_signatures(extraction: Extraction, signatures: list[dict[str, Any]]) -> Extraction:
    """Pure part of `attach_signatures`: record `signatures` and cross-check the issue date."""
    provenance = {**extraction.provenance, "signatures": signatures}
    findings = [
        *extraction.findings,
        *signature_findings(signatures),
        *issue_date_findings(extraction.value("issued_on"), signatures),
    ]
    fields = extraction.fields
    doubted = {f.field for f in findings[len(extraction.findings) :] if f.field}
    if doubted:
        # Same rule as extract(): a field a warning doubts is worth less (never auto-accepted).
        fields = tuple(
            replace(f, confidence=round(needs_review(f.confidence * 0.8), 4))
            if f.name in doubted
            else f
            for f in fields
        )
    return replace(extraction, provenance=provenance, findings=tuple(findings), fields=fields)
