"""Second readings: what the pipeline and `sohoa extract` do after `extract()`, in one place.

A first reading of a whole page misses what a targeted one can read: an ID card's MRZ whose check
digits fail and the bands of values not found (`card_reread`, `mrz_reread`), an application
form's boxed ID digits (`boxed_digits`), an administrative document's signing block
(`signing_reread`) and its handwritten number and day (`handwritten_reread`). `finish_extraction`
runs each where it applies, records the file's digital signatures, and has every doubtful value
say why (`explain`). This module only drives them; each reading lives in its own module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from PIL import Image

from extractors.explain import explain_low_confidence
from extractors.handwritten_reread import reread_handwritten
from extractors.records import Extraction, PageText
from extractors.signatures import with_signatures


def finish_extraction(
    extraction: Extraction,
    pages: Sequence[PageText],
    images: Mapping[int, Image.Image],
    engine: Any,
    signatures: list[dict[str, Any]],
    *,
    today: date | None = None,
) -> Extraction:
    """What the pipeline and `sohoa extract` both do after `extract()`: read an ID card's values
    again where the first pass failed (the MRZ when its check digits fail, the band of a value
    that was not found) and extract again from the better reading, record the file's digital
    signatures (and cross-check the issue date with them), then re-read handwritten digits
    (whose plausibility check uses the signing date). One function, so both give the same
    result. `today` is what `extract` was given (None: the clock)."""
    extraction = second_card_reading(extraction, pages, images, engine, today)
    extraction = _boxed_ids(extraction, pages, images, engine, today)
    extraction = _signing_block(extraction, pages, images, engine, today)
    if signatures:
        extraction = with_signatures(extraction, signatures)
    extraction = reread_handwritten(extraction, pages, images, engine)
    return explain_low_confidence(extraction)  # last: every doubtful value says why


def second_card_reading(
    extraction: Extraction,
    pages: Sequence[PageText],
    images: Mapping[int, Image.Image],
    engine: Any,
    today: date | None = None,
) -> Extraction:
    """An ID card extracted again after a targeted second reading, when that adds values."""
    from extractors import card_reread
    from extractors.mrz_reread import reread_mrz

    if extraction.doc_type != "id_card":
        return extraction
    again = _extract_again(extraction, today)
    current = list(pages)
    if any(f.code.startswith("mrz.") for f in extraction.findings):
        better = reread_mrz(current, images, engine)
        if better is not None:
            # The check digits judged the new lines (reread_mrz keeps them only when more hold).
            extraction, current = again(better), better
    return card_reread.reread_card(extraction, current, images, engine, again)


def _boxed_ids(
    extraction: Extraction,
    pages: Sequence[PageText],
    images: Mapping[int, Image.Image],
    engine: Any,
    today: date | None,
) -> Extraction:
    """An application form extracted again after its boxed ID digits were read a second time."""
    from extractors.boxed_digits import reread_boxed_ids
    from extractors.fields.application_form import APPLICANT

    if extraction.doc_type != "application_form":
        return extraction
    again = _extract_again(extraction, today)
    return reread_boxed_ids(extraction, pages, images, engine, APPLICANT, again)


def _signing_block(
    extraction: Extraction,
    pages: Sequence[PageText],
    images: Mapping[int, Image.Image],
    engine: Any,
    today: date | None,
) -> Extraction:
    """An administrative document extracted again after its signing block was read a second
    time (`extractors.signing_reread`), when the first pass found no signer."""
    from extractors.signing_reread import reread_signing

    if extraction.doc_type != "admin_document" or extraction.field("signer") is not None:
        return extraction
    return reread_signing(extraction, pages, images, engine, _extract_again(extraction, today))


def _extract_again(
    extraction: Extraction, today: date | None
) -> Callable[[Sequence[PageText]], Extraction]:
    """`extract` of better pages of the same file, its type kept (after a second reading)."""
    from extractors.document import extract  # extract() does not call back here

    def again(better: Sequence[PageText]) -> Extraction:
        hint = extraction.doc_type
        return extract(better, sha256=extraction.sha256, hint=hint, today=today)

    return again
