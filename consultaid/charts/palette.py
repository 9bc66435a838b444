"""The colours of the app, its charts and the summary: the one palette the screen and the PDF draw with.

Qt-free, so `consultaid.ui` (the style sheet and the chart widgets) and `consultaid.report` (the PDF)
import the same values, and `consultaid.palette_check` checks exactly these (docs/accessibility-checks.md).
Every mark also differs by shape or pattern, so neither the screen nor the printed page relies on colour
alone.
"""

from __future__ import annotations

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
