"""Colour checks for the app's and the summary's palettes (design.md §3 item 9). Qt-free.

- WCAG 2.2 relative luminance and contrast ratio (https://www.w3.org/TR/WCAG22/#dfn-contrast-ratio).
- Colour-vision-deficiency simulation: Machado, Oliveira & Fernandes (2009), "A Physiologically-based
  Model for Simulation of Color Vision Deficiency", IEEE TVCG 15(6):1291–1298, doi:10.1109/TVCG.2009.113;
  the matrices for severity 1.0 (dichromacy) from the paper's table, applied to linear RGB.
- Perceptual distance: CIE76 ΔE*ab and CIEDE2000 ΔE00 in CIELAB (D65 white).

`python -m consultaid.palette_check` prints every check as a markdown table (docs/accessibility-checks.md).
The colours are imported from `consultaid.charts.palette`, the one palette the app's style sheet, the
chart widgets and the summary PDF import, so the table always describes the colours actually drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Colour = str  # "#RRGGBB"
# Name -> a colour, or (KIND_COLOURS and the like) name -> a table of colours by key.
Palette = dict[str, Any]

# --- WCAG 2.2 --------------------------------------------------------------------------------------------

NAMED = {"white": "#FFFFFF", "black": "#000000"}


def to_rgb(colour: Colour) -> tuple[int, int, int]:
    colour = NAMED.get(colour.lower(), colour).lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    if len(colour) != 6:
        raise ValueError(f"not a #RRGGBB colour: {colour!r}")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def to_hex(rgb: tuple[float, float, float]) -> Colour:
    return "#" + "".join(f"{round(min(255.0, max(0.0, c))):02X}" for c in rgb)


def _linear(channel: float) -> float:
    """sRGB component 0..1 → linear light (WCAG 2.2 uses 0.04045, the sRGB standard's threshold)."""
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _gamma(channel: float) -> float:
    channel = min(1.0, max(0.0, channel))
    return channel * 12.92 if channel <= 0.0031308 else 1.055 * channel ** (1 / 2.4) - 0.055


def linear_rgb(colour: Colour) -> tuple[float, float, float]:
    r, g, b = to_rgb(colour)
    return _linear(r / 255), _linear(g / 255), _linear(b / 255)


def relative_luminance(colour: Colour) -> float:
    r, g, b = linear_rgb(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: Colour, b: Colour) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# --- Colour-vision deficiency (Machado et al. 2009, severity 1.0, linear RGB) --------------------------

MACHADO_2009 = {
    "protanopia": ((0.152286, 1.052583, -0.204868),
                   (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968),
                     (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779),
                   (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}
DEFICIENCIES = tuple(MACHADO_2009)


def simulate(colour: Colour, deficiency: str | None) -> Colour:
    """The colour as seen with a full dichromacy (None: normal vision), as #RRGGBB."""
    if deficiency is None:
        return to_hex(to_rgb(colour))
    matrix = MACHADO_2009[deficiency]
    rgb = linear_rgb(colour)
    r, g, b = (_gamma(sum(m * c for m, c in zip(row, rgb, strict=True))) * 255 for row in matrix)
    return to_hex((r, g, b))


# --- CIELAB and ΔE ----------------------------------------------------------------------------------------

_D65 = (0.95047, 1.0, 1.08883)


def to_lab(colour: Colour) -> tuple[float, float, float]:
    r, g, b = linear_rgb(colour)
    xyz = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b,
           0.2126729 * r + 0.7151522 * g + 0.0721750 * b,
           0.0193339 * r + 0.1191920 * g + 0.9503041 * b)

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = (f(v / w) for v, w in zip(xyz, _D65, strict=True))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e76(a: Colour, b: Colour) -> float:
    return math.dist(to_lab(a), to_lab(b))


def delta_e2000(a: Colour, b: Colour) -> float:
    """CIEDE2000 between two colours, kL = kC = kH = 1."""
    return delta_e2000_lab(to_lab(a), to_lab(b))


def delta_e2000_lab(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    """CIEDE2000 of two CIELAB triples (Sharma, Wu & Dalal 2005 formulation)."""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dl, dc = l2 - l1, c2p - c1p
    if c1p * c2p == 0:
        dh = 0.0
    else:
        dh = h2p - h1p
        dh = dh - 360 if dh > 180 else dh + 360 if dh < -180 else dh
    dH = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_bar, cp_bar = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    else:
        h_bar = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_bar - 30)) + 0.24 * math.cos(math.radians(2 * h_bar))
         + 0.32 * math.cos(math.radians(3 * h_bar + 6)) - 0.20 * math.cos(math.radians(4 * h_bar - 63)))
    d_theta = 30 * math.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_bar ** 7 / (cp_bar ** 7 + 25 ** 7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (dH / s_h) ** 2 + r_t * (dc / s_c) * (dH / s_h))


