"""Handwritten digits on real crops: the CNN against tesseract's digit mode and today's voting.

    .venv/bin/python bench/digits.py [--crops tests/data/real/handwritten_digits] [--json]

Reads every crop in the folder's labels.json (real handwritten numbers, days and months cut from
the real corpus's dev half), cleans it as the re-read does (`extractors.handwriting.ink`) and reads
it with:

- (a) **cnn**: the digit CNN (`extractors.handwriting.reader.CnnDigits`);
- (b) **tesseract**: tesseract's digit mode once (psm 7, digits only, the ink at 64 px);
- (c) **vote**: the voting the re-read used before the CNN (tesseract's digit mode three ways:
  the line at 40 and 64 px and glyph by glyph; a value only when two ways agree);
- (d) **re-read**: what `extractors.handwritten_reread` now does with (a) and (c): the value it
  fills and the confidence it gives (always below the review threshold 0.9).

Per-digit accuracy is 1 − (edit distance / digits), summed over values; per-value accuracy counts
exact values. Seconds per value are wall-clock on this machine (one thread). Prints a table for
BENCHMARKS.md and one JSON object.

`--synthetic N` also draws N gaps in the held-out fonts (scripts/train_digits.py's drawing, its own
seed) and prints how often the CNN's value is right per bucket of its weakest digit probability:
the evidence behind `extractors.handwritten_reread.CNN_SURE` (real crops are too few to calibrate
on).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from extractors.handwriting.engine_digits import (  # noqa: E402
    EngineDigits,
    sized,
    vote_digits,
)
from extractors.handwriting.ink import clean_digits  # noqa: E402
from extractors.handwriting.reader import CnnDigits  # noqa: E402
from extractors.handwritten_reread import judge  # noqa: E402
from extractors.ocr import get_engine  # noqa: E402

CROPS = REPO / "tests/data/real/handwritten_digits"


def edit_distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


def digits_right(read: str, truth: str) -> int:
    return max(0, len(truth) - edit_distance(read, truth))


def load_crops(folder: Path) -> list[tuple[str, str, str, np.ndarray | None]]:
    """(name, kind, value, cleaned ink) of every crop."""
    labels = json.loads((folder / "labels.json").read_text("utf-8"))["crops"]
    out = []
    for name, crop in labels.items():
        gray = np.asarray(Image.open(folder / name).convert("L"))
        out.append((name, crop["kind"], crop["value"], clean_digits(gray)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--crops", type=Path, default=CROPS)
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    parser.add_argument("--synthetic", type=int, default=0, help="held-out-font gaps to draw")
    args = parser.parse_args()

    crops = load_crops(args.crops)
    cnn, tesseract = CnnDigits(), EngineDigits(get_engine("tesseract"))
    cnn.model  # noqa: B018 (load the weights before timing)

    def timed(
        read: Callable[[np.ndarray], str],
    ) -> Callable[[np.ndarray | None], tuple[str, float]]:
        def run(ink: np.ndarray | None) -> tuple[str, float]:
            started = time.perf_counter()
            value = "" if ink is None else read(ink)
            return value, time.perf_counter() - started

        return run

    ways = {
        "cnn": timed(lambda ink: cnn.read_ink(ink).digits),
        "tesseract": timed(lambda ink: tesseract.read_digits(sized(ink, 64))),
        "vote": timed(lambda ink: vote_digits(ink, tesseract).value or ""),
    }
    rows = []
    totals = {w: {"digits": 0, "values": 0, "seconds": 0.0} for w in (*ways, "reread")}
    filled = {"right": 0, "wrong": 0, "empty": 0}
    truth_digits = sum(len(value) for _, _, value, _ in crops)
    for name, kind, value, ink in crops:
        row = {"crop": name, "kind": kind, "truth": value}
        for way, run in ways.items():
            read, seconds = run(ink)
            row[way] = read
            totals[way]["digits"] += digits_right(read, value)
            totals[way]["values"] += read == value
            totals[way]["seconds"] += seconds
        started = time.perf_counter()
        if ink is None:
            got, confidence, probabilities = None, 0.0, ()
        else:
            main_read = cnn.read_ink(ink)
            reading = judge(main_read, vote_digits(ink, tesseract))
            got, confidence, probabilities = (
                reading.value,
                reading.confidence,
                main_read.probabilities,
            )
        totals["reread"]["seconds"] += time.perf_counter() - started
        totals["reread"]["digits"] += digits_right(got or "", value)
        totals["reread"]["values"] += got == value
        filled["empty" if got is None else "right" if got == value else "wrong"] += 1
        row.update(
            cnn_probabilities=[round(p, 3) for p in probabilities],
            reread=got,
            confidence=confidence,
        )
        rows.append(row)

    n = len(crops)
    summary = {
        way: {
            "per_digit": round(t["digits"] / max(1, truth_digits), 3),
            "per_value": round(t["values"] / max(1, n), 3),
            "values_right": t["values"],
            "seconds_per_value": round(t["seconds"] / max(1, n), 4),
        }
        for way, t in totals.items()
    }
    result = {"crops": n, "digits": truth_digits, "summary": summary, "reread_filled": filled}
    if not args.json:
        print("| crop | truth | cnn (per-digit p) | tesseract | vote | re-read (confidence) |")
        print("|---|---|---|---|---|---|")
        for r in rows:
            probabilities = ", ".join(f"{p:.2f}" for p in r["cnn_probabilities"])
            reread = f"{r['reread']} ({r['confidence']})" if r["reread"] else "—"
            print(
                f"| {r['crop']} | {r['truth']} | {r['cnn'] or '—'} ({probabilities}) | "
                f"{r['tesseract'] or '—'} | {r['vote'] or '—'} | {reread} |"
            )
        print()
        print("| reader | per digit | per value | s / value |")
        print("|---|---|---|---|")
        for way, s in summary.items():
            print(
                f"| {way} | {s['per_digit']:.3f} | {s['values_right']}/{n} "
                f"| {s['seconds_per_value']:.4f} |"
            )
        print()
    if args.synthetic:
        result["synthetic_reliability"] = synthetic_reliability(cnn, args.synthetic, args.json)
    result["rows"] = rows
    print(json.dumps(result, ensure_ascii=False))


BUCKETS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 1.01)


def synthetic_reliability(cnn: CnnDigits, count: int, quiet: bool) -> list[dict[str, float]]:
    """Share of right values per bucket of the CNN's weakest digit probability, on gaps drawn in
    the held-out fonts."""
    sys.path.insert(0, str(REPO / "scripts"))
    import train_digits

    rng = np.random.default_rng(7)
    fonts = train_digits.fonts_of(train_digits.HELD_OUT)
    counts = [[0, 0] for _ in BUCKETS[:-1]]
    for _ in range(count):
        text = train_digits._text_value(rng)
        gray, _, drawn = train_digits.draw_gap(rng, fonts, text)
        ink = clean_digits(gray)
        read = cnn.read_ink(ink) if ink is not None else None
        if read is None or not read.digits or drawn != text:
            continue
        bucket = next(i for i in range(len(BUCKETS) - 1) if read.weakest < BUCKETS[i + 1])
        counts[bucket][0] += read.digits == text
        counts[bucket][1] += 1
    table = [
        {"from": BUCKETS[i], "to": min(1.0, BUCKETS[i + 1]), "values": n, "right": right}
        for i, (right, n) in enumerate(counts)
    ]
    if not quiet:
        print(f"synthetic, held-out fonts ({count} gaps drawn): weakest digit p → share right")
        print("| weakest p | values | right | share |")
        print("|---|---|---|---|")
        for row in table:
            share = f"{row['right'] / row['values']:.3f}" if row["values"] else "—"
            print(
                f"| {row['from']:.2f}–{row['to']:.2f} | {row['values']} | {row['right']} "
                f"| {share} |"
            )
        print()
    return table


if __name__ == "__main__":
    main()
