"""Tone marks OCR misread inside free text, restored from a list of Vietnamese words.

A subject ("trích yếu") is free text: no closed list holds it, and OCR misreads a mark in it with
a fair confidence ("đảo tạo" for "đào tạo", "tỗ chức" for "tổ chức", real dev half). A run of two to
four syllables that is no word as read, but whose letters without marks are exactly one word of
the list (`vocabulary.json`, see its `_about`), takes that word's marks, when:

- none of its syllables belongs to a word of the list as read ("là cơ sở": "cơ sở" is a word, so
  "là cơ" is never made "lá cờ");
- every syllable whose marks change was read at under `extractors.confidence.FREE_TEXT_MIN_WORD`
  (a confident syllable is left as read: correct text that happens to fold like a word, "tại
  Điều", stays).

A restored value is marked repaired (below the review threshold) and says what changed: the list
restores, it never confirms.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources

from extractors.confidence import FREE_TEXT_MIN_WORD
from extractors.data.units import older_tone_style
from extractors.text import fold

_TOKEN = re.compile(r"^(\W*)([^\W\d_]+)(\W*)$")
MAX_SYLLABLES = 4


@cache
def _vocabulary() -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    raw = json.loads(resources.files(__package__).joinpath("vocabulary.json").read_text("utf-8"))
    words = frozenset(raw["words"])
    by_fold: dict[str, list[str]] = {}
    for word in words:
        by_fold.setdefault(fold(word), []).append(word)
    return words, {k: tuple(v) for k, v in by_fold.items()}


def restore_marks(tokens: Sequence[tuple[str, float]]) -> tuple[list[str], list[tuple[str, str]]]:
    """`tokens` (word as read, OCR confidence) with misread marks restored (see the module notes),
    and the (read, restored) pairs that changed."""
    words, by_fold = _vocabulary()
    texts = [t for t, _ in tokens]
    parts = [_TOKEN.match(t) for t in texts]
    windows = list(_windows(parts))
    covered: set[int] = set()
    for i, n in windows:
        if _as_read(parts, i, n) in words:
            covered.update(range(i, i + n))
    out, changes, done = list(texts), [], set()
    for i, n in windows:
        span = set(range(i, i + n))
        if span & (covered | done):
            continue
        candidates = by_fold.get(fold(_as_read(parts, i, n)), ())
        if len(candidates) != 1:
            continue
        new = _restored(parts, tokens, i, candidates[0].split(" "))
        if new is None:
            continue
        for k, text in new.items():
            changes.append((out[k], text))
            out[k] = text
        done |= span
    return out, changes


def _windows(parts: Sequence[re.Match[str] | None]) -> list[tuple[int, int]]:
    """(start, length) of every run of 2-4 letter tokens with no punctuation inside it."""
    out = []
    for n in range(MAX_SYLLABLES, 1, -1):
        for i in range(len(parts) - n + 1):
            run = parts[i : i + n]
            if any(p is None for p in run):
                continue
            inside = [p.group(3) for p in run[:-1]] + [p.group(1) for p in run[1:]]  # type: ignore[union-attr]
            if not any(inside):
                out.append((i, n))
    return out


def _as_read(parts: Sequence[re.Match[str] | None], i: int, n: int) -> str:
    return older_tone_style(" ".join(p.group(2) for p in parts[i : i + n]).lower())  # type: ignore[union-attr]


def _restored(
    parts: Sequence[re.Match[str] | None],
    tokens: Sequence[tuple[str, float]],
    i: int,
    word: list[str],
) -> dict[int, str] | None:
    """Token index → restored token, or None when a syllable to change was read confidently."""
    new = {}
    for k, syllable in enumerate(word):
        part = parts[i + k]
        assert part is not None
        read = part.group(2)
        if older_tone_style(read.lower()) == syllable:
            continue
        if tokens[i + k][1] >= FREE_TEXT_MIN_WORD:
            return None
        written = syllable.upper() if read.isupper() and len(read) > 1 else syllable
        if read[:1].isupper() and not written[:1].isupper():
            written = written[:1].upper() + written[1:]
        new[i + k] = part.group(1) + written + part.group(3)
    return new or None
