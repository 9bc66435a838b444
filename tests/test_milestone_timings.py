"""A milestone's required timings: what its kind must have is read through `Milestone.required`, which
gives the Duration, or (for a pack that somehow skipped validation) a ValueError that names the pack's
milestone and field, never a bare AttributeError from deep inside the timeline or the wording."""

from __future__ import annotations

import pytest

from consultaid.charts.timeline import timing_text
from consultaid.content.durations import Duration
from consultaid.content.model import Milestone
from consultaid.content.wording import milestone_timing


def test_a_present_timing_is_given_back():
    at = Duration.parse("12 days")
    milestone = Milestone(id="stitches_out", kind="point", sources=("guide",), at=at)
    assert milestone.required("at") is at
    assert milestone_timing(milestone, "en") == "12\u00a0days"
    assert timing_text(milestone, "en") == "12\u00a0days"


@pytest.mark.parametrize("kind, missing", [("point", "at"), ("not_before", "until"), ("window", "start")])
def test_a_missing_timing_is_named_by_milestone_and_field(kind, missing):
    milestone = Milestone(id="drive_again", kind=kind, sources=("guide",))
    with pytest.raises(ValueError, match=f"milestone 'drive_again' has no {missing}"):
        milestone.required(missing)
    for describe in (milestone_timing, timing_text):
        with pytest.raises(ValueError, match=f"'drive_again' has no {missing}"):
            describe(milestone, "en")
