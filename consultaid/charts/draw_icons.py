"""The icon array's 1000 people, drawn against `consultaid.charts.surface` (Qt-free).

Markings differ by pattern as well as colour: filled, striped, outlined inside a dashed frame, or plain,
so the array reads in greyscale and under colour-vision deficiencies.
"""

from __future__ import annotations

from consultaid.charts import palette
from consultaid.charts.icon_array import AFFECTED, BRACKET, MAYBE, IconArray
from consultaid.charts.surface import Path, Pen, Rect, Surface, hatch, polygon


def person_path(size: float) -> Path:
    """A simple person (a head over a rounded body) inside a `size` square, 0.94 of it high. The head
    and the body do not overlap, so the two shapes together are the person's outline."""
    return (Path().ellipse(size * 0.5, size * 0.18, size * 0.15, size * 0.15)
            .rounded_rect(Rect(size * 0.22, size * 0.37, size * 0.56, size * 0.6), size * 0.2))


def draw_person(surface: Surface, shape: Path, x: float, y: float, state: str, kind: str, size: float,
                colours: palette.ChartColours = palette.STANDARD_CHART) -> None:
    """One person at (x, y): filled (affected), striped (maybe), bold outline (bracket) or plain. The
    shape is moved there rather than copied: a thousand copies made the array slow to paint."""
    colour = colours.kind_colour(kind)
    line = max(0.8, size / 14)
    surface.translate(x, y)
    if state == AFFECTED:
        surface.path(shape, fill=colour)
    elif state == MAYBE:
        surface.path(shape, fill=colours.kind_tint(kind))
        hatch(surface, shape, colour, max(2.5, size * 0.28), max(0.8, size / 12), min_step=0.0)
        surface.path(shape, Pen(colour, line))
    elif state == BRACKET:
        surface.path(shape, Pen(colour, line * 1.4), colours.unaffected_fill)
    else:
        surface.path(shape, Pen(colours.unaffected_outline, line), colours.unaffected_fill)
    surface.translate(-x, -y)


def draw_icon_array(surface: Surface, icons: IconArray, scale: float, left: float, top: float,
                    colours: palette.ChartColours = palette.STANDARD_CHART) -> None:
    """Every person, then the dashed frames around the "fewer than N" region (never a filled block).

    A person is drawn in a square as high as its cell, centred across the cell: a cell taller than wide
    (`aspect` over 1) makes bigger people in the same width, their bodies still clear of each other."""
    if not icons.cells:
        return
    width = icons.cells[0].size * scale
    size = width * icons.cells[0].aspect
    shape = person_path(size)
    inset = (width - size) / 2
    for cell in icons.cells:
        draw_person(surface, shape, left + cell.x * scale + inset, top + cell.y * scale, cell.state, icons.kind,
                    size, colours)
    frame = Pen(colours.kind_colour(icons.kind), max(1.5, width / 6), "dash")
    for outline in icons.outlines:
        surface.path(polygon([(left + x * scale, top + y * scale) for x, y in outline.points]), frame)


def draw_icon_swatch(surface: Surface, state: str, kind: str, width: float, height: float,
                     colours: palette.ChartColours = palette.STANDARD_CHART) -> None:
    """One person in one state, for the legend; the bracket's person inside its dashed frame."""
    inset = width * 0.12
    size = width - 2 * inset
    draw_person(surface, person_path(size), inset, inset, state, kind, size, colours)
    if state == BRACKET:
        surface.rect(Rect(1, 1, width - 2, height - 2), Pen(colours.kind_colour(kind), max(1.5, size / 8), "dash"))