def cvd_distance(a: Colour, b: Colour, deficiency: str | None) -> float:
    """CIE76 ΔE between the two colours as seen with the deficiency."""
    return delta_e76(simulate(a, deficiency), simulate(b, deficiency))


PACKAGE = Path(__file__).resolve().parent

# --- The project's palette -------------------------------------------------------------------------------


def palette() -> Palette:
    """Every UPPER_CASE colour of `consultaid.charts.palette`, the one module the app's style, the chart
    widgets and the PDF all draw with: the table describes the colours actually drawn."""
    from consultaid.charts import palette as module

    return {name: (value.upper() if isinstance(value, str) else {k: v.upper() for k, v in value.items()})
            for name, value in vars(module).items()
            if name.isupper() and (isinstance(value, dict) or (isinstance(value, str) and value.startswith("#")))}


# --- The checks -----------------------------------------------------------------------------------------

TEXT = 4.5          # WCAG 2.2 SC 1.4.3 (AA), normal-size text
TEXT_AAA = 7.0      # WCAG 2.2 SC 1.4.6 (AAA): the high-contrast look
NON_TEXT = 3.0      # WCAG 2.2 SC 1.4.11: graphical objects and focus indicators
# Distinguishability under simulated dichromacy: CIE76 ΔE ≥ 10. A just-noticeable difference is about
# 2.3 (Sharma 2003) and differences of 2–10 are "perceptible at a glance" only side by side; the two
# colours here are never side by side (different sections / lanes) and are read at a distance by a
# patient, so we require an unmistakable difference, the usual ≥ 10 used for categorical palettes.
DISTINCT = 10.0


@dataclass(frozen=True)
class ContrastCheck:
    id: str
    what: str
    foreground: Colour
    background: Colour
    minimum: float

    @property
    def ratio(self) -> float:
        return contrast_ratio(self.foreground, self.background)

    @property
    def passes(self) -> bool:
        return self.ratio >= self.minimum


@dataclass(frozen=True)
class DistinctCheck:
    id: str
    what: str
    first: Colour
    second: Colour
    deficiency: str | None
    minimum: float = DISTINCT

    @property
    def delta_e(self) -> float:
        return cvd_distance(self.first, self.second, self.deficiency)

    @property
    def delta_e2000(self) -> float:
        return delta_e2000(simulate(self.first, self.deficiency), simulate(self.second, self.deficiency))

    @property
    def passes(self) -> bool:
        return self.delta_e >= self.minimum


WHITE = "#FFFFFF"


