"""Reference tables (provinces, …) kept as data files next to the code that reads them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Province:
    code: str  # 3-digit ID-number prefix (old 2-digit admin code with a leading 0), e.g. "079"
    name: str  # name before the July 2025 merger
    new_code: str  # 2-digit code of the province it belongs to since 01/07/2025 (QĐ 19/2025)
    new_name: str


@cache
def provinces() -> dict[str, Province]:
    """The 63 pre-2025 provinces by 3-digit ID prefix, each with its post-merger province."""
    raw = json.loads(resources.files(__package__).joinpath("provinces.json").read_text("utf-8"))
    new_names = {p["code"]: p["name"] for p in raw["new_provinces"]}
    return {
        p["id_prefix"]: Province(p["id_prefix"], p["name"], p["new_code"], new_names[p["new_code"]])
        for p in raw["old_provinces"]
    }


@cache
def family_names() -> dict[str, str]:
    """Common family names by folded form ("NGUYEN" → "Nguyễn")."""
    raw = json.loads(resources.files(__package__).joinpath("family_names.json").read_text("utf-8"))
    return {k: v for k, v in raw.items() if not k.startswith("_")}


@cache
def name_syllables() -> frozenset[str]:
    """Syllables of middle and given names, with their marks ("Gia", "Tuyết")."""
    path = resources.files(__package__).joinpath("name_syllables.json")
    return frozenset(json.loads(path.read_text("utf-8"))["syllables"])
