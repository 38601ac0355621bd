"""The corpus README's "Counts" tables, computed from labels.json (one home: the README is checked
against this by tests/data_checks/test_real_corpus.py, so the counts cannot drift from the labels).

    python scripts/corpus/counts.py [--labels tests/data/real/corpus/labels.json]

Prints the Markdown to paste under "### Counts (dev / test / all)".
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

LABELS = Path(__file__).resolve().parents[2] / "tests/data/real/corpus/labels.json"


def _table(title: str, keyed: Iterable[tuple[str, str]]) -> list[str]:
    """A dev / test / all table of (key, split) pairs, keys in alphabetical order."""
    counts = Counter(keyed)
    keys = sorted({key for key, _ in counts})
    rows = [f"| {title} | dev | test | all |", "|---|---|---|---|"]
    for key in keys:
        dev, test = counts[(key, "dev")], counts[(key, "test")]
        rows.append(f"| {key} | {dev} | {test} | {dev + test} |")
    return rows


def _issuer(document: dict) -> str:
    fields = document["fields"]
    issuer, parent = fields.get("issuer"), fields.get("issuer_parent")
    if not issuer:
        return "(not visible)"
    return f"{parent} / {issuer}" if parent else issuer


def counts_markdown(documents: list[dict]) -> str:
    """The four tables: document types, captures, conditions, administrative issuers."""
    admin = [d for d in documents if d["doc_type"] == "admin_document"]
    tables = [
        _table("doc_type", ((d["doc_type"], d["split"]) for d in documents)),
        _table("capture", ((d["capture"], d["split"]) for d in documents)),
        _table("condition", ((c, d["split"]) for d in documents for c in d["conditions"])),
        _table("admin issuer (parent / issuer)", ((_issuer(d), d["split"]) for d in admin)),
    ]
    return "\n\n".join("\n".join(table) for table in tables) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    args = parser.parse_args()
    documents = json.loads(args.labels.read_text("utf-8"))["documents"]
    print(counts_markdown(documents), end="")


if __name__ == "__main__":
    main()
