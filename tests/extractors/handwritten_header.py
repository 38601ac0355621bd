"""The printed words of an administrative header whose number and day are written by hand:
"Số: __ /QĐ-UBND" and "Quảng Ngãi, ngày __ tháng 01 năm 2025" on a 1654-px-wide page, the gaps
at x 210-340 (number) and 1070-1170 (day). Tests draw the handwriting into those gaps."""

from __future__ import annotations

from extractors.records import Box, Word

HEIGHT = 36  # the words' height in pixels, at y 200


def header_words() -> list[Word]:
    h = HEIGHT
    return [
        Word("Số:", Box(150, 200, 60, h), 0.95, line=0),
        Word("/QĐ-UBND", Box(340, 200, 170, h), 0.93, line=0),
        Word("Quảng", Box(800, 200, 100, h), 0.95, line=1, block=1),
        Word("Ngãi,", Box(910, 200, 80, h), 0.95, line=1, block=1),
        Word("ngày", Box(1000, 200, 70, h), 0.95, line=1, block=1),
        Word("tháng", Box(1170, 200, 90, h), 0.95, line=1, block=1),
        Word("01", Box(1270, 200, 40, h), 0.95, line=1, block=1),
        Word("năm", Box(1320, 200, 70, h), 0.95, line=1, block=1),
        Word("2025", Box(1400, 200, 80, h), 0.95, line=1, block=1),
    ]
