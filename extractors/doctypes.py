"""The registry of document types: the built-in ones, and any a caller registers.

Every type is one `extractors.declaration.DocumentType`, declared in the module that extracts it
(`extractors/fields/<type>.py`, as `DECLARATION`). Everything else asks here: classification walks
the types' cues, the loader reads slots, keys and validity dates, the CLI, the DAG and the review
UI list `codes()` and read labels. A declaration is checked when it is registered, so a type whose
fields lack a label, a kind or a slot never runs.

`register` is for a plug-in type (and the tests' toy type); `registered(...)` registers for the
length of a `with` block.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

from extractors.declaration import DocumentType, FieldSpec, check_declaration
from extractors.kinds import KINDS

UNKNOWN = "unknown"
# The built-in types, in the order people meet them (lists, menus); `unknown` last.
BUILTIN_MODULES = (
    "extractors.fields.id_card",
    "extractors.fields.birth_certificate",
    "extractors.fields.enterprise_registration",
    "extractors.fields.land_use_certificate",
    "extractors.fields.admin_document",
    "extractors.fields.application_form",
    "extractors.fields.unknown",
)

_registry: dict[str, DocumentType] = {}
_loaded = False


def _builtins() -> dict[str, DocumentType]:
    global _loaded
    if not _loaded:
        _loaded = True
        for module in BUILTIN_MODULES:
            register(importlib.import_module(module).DECLARATION)
    return _registry


def register(declaration: DocumentType) -> DocumentType:
    """Add a type (checked first); registering the same code again replaces it."""
    check_declaration(declaration, set(KINDS))
    if not _loaded and declaration.code != UNKNOWN:
        _builtins()
    _registry[declaration.code] = declaration
    return declaration


def unregister(code: str) -> None:
    _registry.pop(code, None)


@contextmanager
def registered(declaration: DocumentType) -> Iterator[DocumentType]:
    """`declaration` registered inside the block, removed after it."""
    previous = _builtins().get(declaration.code)
    register(declaration)
    try:
        yield declaration
    finally:
        if previous is None:
            unregister(declaration.code)
        else:
            _registry[declaration.code] = previous


def all_types() -> tuple[DocumentType, ...]:
    """Every registered type, `unknown` last."""
    types = _builtins()
    return (*(t for c, t in types.items() if c != UNKNOWN), types[UNKNOWN])


def codes() -> tuple[str, ...]:
    return tuple(t.code for t in all_types())


def is_known(code: str | None) -> bool:
    return bool(code) and code in _builtins()


def get(code: str) -> DocumentType:
    """The declaration of `code`; KeyError naming the known codes for an unregistered one."""
    types = _builtins()
    if code not in types:
        raise KeyError(f"unknown document type {code!r}; known: {', '.join(types)}")
    return types[code]


def find(code: str | None) -> DocumentType | None:
    return _builtins().get(code or "")


def field_spec(code: str, name: str) -> FieldSpec | None:
    """The declared field `name` of type `code` (None when the type or the field is unknown)."""
    declared = find(code)
    return declared.field(name) if declared else None


def label(code: str) -> str:
    """The Vietnamese name of a type (the code itself for one not registered: never hidden)."""
    declared = find(code)
    return declared.vi if declared else code
