"""The colours of the app, its charts and the summary: the one palette the screen and the PDF draw with.

Qt-free, so `consultaid.ui` (the style sheet and the chart widgets) and `consultaid.report` (the PDF)
import the same values, and `consultaid.palette_check` checks exactly these (docs/accessibility-checks.md).
Every mark also differs by shape or pattern, so neither the screen nor the printed page relies on colour
alone.
"""

from __future__ import annotations

from typing import NamedTuple

WHITE = "#FFFFFF"
INK = "#1B2631"          # body text: 15.4:1 on white
MUTED = "#4A5866"        # secondary text: 7.3:1 on white
ACCENT = "#0072B2"       # Okabe–Ito blue: 5.2:1 on white
BORDER = "#C9D1D9"
RULE = "#DDE3E9"         # light table rules (PDF)
SURFACE = "#F5F7FA"
WARNING_BG = "#FFF4E5"
WARNING_INK = "#7A3E00"  # 7.7:1 on WARNING_BG
ERROR_INK = "#B00020"    # 7.3:1 on white; always with a warning sign, never colour alone
SUCCESS_INK = "#1E6B35"  # 6.5:1 on white

# The risk chart. Risks and benefits differ by colour AND by where they sit (their own headed section);
# within a bar the styles differ by pattern (filled / striped / bracket / dashed).
KIND_COLOURS = {"risk": "#0072B2",      # Okabe–Ito blue, 5.2:1 on white
                "benefit": "#00704A"}   # dark bluish green, 6.2:1 on white
KIND_TINTS = {"risk": "#D6E8F4", "benefit": "#D3EBE1"}  # behind the stripes only
TRACK_FILL = WHITE
TRACK_OUTLINE = MUTED    # 7.3:1 on white: the "all 1000 people" frame
LABEL_COLOUR = INK
SELECTED_BACKGROUND = "#EAF3FA"   # INK 13:1, MUTED 6.5:1 on it
NESTED_BACKGROUND = SURFACE

# The icon array.
UNAFFECTED_OUTLINE = "#6B7785"   # 4.6:1 on white: every one of the 1000 people stays visible
UNAFFECTED_FILL = WHITE

# The recovery timeline.
EVENT = ACCENT                    # Okabe–Ito blue, 5.2:1 on white
EVENT_DARK = "#004F7C"            # the outline of a point's diamond
EVENT_LIGHT = "#DCEBF6"           # the fill under the hatch of a possible longer end
RESTRICTION = "#D55E00"           # Okabe–Ito vermillion, 3.9:1 on white: marks only, never text
RESTRICTION_TINT = "#FCEFE6"
GRID = "#D5DCE3"
SEPARATOR = "#E6EAEF"
STRETCH_SHADE = SURFACE


def kind_colour(kind: str) -> str:
    """The colour of a risk or a benefit (a risk's for anything else)."""
    return KIND_COLOURS.get(kind, KIND_COLOURS["risk"])


def kind_tint(kind: str) -> str:
    return KIND_TINTS.get(kind, KIND_TINTS["risk"])


class ChartColours(NamedTuple):
    """The colours one rendering of the charts draws with: the standard ones (screen and PDF), or the
    high-contrast ones the screen uses while the app is in high contrast (View › High contrast). A named
    tuple, not a dataclass: the app's first screen imports this module, and a 21-field frozen dataclass
    costs a millisecond to make (plus the dataclasses module)."""

    ink: str
    muted: str
    white: str
    surface: str
    risk: str
    benefit: str
    risk_tint: str
    benefit_tint: str
    track_fill: str
    track_outline: str
    label: str
    unaffected_outline: str
    unaffected_fill: str
    event: str
    event_dark: str
    event_light: str
    restriction: str
    restriction_tint: str
    grid: str
    separator: str
    stretch_shade: str

    def kind_colour(self, kind: str) -> str:
        return self.benefit if kind == "benefit" else self.risk

    def kind_tint(self, kind: str) -> str:
        return self.benefit_tint if kind == "benefit" else self.risk_tint


STANDARD_CHART = ChartColours(
    ink=INK, muted=MUTED, white=WHITE, surface=SURFACE, risk=KIND_COLOURS["risk"], benefit=KIND_COLOURS["benefit"],
    risk_tint=KIND_TINTS["risk"], benefit_tint=KIND_TINTS["benefit"], track_fill=TRACK_FILL,
    track_outline=TRACK_OUTLINE, label=LABEL_COLOUR, unaffected_outline=UNAFFECTED_OUTLINE,
    unaffected_fill=UNAFFECTED_FILL, event=EVENT, event_dark=EVENT_DARK, event_light=EVENT_LIGHT,
    restriction=RESTRICTION, restriction_tint=RESTRICTION_TINT, grid=GRID, separator=SEPARATOR,
    stretch_shade=STRETCH_SHADE)

# High contrast (the app's View › High contrast, ui/services/style.py's HIGH_CONTRAST look): text black, every mark
# at least 7:1 on white (frames, people's outlines, stripes), no tint under the stripes (stripes on white
# differ more), grid lines 7:1. Colour still never the only cue: the patterns are the standard ones.
HIGH_CONTRAST_CHART = ChartColours(
    ink="#000000", muted="#000000", white=WHITE, surface="#FFFFFF",
    risk="#0050A0",          # the high-contrast accent: 7.9:1 on white
    benefit="#005A1E",       # 8.5:1 on white
    risk_tint=WHITE, benefit_tint=WHITE, track_fill=WHITE, track_outline="#000000", label="#000000",
    unaffected_outline="#000000", unaffected_fill=WHITE,
    event="#0050A0", event_dark="#000000", event_light=WHITE,
    restriction="#9E3500",   # a darker vermillion: 7.1:1 on white, still apart from the blue
    restriction_tint=WHITE, grid="#595959", separator="#595959", stretch_shade="#F0F0F0")
