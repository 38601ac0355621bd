"""Auto-verification happens at the one review threshold: a value capped below it to force a
steward's look (here by the capping rule the old 0.85 setting defeated) stays pending."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors import confidence
from loaders.load import load_extraction
from loaders.models import FieldStatus, FieldValue
from sohoa.settings import Settings
from tests.loaders import factories


def test_a_value_capped_below_the_threshold_is_never_auto_verified(session: Session) -> None:
    """What the old setting at 0.85 did: a value capped at 0.85 to force review verified itself."""
    card = factories.id_card(confidence=0.97)
    first, *rest = card.fields
    capped = replace(first, confidence=confidence.BELOW_REVIEW)
    card = replace(card, fields=(capped, *rest))
    load_extraction(session, card, auto_verify_confidence=Settings(auto_verify=True).auto_verify_at)
    statuses = {row.name: row.status for row in session.scalars(select(FieldValue))}
    assert statuses.pop("id_number") == FieldStatus.PENDING
    assert set(statuses.values()) == {FieldStatus.AUTO_VERIFIED}
