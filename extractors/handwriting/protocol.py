"""What a digit reader is: small protocols, apart from the OCR engine, so another model can
replace the CNN or the engine's digit mode without either knowing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from PIL import Image


@runtime_checkable
class DigitReader(Protocol):
    """Reads a short run of digits from a small image (the OCR engine's digit mode, the CNN, a
    fake in tests)."""

    def read_digits(self, image: Image.Image, *, single_char: bool = False) -> str: ...


@dataclass(frozen=True)
class DigitsRead:
    """Digits read from a cleaned gap, each with the reader's probability for it.

    `probabilities[i]` is the model's probability of `digits[i]` for its glyph (uncalibrated: a
    caller that turns it into a field confidence must measure how often such readings are right).
    Empty `digits` means no glyph looked like a digit.
    """

    digits: str
    probabilities: tuple[float, ...]

    @property
    def weakest(self) -> float:
        """The lowest per-digit probability (0 when nothing was read)."""
        return min(self.probabilities, default=0.0)


class ScoredDigitReader(Protocol):
    """Reads the cleaned ink of a gap (black on white, see `ink.clean_digits`) into digits with a
    probability each."""

    def read_ink(self, ink: np.ndarray) -> DigitsRead: ...
