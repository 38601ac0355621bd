"""Which kind of document a file is, from the printed label anchors each type declares (its
`cues`, `extractors.declaration.Cue`; docs/DOMAIN.md §5).

Anchors are compared on the folded text (no diacritics, upper case), with a fuzzy ratio, because OCR
drops and swaps Vietnamese marks ("QUYÉT ĐỊNH", "CHÍ THỊ"). A type may also declare a decisive cue
(an application form's title decides before any anchor) and the attributes it finds once chosen (an
administrative document's kind).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from extractors import doctypes
from extractors.declaration import Cue
from extractors.records import PageText
from extractors.text import fold, fuzzy_find

ANCHOR_THRESHOLD = 0.8  # fuzzy ratio for an anchor to count as present
VETO_THRESHOLD = 0.9


@dataclass(frozen=True)
class Classification:
    doc_type: str
    attributes: dict[str, str] = field(default_factory=dict)
    confidence: float = 0.0
    evidence: tuple[str, ...] = ()  # anchors that matched (English notes)


def classify(pages: Sequence[PageText], hint: str | None = None) -> Classification:
    """The document type with its attributes (variant, side, kind) and a confidence 0..1.

    `hint` (a registered type's code, from a manifest or `--type`) wins when given; the anchors
    still fill in the attributes they can.
    """
    if not hint:
        for declared in doctypes.all_types():
            if declared.decisive is not None and declared.decisive(pages):
                return _with_attributes(
                    Classification(declared.code, {}, 0.75, ("decisive cue",)), pages
                )
    text = fold("\n".join(p.text for p in pages[:2]))
    bare = re.sub(r"\s", "", text)
    best: Classification | None = None
    for declared in doctypes.all_types():
        for cue in declared.cues:
            found = _match(cue, text, bare)
            if found is None:
                continue
            confidence, evidence = found
            if best is None or confidence > best.confidence:
                best = Classification(declared.code, dict(cue.attributes), confidence, evidence)
    if best is not None:
        best = _with_attributes(best, pages)
    if hint:
        wanted = doctypes.get(hint).code
        if best is None or best.doc_type != wanted:
            best = _with_attributes(
                Classification(wanted, {}, 1.0, ("type given by the caller",)), pages
            )
        else:
            best = Classification(wanted, best.attributes, 1.0, best.evidence)
    return best or Classification(doctypes.UNKNOWN, {}, 0.0, ())


def _match(cue: Cue, text: str, bare: str) -> tuple[float, tuple[str, ...]] | None:
    """(confidence, anchors found) when every group of the cue has an anchor and no veto does."""
    if any(fuzzy_find(veto, text, VETO_THRESHOLD) for veto in cue.none_of):
        return None
    scores = []
    evidence = []
    for group in cue.all_of:
        score, anchor = max((_anchor_score(a, text, bare), a) for a in group)
        scores.append(score)
        if score:
            evidence.append(anchor)
    if min(scores) == 0.0:
        return None
    return cue.prior * sum(scores) / len(scores), tuple(evidence)


def _with_attributes(found: Classification, pages: Sequence[PageText]) -> Classification:
    """The type's own attributes found once it is chosen (an administrative document's kind)."""
    declared = doctypes.get(found.doc_type)
    if declared.classify_attributes is None:
        return found
    extra, why = declared.classify_attributes(pages)
    return Classification(
        found.doc_type, {**found.attributes, **extra}, found.confidence, (*found.evidence, why)
    )


def _anchor_score(anchor: str, text: str, bare: str) -> float:
    """Fuzzy presence of an anchor; a text layer that lost its spaces ("Cógiátrịđến") still counts
    when the anchor appears verbatim without spaces (long anchors only, to avoid chance hits)."""
    score = fuzzy_find(anchor, text, ANCHOR_THRESHOLD)
    compact = anchor.replace(" ", "")
    if not score and len(compact) >= 8 and compact in bare:
        return 1.0
    return score
