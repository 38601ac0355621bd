"""Failure-injection OCR engines for tests (as OCRmyPDF's tests/plugins): the real Tesseract
engine with one of its methods made to fail the way it fails in production, so a test can prove
what the code around the engine does then. Each counts its failing calls."""
