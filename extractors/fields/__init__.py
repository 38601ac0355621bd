"""Per-type field extractors: one module per document type, its label table next to its code."""