def contrast_checks(p: Palette | None = None) -> list[ContrastCheck]:
    p = p or palette()
    checks = [
        # Text: the style sheet, the painted charts' labels and the summary's text.
        ("ink-white", "INK (body text) on white", p["INK"], WHITE, TEXT),
        ("ink-surface", "INK on SURFACE (navigator, timeline caption, PDF title rows)", p["INK"], p["SURFACE"], TEXT),
        ("muted-white", "MUTED (secondary text) on white", p["MUTED"], WHITE, TEXT),
        ("muted-surface", "MUTED on SURFACE (navigator, PDF nested rows)", p["MUTED"], p["SURFACE"], TEXT),
        ("accent-white", "ACCENT as text on white", p["ACCENT"], WHITE, TEXT),
        ("white-accent", "White text on ACCENT (primary / checked buttons)", WHITE, p["ACCENT"], TEXT),
        ("error-white", "App: ERROR_INK on white", p["ERROR_INK"], WHITE, TEXT),
        ("success-white", "App: SUCCESS_INK on white", p["SUCCESS_INK"], WHITE, TEXT),
        ("warning", "WARNING_INK on WARNING_BG (banner, PDF warning)", p["WARNING_INK"], p["WARNING_BG"], TEXT),
        ("ink-selected-item", "App: INK on a selected list item (#E3F0F9)", p["INK"], "#E3F0F9", TEXT),
        ("chart-label-track", "Risk chart: LABEL_COLOUR on TRACK_FILL", p["LABEL_COLOUR"], p["TRACK_FILL"], TEXT),
        ("chart-ink-selected", "Risk chart: INK on SELECTED_BACKGROUND", p["INK"], p["SELECTED_BACKGROUND"], TEXT),
        ("chart-muted-selected", "Risk chart: MUTED on SELECTED_BACKGROUND", p["MUTED"], p["SELECTED_BACKGROUND"],
         TEXT),
        ("timeline-ink-shade", "Timeline: INK on STRETCH_SHADE", p["INK"], p["STRETCH_SHADE"], TEXT),
        ("timeline-muted-shade", "Timeline: MUTED dates on STRETCH_SHADE", p["MUTED"], p["STRETCH_SHADE"], TEXT),
        # Focus indicator and frames.
        ("focus-white", "App: focus border ACCENT on white", p["ACCENT"], WHITE, NON_TEXT),
        ("chart-outline-white", "Risk chart: TRACK_OUTLINE on white", p["TRACK_OUTLINE"], WHITE, NON_TEXT),
        ("icons-outline-white", "Icon array: UNAFFECTED_OUTLINE on white", p["UNAFFECTED_OUTLINE"], WHITE, NON_TEXT),
    ]
    for kind in ("risk", "benefit"):
        colour, tint = p["KIND_COLOURS"][kind], p["KIND_TINTS"][kind]
        checks += [
            (f"chart-{kind}-white", f"Risk chart: {kind} bar on white", colour, WHITE, NON_TEXT),
            (f"chart-{kind}-tint", f"Risk chart: {kind} stripes on their tint", colour, tint, NON_TEXT),
            (f"chart-white-on-{kind}", f"Risk chart: white label inside the {kind} bar", WHITE, colour, TEXT),
        ]
    checks += [
        ("timeline-event-white", "Timeline: EVENT marks on white", p["EVENT"], WHITE, NON_TEXT),
        ("timeline-event-dark-white", "Timeline: EVENT_DARK (a point's outline) on white", p["EVENT_DARK"], WHITE,
         NON_TEXT),
        ("timeline-event-light", "Timeline: EVENT hatch on EVENT_LIGHT", p["EVENT"], p["EVENT_LIGHT"], NON_TEXT),
        ("timeline-event-shade", "Timeline: EVENT marks on STRETCH_SHADE", p["EVENT"], p["STRETCH_SHADE"], NON_TEXT),
        ("timeline-restriction-white", "Timeline: RESTRICTION on white", p["RESTRICTION"], WHITE, NON_TEXT),
        ("timeline-restriction-tint", "Timeline: RESTRICTION hatch on RESTRICTION_TINT", p["RESTRICTION"],
         p["RESTRICTION_TINT"], NON_TEXT),
        ("timeline-restriction-shade", "Timeline: RESTRICTION on STRETCH_SHADE", p["RESTRICTION"],
         p["STRETCH_SHADE"], NON_TEXT),
    ]
    # The app's scroll bars (drawn flat by the style sheet): the handle against its track.
    from consultaid.ui.services.style import DEFAULT_COLOURS  # style.py imports Qt only in a function

    checks.append(("scroll-handle-track", "App: scroll bar handle on its track", DEFAULT_COLOURS["SCROLL_HANDLE"],
                   DEFAULT_COLOURS["SCROLL_TRACK"], NON_TEXT))
    return [ContrastCheck(*c) for c in checks]


def distinct_checks(p: Palette | None = None) -> list[DistinctCheck]:
    p = p or palette()
    pairs = [
        ("chart-risk-vs-benefit", "Risk chart: risk vs benefit bars", p["KIND_COLOURS"]["risk"],
         p["KIND_COLOURS"]["benefit"]),
        ("timeline-window-vs-not-before", "Timeline: window (EVENT) vs not-before (RESTRICTION)", p["EVENT"],
         p["RESTRICTION"]),
    ]
    return [DistinctCheck(f"{pid}-{deficiency or 'normal'}", what, a, b, deficiency)
            for pid, what, a, b in pairs for deficiency in (None, *DEFICIENCIES)]


