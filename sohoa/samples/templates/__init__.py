"""One module per document template. Adding a type means adding one module here that defines:

- ``NAME``: the template name (also used in sample file names), e.g. ``"id_card_chip"``;
- ``DOC_TYPE``: the docs/DESIGN.md document type it produces, e.g. ``"id_card"``;
- ``WEIGHT``: its share in a default mixed batch;
- ``build(rng: random.Random) -> Document``.

Modules are discovered by name (sorted), so nothing else needs editing."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from types import ModuleType


@cache
def registry() -> dict[str, ModuleType]:
    mods: dict[str, ModuleType] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        mods[mod.NAME] = mod
    return mods
