"""A conflict's evidence as a person reads it: no raw ISO timestamps, no internal codes."""

from __future__ import annotations

from django.utils import translation

from promises.evidence import evidence_rows


def test_evidence_shows_moments_and_codes_in_words(settings):
    settings.TIME_ZONE = "UTC"
    with translation.override("en-us"):
        rows = dict(
            evidence_rows(
                {
                    "claim_kind": "free_shipping",
                    "ends_at": "2026-03-12T14:05:00+00:00",
                    "code": "NORA10",
                    "countries": ["FR", "BE"],
                }
            )
        )
    assert rows["Claim kind"] == "Free shipping"
    assert rows["Ends at"] == "Mar 12, 2026, 14:05"
    assert rows["Code"] == "NORA10"  # a promo code is not an internal code
    assert rows["Countries"] == "FR, BE"