def high_contrast_checks() -> list[ContrastCheck]:
    """The high-contrast look's colours, all text at AAA (7:1)."""
    from consultaid.ui.services.style import HC_PLACEHOLDER, HIGH_CONTRAST  # style.py imports Qt only in a function

    # The look's colours (its other entries are widths and an icon-set suffix).
    h = {name: value for name, value in HIGH_CONTRAST.items() if isinstance(value, str)}
    checks: list[tuple[str, str, Colour, Colour, float]] = [
        (f"hc-{name.lower()}-{bg_name.lower()}", f"High contrast: {name} on {bg_name}", h[name], h[bg_name], TEXT_AAA)
        for name in ("INK", "MUTED", "ACCENT", "ERROR_INK", "SUCCESS_INK", "WARNING_INK")
        for bg_name in ("BACKGROUND", "SURFACE", "WARNING_BG")
        if bg_name == "BACKGROUND" or h[bg_name] != h["BACKGROUND"]]
    checks += [("hc-white-accent", "High contrast: white text on ACCENT", WHITE, h["ACCENT"], TEXT_AAA),
               ("hc-selected-text", "High contrast: SELECTED_INK on SELECTED_BG", h["SELECTED_INK"],
                h["SELECTED_BG"], TEXT_AAA),
               ("hc-placeholder-white", "High contrast: placeholder text on white", HC_PLACEHOLDER, WHITE, TEXT_AAA),
               ("hc-border-white", "High contrast: BORDER on white", h["BORDER"], WHITE, TEXT_AAA),
               ("hc-focus-white", "High contrast: FOCUS on white", h["FOCUS"], WHITE, TEXT_AAA),
               ("hc-scroll-handle", "High contrast: scroll bar handle on its track", h["SCROLL_HANDLE"],
                h["SCROLL_TRACK"], TEXT_AAA)]
    return [ContrastCheck(*c) for c in checks]


def markdown_table() -> str:
    lines = ["# Accessibility checks", "",
             "Generated by `python -m consultaid.palette_check` from `consultaid/charts/palette.py`, the one",
             "palette the app's style, the chart widgets and the summary PDF all draw with",
             "(and the high-contrast look in `consultaid/ui/services/style.py`); checked by "
             "`tests/test_accessibility.py`.",
             "",
             "## Contrast (WCAG 2.2: text ≥ 4.5:1, marks and focus ≥ 3:1, high-contrast text ≥ 7:1)", "",
             "| Check | Foreground | Background | Ratio | Minimum | Result |",
             "| --- | --- | --- | ---: | ---: | --- |"]
    for c in contrast_checks() + high_contrast_checks():
        lines.append(f"| {c.what} | `{c.foreground}` | `{c.background}` | {c.ratio:.2f}:1 | {c.minimum:g}:1 | "
                     f"{'pass' if c.passes else '**FAIL**'} |")
    lines += ["", "## Distinguishable under colour-vision deficiency (Machado et al. 2009, severity 1.0)", "",
              f"CIE76 ΔE*ab between the two simulated colours, minimum {DISTINCT:g}; CIEDE2000 ΔE00 for reference.",
              "", "| Pair | Vision | Simulated colours | ΔE76 | ΔE00 | Result |",
              "| --- | --- | --- | ---: | ---: | --- |"]
    for d in distinct_checks():
        a, b = simulate(d.first, d.deficiency), simulate(d.second, d.deficiency)
        lines.append(f"| {d.what} | {d.deficiency or 'normal'} | `{a}` / `{b}` | {d.delta_e:.1f} | "
                     f"{d.delta_e2000:.1f} | {'pass' if d.passes else '**FAIL**'} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    import sys

    argv = sys.argv[1:] if argv is None else argv
    table = markdown_table()
    if argv and argv[0] in ("--write", "-w"):
        target = Path(argv[1]) if len(argv) > 1 else PACKAGE.parent / "docs" / "accessibility-checks.md"
        target.write_text(table, encoding="utf-8")
    print(table, end="")
    failures = [c for c in contrast_checks() + high_contrast_checks() + distinct_checks() if not c.passes]
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
