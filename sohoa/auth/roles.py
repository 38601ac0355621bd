"""Roles are ordered: reader < steward < admin. A role allows everything a lower one does."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    READER = "reader"
    STEWARD = "steward"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


_RANK = {Role.READER: 1, Role.STEWARD: 2, Role.ADMIN: 3}
