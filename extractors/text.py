"""Text normalization shared by classification and field extraction.

OCR of Vietnamese loses or swaps diacritics ("QUYÉT ĐỊNH" for "QUYẾT ĐỊNH"), so anchors and labels
are compared on a folded form: diacritics stripped, đ→d, upper case, spaces collapsed.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

_SPACES = re.compile(r"\s+")


# Look-alikes OCR returns for Vietnamese letters: the Icelandic eth "Ð" (U+00D0) for "Đ" (U+0110).
# Vietnamese has no eth, and a symbol such as "QĐ-UBND" must not break on it.
_LOOKALIKE_LETTERS = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})


def nfc(text: str) -> str:
    """NFC form: Vietnamese text is NFC from the moment it enters the system (with OCR's
    look-alike letters replaced by the Vietnamese ones)."""
    return unicodedata.normalize("NFC", text).translate(_LOOKALIKE_LETTERS)


def strip_diacritics(text: str) -> str:
    """Remove tone and vowel marks; đ/Đ become d/D (they are letters, not marks, in Unicode)."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped.replace("đ", "d").replace("Đ", "D"))


def fold(text: str) -> str:
    """Compare form: no diacritics, upper case, single spaces."""
    return _SPACES.sub(" ", strip_diacritics(text).upper()).strip()


def fold_alnum(text: str) -> str:
    """Fold and keep only letters and digits (for labels whose punctuation OCR mangles)."""
    return re.sub(r"[^A-Z0-9]", "", fold(text))


def similarity(a: str, b: str) -> float:
    """Ratio 0..1 of two strings: 2·(longest common subsequence) / (len a + len b), the measure of
    difflib's `ratio`, computed by rapidfuzz (exact, where difflib's is a heuristic that can only
    score lower), used for fuzzy anchor matching."""
    if not a and not b:
        return 1.0
    return fuzz.ratio(a, b) / 100.0


def fuzzy_find(needle: str, haystack: str, threshold: float = 0.85) -> float:
    """How well `needle` occurs in `haystack` (both folded): 1.0 exact, else the best window ratio.

    Compares the needle against windows of the haystack's words (the needle's word count, ±1), so a
    page of text costs a few thousand cheap comparisons. Returns 0.0 below `threshold`.
    """
    if not needle:
        return 0.0
    if needle in haystack:
        return 1.0
    tokens = haystack.split()
    k = len(needle.split())
    cutoff = threshold * 100.0
    best = 0.0
    for size in {max(1, k - 1), k, k + 1}:
        for start in range(0, max(1, len(tokens) - size + 1)):
            score = fuzz.ratio(" ".join(tokens[start : start + size]), needle, score_cutoff=cutoff)
            best = max(best, score / 100.0)
    return best if best >= threshold else 0.0
