"""Names and signers: a person's name with the marks OCR lost restored from the lists of family
names and name syllables, a form's fixed phrases with their marks restored, and the signer's
name found under the signing heading."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from rapidfuzz.distance import Levenshtein

from extractors.data import family_names, name_syllables
from extractors.fields.lines import Line, column_parts, line_starts
from extractors.fields.values import make_field
from extractors.records import Box, Field
from extractors.text import fold

_NAME_PUNCTUATION = "._,;:|'\"-"


def _is_name_word(text: str) -> bool:
    return bool(re.fullmatch(r"[^\W\d_]+", text)) and text[:1].isupper() and text[1:].islower()


def name_below(lines: Sequence[Line], start: int, heading: Box, max_lines: int = 8) -> Field | None:
    """The signer's name: in the `max_lines` lines after `start`, the first run of 2–5 capitalized
    words (not all capitals) centred under `heading` (the signing title). Words of another column
    on the same OCR line (a footer, "Nơi nhận") are left out by position, not by text."""
    centre = (heading.left + heading.right) / 2
    reach = max(heading.width, 200) * 0.75
    for line in lines[start + 1 : start + 1 + max_lines]:
        for part in column_parts(line):
            mid = (part.box.left + part.box.right) / 2
            if abs(mid - centre) > reach:
                continue
            words = [w for w in part.words if w.text.strip(_NAME_PUNCTUATION)]
            texts = [w.text.strip(_NAME_PUNCTUATION) for w in words]
            if 2 <= len(words) <= 5 and all(_is_name_word(t) for t in texts):
                raw = " ".join(texts)
                name, repaired = restore_name(raw)
                return make_field(
                    "signer", name, raw, words, page=line.page, kind="name", repaired=repaired
                )
    return None


def signer_below(lines: Sequence[Line], heading: Sequence[str], skip: int = 0) -> Field | None:
    """The signer's name under the signature heading (after at most `skip` title lines); the
    heading may share its OCR line with another column."""
    for i, line in enumerate(lines):
        for part in column_parts(line):
            if line_starts(part, heading):
                return name_below(lines, i, part.box, max_lines=8 + skip)
    return None


def restore_phrases(
    text: str, phrases: Sequence[str], *, keep_case: bool = True, slack: int = 0
) -> tuple[str, bool]:
    """Marks restored in the fixed legal phrases a form prints ("không thu tiến sử dụng đất" →
    "không thu tiền sử dụng đất"): a run of words whose folded form is exactly a phrase's takes
    the phrase's marks, each word keeping its own capital (`keep_case=False`: the phrase's
    capitals too, for proper names). `slack`: a phrase of two words or more may also differ by
    that many letters of its folded form (a misread vowel: "Sạo chấm" → "Sẹo chấm"), when no
    other phrase is as close. Returns (text, whether it changed)."""
    words = text.split(" ")
    folded = [fold(w) for w in words]
    changed = False
    settled: set[int] = set()  # words a longer phrase already matched ("đuôi mày" vs "dưới")

    def put(i: int, canon: list[str]) -> None:
        nonlocal changed
        settled.update(range(i, i + len(canon)))
        for k, right in enumerate(canon):
            old = words[i + k]
            new = right
            if keep_case:
                first = right[:1].upper() if old[:1].isupper() else right[:1].lower()
                new = first + right[1:]
            if new != old:
                words[i + k] = new
                changed = True

    ordered = sorted(phrases, key=lambda p: -len(p.split(" ")))
    for phrase in ordered:
        canon = phrase.split(" ")
        key = [fold(w) for w in canon]
        for i in range(len(words) - len(canon) + 1):
            span = range(i, i + len(canon))
            if folded[i : i + len(canon)] == key and not settled.intersection(span):
                put(i, canon)
    if slack:  # only after every exact match is settled ("đuôi mắt" is not "đuôi mày")
        for size in sorted({len(p.split(" ")) for p in phrases if " " in p}, reverse=True):
            for i in range(len(words) - size + 1):
                if settled.intersection(range(i, i + size)):
                    continue
                window = " ".join(folded[i : i + size])
                close = [
                    p
                    for p in ordered
                    if len(p.split(" ")) == size
                    and Levenshtein.distance(window, fold(p), score_cutoff=slack) <= slack
                ]
                if len(close) == 1:
                    put(i, close[0].split(" "))
    return " ".join(words), changed


def restore_family_name(name: str) -> tuple[str, bool]:
    """ "Nguyen Văn An" → ("Nguyễn Văn An", True): a common family name whose marks OCR lost."""
    family, _, rest = name.partition(" ")
    written = family_names().get(fold(family))
    if written is None or written == family:
        return name, False
    return f"{written} {rest}".strip(), True


@cache
def _syllables_by_fold() -> dict[str, str]:
    by_fold: dict[str, set[str]] = {}
    for syllable in name_syllables():
        by_fold.setdefault(fold(syllable), set()).add(syllable)
    return {key: next(iter(found)) for key, found in by_fold.items() if len(found) == 1}


def restore_name(name: str) -> tuple[str, bool]:
    """ "Nguyen Giá Tuyet" → ("Nguyễn Gia Tuyết", True): the family name from its list, then each
    other word that is no name syllable but folds like exactly one ("Giá" is a word, not a name).
    A word that folds like two syllables ("Hiến": Hiền or Hiển?) or like none is kept as read.
    The flag is True when the name was changed or keeps a word outside the list: either way a
    steward should look (a rare name is rare; a misread one is common)."""
    name, doubtful = restore_family_name(name)
    family, _, rest = name.partition(" ")
    known, by_fold = name_syllables(), _syllables_by_fold()
    words = rest.split(" ") if rest else []
    for i, word in enumerate(words):
        if word in known:
            continue
        words[i] = by_fold.get(fold(word), word)
        doubtful = True
    return " ".join([family, *words]), doubtful
