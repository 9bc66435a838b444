"""The summary's colours: the app's palette (consultaid/ui/style.py and the chart widgets), restated here
because the report may not import the Qt layer. Every mark also differs by shape or pattern, so the
printed page reads the same in black and white."""

from __future__ import annotations

INK = "#1B2631"          # body text: 15.4:1 on white
MUTED = "#4A5866"        # secondary text: 7.3:1 on white
ACCENT = "#0072B2"       # Okabe–Ito blue: 5.1:1 on white
BORDER = "#C9D1D9"
RULE = "#DDE3E9"         # light table rules
SURFACE = "#F5F7FA"
WARNING_BG = "#FFF4E5"
WARNING_INK = "#7A3E00"

# The risk chart (consultaid/ui/widgets/risk_chart_view.py).
KIND_COLOURS = {"risk": "#0072B2", "benefit": "#00704A"}
KIND_TINTS = {"risk": "#D6E8F4", "benefit": "#D3EBE1"}

# The recovery timeline (consultaid/ui/widgets/timeline_view.py).
EVENT = ACCENT
EVENT_DARK = "#004F7C"
EVENT_LIGHT = "#DCEBF6"
RESTRICTION = "#D55E00"  # marks only, never text
RESTRICTION_TINT = "#FCEFE6"
GRID = "#D5DCE3"
SEPARATOR = "#E6EAEF"
