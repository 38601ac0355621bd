"""The digit CNN (weights in `digits.onnx`, described by `digits.json`), run with ONNX Runtime.

The session is made once per process and per weights file (it is read-only, so sharing it is
safe) and runs on one thread: the pipeline already runs one process per core.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from extractors.handwriting.normalize import batch

WEIGHTS = Path(__file__).with_name("digits.onnx")
CLASSES = (*"0123456789", "reject")  # "reject": not a digit (print, a rule, a letter, two digits)
REJECT = CLASSES.index("reject")


class DigitModel:
    """Classifies glyph images (black ink on white) into CLASSES."""

    def __init__(self, path: Path = WEIGHTS) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._input = self._session.get_inputs()[0].name

    def probabilities(self, glyphs: Sequence[np.ndarray]) -> np.ndarray:
        """Per-class probabilities, shape (len(glyphs), len(CLASSES))."""
        if not glyphs:
            return np.zeros((0, len(CLASSES)), np.float32)
        logits = self._session.run(None, {self._input: batch(list(glyphs))})[0]
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)


@lru_cache(maxsize=4)
def load_model(path: Path = WEIGHTS) -> DigitModel:
    """The model of `path`, loaded once per process."""
    return DigitModel(path)


def describe(path: Path = WEIGHTS) -> dict[str, Any]:
    """The sidecar that says how the weights were made (fonts, figures, input)."""
    sidecar: dict[str, Any] = json.loads(path.with_suffix(".json").read_text("utf-8"))
    return sidecar
