"""The identity keys the warehouse trusts, recognised from field values.

Only format is checked here (the extractors' validators judge plausibility and raise findings):
a person's key is a 12-digit personal ID, an old 9-digit CMND is an alias, an organization's key is
a 10-digit enterprise code, and a 13-digit one (written ``0123456789-001``) is a branch of the
10-digit parent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SEPARATORS = re.compile(r"[\s.]")
_PERSONAL_ID = re.compile(r"\d{12}")
_CMND = re.compile(r"\d{9}")
_ENTERPRISE = re.compile(r"(\d{10})(?:-?(\d{3}))?")

ALIAS_CMND = "cmnd"


def _digits(value: str | None) -> str:
    return _SEPARATORS.sub("", value or "")


def personal_id(value: str | None) -> str | None:
    """The 12-digit personal ID in `value`, or None."""
    text = _digits(value)
    return text if _PERSONAL_ID.fullmatch(text) else None


def cmnd_number(value: str | None) -> str | None:
    """The old 9-digit identity card number in `value`, or None."""
    text = _digits(value)
    return text if _CMND.fullmatch(text) else None


@dataclass(frozen=True)
class EnterpriseCode:
    key: str  # "0123456789" or "0123456789-001"
    parent: str | None  # the 10-digit parent of a branch


def enterprise_code(value: str | None) -> EnterpriseCode | None:
    """The enterprise/tax code in `value` (10 digits, or a 13-digit branch), or None."""
    match = _ENTERPRISE.fullmatch(_digits(value))
    if not match:
        return None
    head, branch = match.groups()
    if branch is None:
        return EnterpriseCode(head, None)
    if branch == "000":
        return None
    return EnterpriseCode(f"{head}-{branch}", head)
