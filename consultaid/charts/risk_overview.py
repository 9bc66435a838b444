"""Every benefit and risk at a glance, without Qt: the compact overview the risks step shows beside the
details of the one selected (issue 17 item 2, design brief section 3).

The overview is made from the same `RiskChart` as the full chart and the PDF, so its numbers and bars are
the chart's own. Each outcome is one compact row: its label, then one line per source that gives a figure
(number first, the bar on the one common 0–1000 scale, a short numbered reference to the source); the
sources that give no figure share one "not known" line, so a disagreement is still shown but an unknown
figure no longer takes a whole row per source. The references are numbered in order of first use and
listed in full under the overview; a screen reader gets the full source on every line.
"""

from __future__ import annotations

from dataclasses import dataclass

from consultaid.charts.risk_chart import EstimateBar, RiskChart, RiskRow


@dataclass(frozen=True)
class OverviewLine:
    """One line of a compact row: a figure (or "not known") with its bar and source references."""

    number_text: str                  # number first: "10–50 in 1000", "fewer than 10 in 1000", "not known"
    bar: EstimateBar                  # drawn on the common scale (a not-known line draws the dashed track)
    estimate_indexes: tuple[int, ...]  # which of the row's estimates this line stands for
    references: tuple[int, ...]       # the numbers of their sources in the overview's list

    @property
    def reference_text(self) -> str:
        """"[1]", "[1, 3]", or "[1–3]" for three or more in a row (the column stays narrow)."""
        numbers = sorted(set(self.references))
        runs: list[list[int]] = []
        for number in numbers:
            if runs and number == runs[-1][-1] + 1:
                runs[-1].append(number)
            else:
                runs.append([number])
        parts = [f"{run[0]}–{run[-1]}" if len(run) >= 3 else ", ".join(map(str, run)) for run in runs]
        return "[" + ", ".join(parts) + "]"


@dataclass(frozen=True)
class OverviewRow:
    row: RiskRow
    lines: tuple[OverviewLine, ...]

    @property
    def first_figure(self) -> int | None:
        """The index of the first estimate with a figure (what the icon array shows first), or None."""
        return next((index for index, bar in enumerate(self.row.bars) if not bar.not_known), None)


@dataclass(frozen=True)
class SourceReference:
    number: int
    text: str  # the bar's own "Source: <title> (<file>)"


@dataclass(frozen=True)
class RiskOverview:
    chart: RiskChart
    rows: tuple[OverviewRow, ...]
    references: tuple[SourceReference, ...]

    @property
    def line_count(self) -> int:
        return sum(len(row.lines) for row in self.rows)


def build_overview(chart: RiskChart) -> RiskOverview:
    """The compact rows of `chart`, in its order, with their sources numbered in order of first use."""
    numbers: dict[str, int] = {}

    def reference(bar: EstimateBar) -> int:
        return numbers.setdefault(bar.source_text, len(numbers) + 1)

    rows = []
    for row in chart.rows:
        lines = [OverviewLine(bar.number_text, bar, (index,), (reference(bar),))
                 for index, bar in enumerate(row.bars) if not bar.not_known]
        unknown = [index for index, bar in enumerate(row.bars) if bar.not_known]
        if unknown:
            first = row.bars[unknown[0]]
            refs = tuple(dict.fromkeys(reference(row.bars[index]) for index in unknown))
            lines.append(OverviewLine(first.number_text, first, tuple(unknown), refs))
        rows.append(OverviewRow(row, tuple(lines)))
    references = tuple(SourceReference(number, text) for text, number in numbers.items())
    return RiskOverview(chart, tuple(rows), references)


__all__ = ["OverviewLine", "OverviewRow", "RiskOverview", "SourceReference", "build_overview"]
