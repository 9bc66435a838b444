"""What a screen reader hears, through the real Linux accessibility bus (issue 17, design.md §3 and §11).

The app runs in its own process on a virtual X display with Qt's AT-SPI bridge on; the tree is walked from
another process (the system Python's AT-SPI bindings, as Orca does), on the library and on every step of a
consultation, in English and in French. Checked there, not in Qt's own objects:
- every control the keyboard reaches is on the bus with a name that contains its visible label (WCAG 2.5.3;
  combo boxes, whose name is their value on Linux, through the label they are "labelled by");
- no status symbol is read out (○ ◐ ✓); the steps are announced as buttons, not check boxes;
- each risk row says every figure it shows (label, number, group, time window, source);
- the icon array and the recovery timeline take the focus and say the words painted in them, the
  "a guide, not a promise" caption included."""

from __future__ import annotations

import re

import pytest

from tests import screen_reader_session as session_module
from tests.conftest import CONTENT

STEPS = ("procedure", "benefits_risks", "recovery", "alternatives_questions", "review")
GLYPHS = "\u25cb\u25d0\u2713"


def words(text: str) -> str:
    """What is spoken, for comparing names with labels: words only, without the mnemonic & or punctuation."""
    text = re.sub(r"&(?!&)", "", text).replace("&&", "&")
    return " ".join(re.findall(r"\w+", text.casefold()))


@pytest.fixture(scope="module", params=["en", "fr"])
def reader(request):
    why = session_module.unavailable()
    if why:
        pytest.skip(f"No accessibility bus to listen to: {why}")
    session = session_module.ScreenReaderSession()
    try:
        session.start(request.param)
        session.language = request.param
        yield session
    finally:
        session.stop()


def node_at(nodes: list[dict], control: dict) -> dict | None:
    """The bus's node for a control: the largest focusable node inside its place on the screen (Qt gives a
    check box the extents of its box and text only, not of its whole widget)."""
    inside = [node for node in nodes if node["focusable"] and node["w"] > 0
              and control["x"] - 1 <= node["x"] and node["x"] + node["w"] <= control["x"] + control["w"] + 1
              and control["y"] - 1 <= node["y"] and node["y"] + node["h"] <= control["y"] + control["h"] + 1]
    return max(inside, key=lambda node: node["w"] * node["h"], default=None)


def problems_with_names(seen: list[dict], nodes: list[dict]) -> list[str]:
    problems = []
    for control in seen:
        node = node_at(nodes, control)
        where = f"{control['class']} {control['label']!r}"
        if node is None:
            problems.append(f"{where}: not on the accessibility bus")
            continue
        spoken = node["name"] if control["kind"] != "combo" else " ".join(node["labelled_by"])
        if not words(spoken) and not words(node["name"]):
            problems.append(f"{where}: no name ({node['role']})")
        if control["label"] and words(control["label"]) not in words(spoken):
            problems.append(f"{where}: announced as {spoken!r} ({node['role']}), not by its visible label")
        if control["kind"] == "combo" and not control["label"]:
            problems.append(f"{where}: a list with no visible label (announced as its value {node['name']!r})")
        if control["object"] == "StepButton" and node["role"] != "push button":
            problems.append(f"{where}: a step announced as a {node['role']}")
    for node in nodes:
        if any(glyph in node["name"] for glyph in GLYPHS):
            problems.append(f"{node['role']} {node['name']!r}: a status symbol in its name")
    return problems


def test_every_control_on_every_step_is_named_by_its_visible_label(reader):
    problems = []
    for command in ("library", "consultation", *(f"step {step}" for step in STEPS)):
        seen = reader.command(command)
        problems += [f"[{command}] {problem}" for problem in problems_with_names(seen, reader.walk())]
    assert problems == [], "\n".join(problems)


def test_each_risk_row_and_the_icon_array_say_their_figures(reader):
    from consultaid.charts.risk_chart import build_chart
    from consultaid.consultation.shown_content import shown_content
    from consultaid.content.library import load_library

    content = shown_content(load_library(CONTENT).get("vertebroplasty"), reader.language)
    chart = build_chart(content.benefits + content.risks, reader.language)
    reader.command("consultation")
    reader.command("step benefits_risks")
    nodes = reader.walk()
    missing = []
    for row in chart.rows:
        node = next((node for node in nodes if node["focusable"] and node["name"].startswith(row.label)), None)
        if node is None:
            missing.append(f"{row.label}: no focusable row")
            continue
        spoken = words(node["name"] + " " + node["description"])
        for bar in row.bars:
            for figure in (bar.number_label, bar.group_text, bar.window_text, bar.source_text):
                if figure and words(figure) not in spoken:
                    missing.append(f"{row.label}: {figure!r} is not spoken")
    assert missing == []

    reader.command("people")
    nodes = reader.walk()
    first = next(row for row in chart.rows if any(not bar.not_known for bar in row.bars))
    bar = next(bar for bar in first.bars if not bar.not_known)
    people = [node for node in nodes if node["focusable"] and node["showing"]
              and words(bar.source_text) in words(node["description"])
              and node["role"] not in ("panel",)]
    assert people, "the icon array takes no focus, or does not say its source"
    assert any(words(bar.number_label) in words(node["name"] + " " + node["description"]) for node in people)
    # The people say in words what each marking counts ("980 in 1000 have less pain…; 20 in 1000 do not"),
    # and which outcome they are: the figure a sighted user reads off the picture.
    from consultaid.charts.icon_array import icon_array_for

    outcome = next(o for o in content.benefits + content.risks if o.id == first.outcome_id)
    icons = icon_array_for(outcome, reader.language, first.bars.index(bar))
    heard = [words(node["name"] + " " + node["description"]) for node in people]
    for entry in icons.legend:
        assert any(words(entry.text) in text for text in heard), f"{entry.text!r} is not spoken"
    assert any(words(first.label) in text for text in heard)
    # Each overview row's tick says which outcome it is for (its column title "Discussed" is its label).
    ticks = [node["name"] for node in nodes if node["role"] == "check box" and node["showing"]]
    for row in chart.rows:
        assert any(words(row.label) in words(name) for name in ticks), row.label


def test_the_recovery_timeline_says_its_caption_and_every_milestone(reader):
    from consultaid.charts.timeline import build_timeline
    from consultaid.consultation.shown_content import shown_content
    from consultaid.content.library import load_library

    content = shown_content(load_library(CONTENT).get("vertebroplasty"), reader.language)
    timeline = build_timeline(content.milestones, reader.language)
    reader.command("consultation")
    reader.command("step recovery")
    spoken = [words(node["description"]) for node in reader.walk() if node["focusable"]]
    said = next((text for text in spoken if words(timeline.caption) in text), None)
    assert said is not None, "the caption 'a guide, not a promise' is painted only"
    for item in timeline.items:
        assert words(item.label) in said and words(item.timing_text) in said
