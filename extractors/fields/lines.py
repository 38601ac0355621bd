"""A page's words as lines: `Line` (its text and where each word sits in it), the page's lines in
reading order, a line split into its columns, the lines of a section, and the box around words."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from extractors.records import Box, PageText, Word
from extractors.text import fold, similarity

GAP_BREAK = 2.2  # a horizontal gap wider than this many word heights ends a value


@dataclass(frozen=True)
class Line:
    """A line of words on a page, with its text and where each word sits in that text."""

    page: int
    words: tuple[Word, ...]
    text: str
    spans: tuple[tuple[int, int], ...]  # (start, end) of each word in `text`

    @property
    def folded(self) -> str:
        return fold(self.text)

    @property
    def box(self) -> Box:
        return union_boxes(self.words)

    def words_in(self, start: int, end: int) -> tuple[Word, ...]:
        """Words overlapping the character range [start, end) of `text`."""
        return tuple(
            w for w, (s, e) in zip(self.words, self.spans, strict=True) if s < end and e > start
        )

    def sub(self, words: Sequence[Word]) -> Line:
        return make_line(self.page, words)


def make_line(page: int, words: Sequence[Word]) -> Line:
    spans = []
    pos = 0
    for w in words:
        spans.append((pos, pos + len(w.text)))
        pos += len(w.text) + 1
    return Line(page, tuple(words), " ".join(w.text for w in words), tuple(spans))


def page_lines(page: PageText) -> list[Line]:
    """The page's lines in reading order (a new line wherever `block` or `line` changes)."""
    lines: list[Line] = []
    current: list[Word] = []
    last: tuple[int, int] | None = None
    for w in page.words:
        key = (w.block, w.line)
        if key != last and current:
            lines.append(make_line(page.number, current))
            current = []
        current.extend(_unglued(w))
        last = key
    if current:
        lines.append(make_line(page.number, current))
    return lines


# "số.915", "sinh:1994": a label's last word and a number that OCR read without the space (two
# letters at least: "C:0,5" is the distance of an identification mark, written as one).
_GLUED_NUMBER = re.compile(r"^([^\W\d_]{2,12}[.:])(\d[\d.,/]*)$")


def _unglued(word: Word) -> list[Word]:
    """The word, or its label part and its number as two words (the box split by characters)."""
    m = _GLUED_NUMBER.match(word.text)
    if m is None:
        return [word]
    head, tail = m.groups()
    box = word.box
    cut = round(box.width * len(head) / len(word.text))
    return [
        replace(word, text=head, box=Box(box.left, box.top, cut, box.height)),
        replace(word, text=tail, box=Box(box.left + cut, box.top, box.width - cut, box.height)),
    ]


def union_boxes(words: Sequence[Word]) -> Box:
    box = words[0].box
    for w in words[1:]:
        box = box.union(w.box)
    return box


def word_height(words: Sequence[Word]) -> float:
    """The median height of the words that hold text (20.0 when none does)."""
    heights = sorted(w.box.height for w in words if w.text.strip())
    return float(heights[len(heights) // 2]) if heights else 20.0


_LEADING_JUNK = re.compile(r"^[^A-Z0-9]+(?=[A-Z0-9])")


def section(lines: Sequence[Line], start: Sequence[str], stop: Sequence[str] = ()) -> list[Line]:
    """Lines from the first whose folded text starts with one of `start` (fuzzy) up to, not
    including, the first after it that starts with one of `stop`; [] when `start` is not found."""
    begin = next((i for i, ln in enumerate(lines) if line_starts(ln, start)), None)
    if begin is None:
        return []
    end = next((i for i in range(begin + 1, len(lines)) if line_starts(lines[i], stop)), len(lines))
    return list(lines[begin:end])


# A section number "II." or "III." that OCR read with a "1", "l" or "|" for one of its "I"s.
_ROMAN_MISREAD = re.compile(r"^(?=[1LI|]{0,2}[LI|])(?![1]+\.)[1LI|]{2,3}(?=\.)")


def line_starts(line: Line, prefixes: Sequence[str]) -> bool:
    """Whether the line's folded text starts with one of `prefixes` (fuzzy), a leading speck or
    table rule left out and a misread section number ("1I.") read as written ("II.")."""
    folded = _LEADING_JUNK.sub("", line.folded)  # "| TM. ỦY BAN": a table rule or a speck
    folded = _ROMAN_MISREAD.sub(lambda m: "I" * len(m.group()), folded)  # "1I." is "II."
    return any(similarity(folded[: len(p)], p) >= 0.94 for p in prefixes)


def column_parts(line: Line) -> list[Line]:
    """A line split where a gap wider than GAP_BREAK word heights separates two columns: a form
    prints "Nơi nhận:" and "TM. ỦY BAN NHÂN DÂN" on one row, OCR returns them as one line."""
    if not line.words:
        return []
    height = word_height(line.words)
    parts: list[list[Word]] = [[line.words[0]]]
    for w in line.words[1:]:
        if w.box.left - parts[-1][-1].box.right > GAP_BREAK * height:
            parts.append([w])
        else:
            parts[-1].append(w)
    return [make_line(line.page, p) for p in parts]
