"""Reading order for words that come without it (a PDF text layer): lines, then segments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from extractors.records import Word

# A horizontal gap wider than this many line heights splits a line into two segments (the two
# columns of an administrative header: issuer on the left, national motto on the right).
SEGMENT_GAP_LINE_HEIGHTS = 2.0


def order_words(words: Iterable[Word]) -> list[Word]:
    """Words sorted top-to-bottom, left-to-right, with `line` and `block` (segment) indices set."""
    pending = sorted(words, key=lambda w: (w.box.top + w.box.height / 2, w.box.left))
    lines: list[list[Word]] = []
    anchors: list[tuple[float, float]] = []  # (center, height) of each line's first word
    for word in pending:
        center = word.box.top + word.box.height / 2
        if lines:
            line_center, line_height = anchors[-1]
            if abs(center - line_center) <= 0.4 * max(line_height, word.box.height):
                lines[-1].append(word)
                continue
        lines.append([word])
        anchors.append((center, word.box.height))
    ordered: list[Word] = []
    for line_no, line in enumerate(lines):
        line.sort(key=lambda w: w.box.left)
        heights = sorted(w.box.height for w in line)
        gap_limit = max(1, heights[len(heights) // 2]) * SEGMENT_GAP_LINE_HEIGHTS
        segment = 0
        previous: Word | None = None
        for word in line:
            if previous is not None and word.box.left - previous.box.right > gap_limit:
                segment += 1
            ordered.append(replace(word, line=line_no, block=segment))
            previous = word
    return ordered
