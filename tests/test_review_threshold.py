"""One review threshold (docs/DESIGN.md, "Verified"): a calibrated number beside the confidence
code. `SOHOA_AUTO_VERIFY` only switches auto-verification at it; the retired
`SOHOA_AUTO_VERIFY_CONFIDENCE` is refused with a message saying what replaced it (issue "One home
per document type…": set to 0.85 it would have auto-verified values capped at 0.85 precisely so that
a person sees them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from extractors import confidence
from sohoa.settings import Settings, SettingsError


def test_caps_that_force_review_sit_below_the_threshold() -> None:
    for cap in (confidence.BELOW_REVIEW, confidence.FAR_BELOW_REVIEW, confidence.UNCHECKED_ID_CAP):
        assert cap < confidence.REVIEW_THRESHOLD
    assert confidence.needs_review(0.99) < confidence.REVIEW_THRESHOLD


def test_auto_verify_switches_at_the_calibrated_threshold_and_never_moves_it() -> None:
    assert Settings().auto_verify_at is None
    on = Settings(auto_verify=True)
    assert on.auto_verify_at == on.review_threshold == confidence.REVIEW_THRESHOLD


@pytest.mark.parametrize("how", ["env", "argument"])
def test_the_retired_threshold_setting_is_refused_with_what_replaced_it(
    how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if how == "env":
        monkeypatch.setenv("SOHOA_AUTO_VERIFY_CONFIDENCE", "0.85")
        build = Settings
    else:

        def build() -> Settings:
            return Settings(auto_verify_confidence=0.85)

    with pytest.raises(SettingsError, match="SOHOA_AUTO_VERIFY=true"):
        build()


def test_the_cli_refuses_the_retired_setting_in_words(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = subprocess.run(
        [str(Path(sys.executable).parent / "sohoa"), "batches"],
        env={
            "SOHOA_AUTO_VERIFY_CONFIDENCE": "0.85",
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
        },
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "SOHOA_AUTO_VERIFY_CONFIDENCE no longer exists" in result.stderr
    assert "Traceback" not in result.stderr
