"""An estimate as 1000 people, without Qt, so the screen and the PDF draw the same icon array.

The people it happens to are one block filled from the top left, never scattered: people read a block's
size; scattered icons make small risks look random and large ones impossible to count. The 1000 icons
are laid out in 10 x 10 blocks of 100 with a gap between blocks, so "10 in 1000" is one row of one block.
A range is solid up to its low figure and "maybe" up to its high one; an upper bound ("fewer than 10")
marks the bracketed people as an outlined region, not as people it happened to.

Coordinates are fractions of the array's width (y too): x and y from 0 to 1 and 0 to `height`. A cell is
`size` wide and `aspect` times that high: people are taller than wide, so on a screen a taller cell (aspect
1.6) makes each person bigger in the same width; the PDF keeps square cells (aspect 1).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from consultaid.consultation.outcome_words import (
    PEOPLE,
    effective_kind,
    estimate_figures,
    fewer_than_in_1000,
    in_1000,
    more_than_in_1000,
    number_text,
    outcome_phrase,
    source_text,
)
from consultaid.consultation.shown_content import ShownEstimate, ShownOutcome
from consultaid.i18n import N_, translate

AFFECTED = "affected"      # filled: it happens to them (a point, or up to a range's low figure)
MAYBE = "maybe"            # hatched: between a range's low and high figures
BRACKET = "bracket"        # outlined: within "fewer than N", the exact number not given
UNAFFECTED = "unaffected"  # white

BLOCK_GAP = 0.5  # gap between 10 x 10 blocks, in icon widths


@dataclass(frozen=True)
class IconCell:
    index: int      # fill order: 0 is the first person marked
    row: int
    column: int
    x: float        # top-left corner, as a fraction of the array's width
    y: float
    size: float     # width of the icon's cell
    state: str
    aspect: float = 1.0  # the cell's height over its width

    @property
    def height(self) -> float:
        return self.size * self.aspect


@dataclass(frozen=True)
class RegionOutline:
    """The border around one block's run of `state` icons, as a closed polygon (unit coordinates)."""

    state: str
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class IconLegendEntry:
    state: str
    text: str


@dataclass(frozen=True)
class IconArray:
    columns: int
    rows: int
    block: int
    height: float                 # the array is 1 wide and this high
    cells: tuple[IconCell, ...]
    outlines: tuple[RegionOutline, ...]
    caption: str                  # the number first: "10–50 in 1000: Cement leaking out of the bone"
    legend: tuple[IconLegendEntry, ...]
    source_text: str
    kind: str                     # "risk" or "benefit": the renderer's colour, never the only cue
    not_known: bool
    aspect: float = 1.0           # each cell's height over its width

    def count(self, state: str) -> int:
        return sum(1 for cell in self.cells if cell.state == state)


def _people(number: float, rounding: Callable[[float], int]) -> int:
    """Whole people for drawing (the caption keeps the exact figure); float noise removed first."""
    return min(max(int(rounding(round(number, 6))), 0), PEOPLE)


