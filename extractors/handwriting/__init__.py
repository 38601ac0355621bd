"""Handwritten digits in the blanks of printed forms (a document's number, day and month).

One job per module: `ink` cleans a cropped gap down to its ink, `glyphs` cuts the ink into
glyphs, `normalize` turns a glyph into the model's input (the training script uses the same code),
`model` runs the small CNN (ONNX Runtime), `reader` reads a gap with it, `protocol` says what a
digit reader is, and `engine_digits` is the OCR engine's digit mode, kept as an independent second
opinion. The model's training, fonts and figures are in `digits.json` beside the weights.
"""
