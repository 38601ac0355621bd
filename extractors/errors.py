"""Errors of extraction. `retryable` says whether trying the same input again may help."""

from __future__ import annotations


class ExtractionError(Exception):
    """Base of every extraction error. `reason_code` is stable English, `message` Vietnamese."""

    retryable: bool = False
    reason_code: str = "extraction_failed"

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.message = message  # Vietnamese, for the person who reads the quarantine list
        self.detail = detail  # technical detail for logs (never personal data)


class InputDocumentError(ExtractionError):
    """The file itself is unusable (empty, truncated, encrypted, not a document). Permanent."""

    reason_code = "bad_input"


class EmptyFile(InputDocumentError):
    reason_code = "empty_file"


class UnsupportedType(InputDocumentError):
    reason_code = "unsupported_type"


class CorruptFile(InputDocumentError):
    reason_code = "corrupt_file"


class EncryptedPdf(InputDocumentError):
    reason_code = "encrypted_pdf"


class DecompressionBomb(InputDocumentError):
    reason_code = "decompression_bomb"


class TooManyPages(InputDocumentError):
    reason_code = "too_many_pages"


class OcrEngineError(ExtractionError):
    """The OCR engine failed on a page for a reason of its own (crash, missing language)."""

    reason_code = "ocr_failed"


class OcrTimeout(OcrEngineError):
    """A page outran the engine's time limit. The page's, not the machine's: retrying the same
    page under the same limit fails the same way (a dense 35-megapixel page always does), so the
    file is set aside and a person may give it longer. `page` and `limit` (seconds) say which
    page and what limit, when the reader knows them."""

    retryable = False
    reason_code = "ocr_timeout"

    def __init__(
        self, message: str, *, detail: str = "", page: int | None = None, limit: int | None = None
    ) -> None:
        super().__init__(message, detail=detail)
        self.page = page
        self.limit = limit


class EngineMissing(OcrEngineError):
    """The OCR binary or its language data is not installed. Fix the machine, then retry."""

    reason_code = "engine_missing"


class NotADocument(InputDocumentError):
    """No page carries readable text: a photo, a blank scan, a picture of something else."""

    reason_code = "not_a_document"


class ValueRefused(ValueError):
    """A typed value that fails its kind's format (a steward's correction of a field).

    `code` is stable English shared with the reuse API's other input errors (`invalid_date`,
    `invalid_id_number`, `value_too_long`, `invalid_character` …); `message` is Vietnamese and says
    what to type instead. Never retried: the same value fails the same way.
    """

    retryable = False

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