def cell_position(index: int, columns: int, block: int) -> tuple[int, int]:
    """(row, column) of the index-th person to fill: block by block from the top left, row by row in each."""
    per_block = block * block
    blocks_across = columns // block
    block_row, block_column = divmod(index // per_block, blocks_across)
    row_in_block, column_in_block = divmod(index % per_block, block)
    return block_row * block + row_in_block, block_column * block + column_in_block


def _check_layout(columns: int, block: int) -> int:
    if columns <= 0 or block <= 0 or columns % block or PEOPLE % columns or (PEOPLE // columns) % block:
        raise ValueError(f"{columns} columns in blocks of {block} cannot hold {PEOPLE} people in whole blocks")
    return PEOPLE // columns


def _units(count: int, block: int) -> float:
    """Width (in icons) of `count` icons laid side by side, with a gap after each whole block."""
    return count + (count - 1) // block * BLOCK_GAP if count else 0.0


def _offset(position: int, block: int) -> float:
    return position + position // block * BLOCK_GAP


def icon_states(solid: int, maybe_to: int, bracket_to: int) -> list[str]:
    """The state of each person in fill order."""
    states = []
    for index in range(PEOPLE):
        if index < solid:
            states.append(AFFECTED)
        elif index < maybe_to:
            states.append(MAYBE)
        elif index < bracket_to:
            states.append(BRACKET)
        else:
            states.append(UNAFFECTED)
    return states


def _run_outline(start: int, end: int, block: int) -> list[tuple[float, float]]:
    """Polygon (in icons, block-local) around positions start..end-1 of a block filled row by row."""
    first_row, first_column = divmod(start, block)
    last_row, last_column = divmod(end - 1, block)
    last_column += 1
    if first_row == last_row:
        return [(first_column, first_row), (last_column, first_row), (last_column, last_row + 1),
                (first_column, last_row + 1)]
    points = [(first_column, first_row), (block, first_row), (block, last_row), (last_column, last_row),
              (last_column, last_row + 1), (0, last_row + 1), (0, first_row + 1), (first_column, first_row + 1)]
    return _without_redundant_corners(points)


def _without_redundant_corners(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drops repeated points and points in the middle of a straight edge (a run starting at column 0)."""
    kept = [point for position, point in enumerate(points) if point != points[position - 1]]
    changed = True
    while changed and len(kept) > 4:
        changed = False
        for position, (x, y) in enumerate(kept):
            (before_x, before_y), (after_x, after_y) = kept[position - 1], kept[(position + 1) % len(kept)]
            if (before_x == x == after_x) or (before_y == y == after_y):
                del kept[position]
                changed = True
                break
    return kept


def region_outlines(states: list[str], state: str, columns: int, block: int,
                    width_units: float, aspect: float = 1.0) -> tuple[RegionOutline, ...]:
    per_block = block * block
    outlines = []
    for block_index in range(PEOPLE // per_block):
        positions = [p for p in range(per_block) if states[block_index * per_block + p] == state]
        if not positions:
            continue
        top_row, left_column = cell_position(block_index * per_block, columns, block)
        x0, y0 = _offset(left_column, block), _offset(top_row, block)
        points = _run_outline(positions[0], positions[-1] + 1, block)
        outlines.append(RegionOutline(state, tuple(((x0 + x) / width_units, (y0 + y) * aspect / width_units)
                                                   for x, y in points)))
    return tuple(outlines)


def layout_icons(solid: int, maybe_to: int, bracket_to: int, columns: int = 50, block: int = 10,
                 aspect: float = 1.0) -> tuple[tuple[IconCell, ...], tuple[RegionOutline, ...], float]:
    """The cells, the outlines of the bracket regions, and the array's height (its width is 1); each cell
    is `aspect` times as high as it is wide, and the gaps between blocks grow with it."""
    if not 0.5 <= aspect <= 2.0:
        raise ValueError(f"a person's cell {aspect} times as high as wide would squash or stretch the people")
    rows = _check_layout(columns, block)
    width_units = _units(columns, block)
    states = icon_states(solid, maybe_to, bracket_to)
    cells = []
    for index, state in enumerate(states):
        row, column = cell_position(index, columns, block)
        cells.append(IconCell(index, row, column, _offset(column, block) / width_units,
                              _offset(row, block) * aspect / width_units, 1 / width_units, state, aspect))
    cells.sort(key=lambda cell: (cell.row, cell.column))
    outlines = region_outlines(states, BRACKET, columns, block, width_units, aspect)
    return tuple(cells), outlines, _units(rows, block) * aspect / width_units


def _legend(estimate: ShownEstimate, outcome: ShownOutcome | None, language: str) -> tuple[IconLegendEntry, ...]:
    """Each marked state in words, with its number first, for this outcome's kind."""
    kind = effective_kind(estimate)
    low, high = estimate_figures(estimate)
    benefit = outcome if outcome is not None and outcome.kind == "benefit" else None
    happens = (benefit.outcome_text if benefit is not None else "") or translate(N_("are affected"), language)
    spared = (benefit.no_outcome_text if benefit is not None else "") or translate(N_("are not affected"), language)
    # The None tests only restate effective_kind's promise (a known kind has its figures) for the type checker.
    if kind == "point" and low is not None:
        entries = [IconLegendEntry(AFFECTED, outcome_phrase(in_1000(low, language), happens, language)),
                   IconLegendEntry(UNAFFECTED, outcome_phrase(in_1000(PEOPLE - low, language), spared, language))]
        if round(low, 6) != int(round(low, 6)):
            entries.insert(1, IconLegendEntry(MAYBE, translate(
                N_("the striped person stands for the part of a person in the figure"), language)))
        return tuple(entries)
    if kind == "range" and low is not None and high is not None:
        return (
            IconLegendEntry(AFFECTED, translate(N_("{number} {outcome} (the lowest figure given)"), language)
                            .format(number=in_1000(low, language), outcome=happens)),
            IconLegendEntry(MAYBE, translate(N_("up to {number} (the highest figure given)"), language)
                            .format(number=in_1000(high, language))),
            IconLegendEntry(UNAFFECTED, translate(N_("at least {number} {outcome}"), language)
                            .format(number=in_1000(PEOPLE - high, language), outcome=spared)),
        )
    if kind == "upper_bound" and high is not None:
        return (
            IconLegendEntry(BRACKET, translate(N_("{number} {outcome}: somewhere inside the outlined area"),
                                               language).format(number=fewer_than_in_1000(high, language),
                                                                outcome=happens)),
            IconLegendEntry(UNAFFECTED, outcome_phrase(more_than_in_1000(PEOPLE - high, language), spared,
                                                       language)),
        )
    return (IconLegendEntry(UNAFFECTED, translate(N_("No figure is known, so no one is marked."), language)),)


def build_icon_array(estimate: ShownEstimate, language: str, outcome: ShownOutcome | None = None,
                     columns: int = 50, block: int = 10, aspect: float = 1.0) -> IconArray:
    """1000 people for one source's estimate, in the patient's `language`; `outcome` gives label and kind."""
    kind = effective_kind(estimate)
    low, high = estimate_figures(estimate)
    solid = maybe_to = bracket_to = 0
    if kind in ("point", "range") and low is not None and high is not None:
        solid = _people(low, math.floor)
        # A fractional point (2.5 in 1000) cannot fill half a person: the part-person is drawn as "maybe".
        maybe_to = _people(high, math.ceil)
    elif kind == "upper_bound" and high is not None:
        bracket_to = _people(high, math.ceil)
    cells, outlines, height = layout_icons(solid, maybe_to, bracket_to, columns, block, aspect)
    number = number_text(estimate, language)
    label = outcome.label if outcome is not None else ""
    caption = translate(N_("{number}: {label}"), language).format(number=number, label=label) if label else number
    return IconArray(
        columns=columns, rows=PEOPLE // columns, block=block, height=height, cells=cells, outlines=outlines,
        caption=caption[:1].upper() + caption[1:], legend=_legend(estimate, outcome, language),
        source_text=source_text(estimate, language),
        kind=outcome.kind if outcome is not None else "risk", not_known=kind == "not_known", aspect=aspect,
    )


def icon_array_for(outcome: ShownOutcome, language: str, estimate_index: int = 0, columns: int = 50,
                   block: int = 10, aspect: float = 1.0) -> IconArray:
    """The icon array of one of an outcome's sources (the first by default)."""
    return build_icon_array(outcome.estimates[estimate_index], language, outcome, columns, block, aspect)


__all__ = ["AFFECTED", "BRACKET", "IconArray", "IconCell", "IconLegendEntry", "MAYBE", "RegionOutline",
           "UNAFFECTED", "build_icon_array", "icon_array_for", "layout_icons"]
