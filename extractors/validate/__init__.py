"""Validation: format, cross-field and date rules that turn into steward-readable findings."""
