"""Calibrated confidence: a field at or above the review threshold (0.9) should be right; a field
that may be wrong must fall below it, so a steward looks at it.

The rule, in the order it is applied (each step uses evidence the extraction has, nothing else):

1. **Source.** A value read from a real PDF text layer starts at 0.97: the characters are the
   document's own, only the parsing can go wrong. A value read by OCR starts from its words' OCR
   confidences, ``0.5·mean + 0.5·min`` (one doubtful word makes the value doubtful).
2. **Kind.** Free text that OCR read (names, addresses, titles) can carry a wrong Vietnamese mark
   with a confident engine, and nothing checks it: it is scaled by ``FREE_TEXT_FACTOR`` and must
   clear a high word-confidence floor (``FREE_TEXT_MIN_WORD``) to stay above the threshold.
   Structured values (dates, sex, numbers of a fixed length, years) have passed a format parse, so
   they keep their OCR score, but every word must reach ``STRUCTURED_MIN_WORD`` to stay above the
   threshold: nothing checks a digit of an unchecked number.
3. **Junk.** A character that never appears in these printed fields (``?``, ``|``, braces, …) is
   OCR noise inside the value: the value goes to a steward.
4. **Repairs.** A value that needed OCR repairs (O read as 0, a date rebuilt from pieces) is
   multiplied by ``REPAIR_FACTOR``.
5. **Findings** (`extractors.document`): an error finding on a field multiplies it by 0.4, a warning
   by 0.8, so a doubted value never stays at the threshold.
6. **Confirmation.** A value an independent check confirms — an MRZ check digit, the enterprise
   code's check digit, the printed value agreeing with the MRZ, the ID number's birth-year and sex
   digits agreeing with the printed date of birth and sex — is raised to at least ``CONFIRMED``,
   because two independent readings (or a checksum) agreeing by chance on a wrong value is very
   unlikely. A confirmed value that also has an error finding is not raised.

The constants were set by measuring generated documents at three noise levels (see
tests/extractors/test_generated.py): among fields at or above 0.9 the wrong ones are (near) zero.
"""

from __future__ import annotations

from collections.abc import Sequence

from extractors.records import Word

# The one review threshold (docs/DESIGN.md, "Verified"): a value at or above it should be right;
# below it a steward looks. `SOHOA_AUTO_VERIFY` only decides whether values at or above it verify
# without a person; nothing moves it. Calibrated on the real dev half (BENCHMARKS.md).
REVIEW_THRESHOLD = 0.9
# Caps that exist to send a value to a steward whatever its scores: derived from the threshold, so
# moving the threshold moves them. A doubtful value sits just below; a value with OCR junk in it
# further below (a steward's queue is worst first).
BELOW_REVIEW = round(REVIEW_THRESHOLD - 0.05, 4)
FAR_BELOW_REVIEW = round(REVIEW_THRESHOLD - 0.1, 4)
# A personal ID has no check digit: with no birth date beside it to agree with, nothing checks it.
UNCHECKED_ID_CAP = BELOW_REVIEW
TEXT_LAYER = 0.97
CONFIRMED = 0.97
REPAIR_FACTOR = 0.75
FREE_TEXT_FACTOR = 0.97
# Measured on heavy noise (bench/accuracy.py): at a 0.9 floor, one-mark errors such as
# "tiền" → "tiến" still reached 0.90–0.93.
FREE_TEXT_MIN_WORD = 0.95
# Measured on a third seed (bench/accuracy.py --seed 7, heavy noise): wrong digits at 0.92–0.94.
STRUCTURED_MIN_WORD = 0.95
JUNK_CHARACTERS = frozenset("?|~{}[]«»\\")
FREE_TEXT_KINDS = frozenset({"text", "name"})


def ocr_score(words: Sequence[Word]) -> float:
    """0.5·mean + 0.5·min of the words' OCR confidences (0 when there are no words)."""
    if not words:
        return 0.0
    values = [w.confidence for w in words]
    return 0.5 * sum(values) / len(values) + 0.5 * min(values)


def field_confidence(
    words: Sequence[Word], *, kind: str = "text", repaired: bool = False, text_layer: bool = False
) -> float:
    """Steps 1–4 of the rule above for one value."""
    if text_layer:
        score = TEXT_LAYER
    else:
        score = ocr_score(words)
        if kind in FREE_TEXT_KINDS:
            low = min((w.confidence for w in words), default=0.0)
            score *= FREE_TEXT_FACTOR
            if low < FREE_TEXT_MIN_WORD:
                score = min(score, BELOW_REVIEW)
        elif min((w.confidence for w in words), default=0.0) < STRUCTURED_MIN_WORD:
            # A digit read at 0.92 is wrong often enough on heavy noise ("1978" → "1928", a map
            # sheet "58" → "38"): an unchecked number needs every word this sure, or a check
            # (MRZ, check digit, agreement) raises it later.
            score = min(score, BELOW_REVIEW)
        if any(ch in JUNK_CHARACTERS for w in words for ch in w.text):
            score = min(score, FAR_BELOW_REVIEW)
    if repaired:
        score *= REPAIR_FACTOR
    return round(max(0.0, min(1.0, score)), 4)


def needs_review(score: float) -> float:
    """`score`, capped below the threshold: the value must go to a steward."""
    return min(score, BELOW_REVIEW)


def confirmed(score: float) -> float:
    """Step 5: a value an independent check confirms."""
    return max(score, CONFIRMED)
