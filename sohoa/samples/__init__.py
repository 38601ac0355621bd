"""Synthetic Vietnamese documents with ground truth (`sohoa samples`): tests, benchmarks, demos.

See README.md in this folder for the truth JSON format."""

from sohoa.samples.generator import FORMATS, SampleInfo, generate, template_names
from sohoa.samples.noise import NOISE_LEVELS

__all__ = ["FORMATS", "NOISE_LEVELS", "SampleInfo", "generate", "template_names"]
