"""Large print (issue 18 item 2): a large-print summary chosen per consultation (when finalizing) with a
default in Settings, and by `consultaid render --large-print`; the record says which was printed, and so
does the page.

Sizes are read from the PDF itself with PDFium (tests/test_summary_readable.py's `printed_sizes`): the body
of a large-print summary is 16 pt or more, its table, chart and legend text 14 pt, and nothing is smaller
than the 12 pt of the footer's reference lines. Every character lies inside the paper, on A4 and Letter,
so nothing is clipped. The stored and printed bytes are the sealed PDF whose attached record says
`"large_print": true`.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from PySide6.QtCore import Qt

from consultaid.report import render_summary, sealed_summary
from consultaid.report.archival import attached_record
from consultaid.report.seal import installation_seal
from tests.conftest import click_box, type_text
from tests.test_summary_readable import printed_sizes

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "docs" / "examples").glob("*.json"))
LARGE_BODY = 16.0
LARGE_TEXT = 14.0      # tables, charts, legends
LARGE_SMALLEST = 12.0  # the footer's document id, page number and content pack


def example(path: Path, large: bool | None) -> dict:
    record = json.loads(path.read_text(encoding="utf-8"))
    if large is not None:
        record["large_print"] = large
    return record


def words(data: bytes, first_page_only: bool = False) -> str:
    import subprocess

    pages = ["-f", "1", "-l", "1"] if first_page_only else []
    text = subprocess.run(["pdftotext", *pages, "-", "-"], input=data, capture_output=True, check=True).stdout
    return " ".join(text.decode().split())


def body_words(data: bytes, margin_top: float, margin_bottom: float) -> str:
    """The text between running header and footer, page after page: a paragraph that continues on the
    next page reads on without the footer and header between its halves."""
    document = pypdfium2.PdfDocument(data)
    texts = []
    for page in document:
        texts.append(page.get_textpage().get_text_bounded(bottom=margin_bottom, top=page.get_height() - margin_top))
    return " ".join(" ".join(texts).split())


def sizes_outside_furniture(data: bytes, margin_top: float, margin_bottom: float) -> Counter:
    """Sizes of the characters between the running header and the footer: the summary's own text."""
    sizes: Counter = Counter()
    document = pypdfium2.PdfDocument(data)
    matrix = pdfium_c.FS_MATRIX()
    for page in document:
        height = page.get_height()
        text = page.get_textpage()
        for index in range(pdfium_c.FPDFText_CountChars(text)):
            if chr(pdfium_c.FPDFText_GetUnicode(text, index)).isspace():
                continue
            left, right, bottom, top = (pdfium_c.c_double(), pdfium_c.c_double(), pdfium_c.c_double(),
                                        pdfium_c.c_double())
            pdfium_c.FPDFText_GetCharBox(text, index, left, right, bottom, top)
            if bottom.value < margin_bottom or top.value > height - margin_top:
                continue
            pdfium_c.FPDFText_GetMatrix(text, index, matrix)
            scale = math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
            sizes[round(pdfium_c.FPDFText_GetFontSize(text, index) * scale, 2)] += 1
    return sizes


def characters_off_the_paper(data: bytes) -> list[str]:
    """Every visible character whose box leaves the page (a clipped label, a line run off the edge)."""
    off = []
    document = pypdfium2.PdfDocument(data)
    for number, page in enumerate(document, start=1):
        width, height = page.get_width(), page.get_height()
        text = page.get_textpage()
        for index in range(pdfium_c.FPDFText_CountChars(text)):
            character = chr(pdfium_c.FPDFText_GetUnicode(text, index))
            if character.isspace():
                continue
            left, right, bottom, top = (pdfium_c.c_double(), pdfium_c.c_double(), pdfium_c.c_double(),
                                        pdfium_c.c_double())
            pdfium_c.FPDFText_GetCharBox(text, index, left, right, bottom, top)
            if left.value < 0 or bottom.value < 0 or right.value > width or top.value > height:
                off.append(f"page {number}: {character!r} at {left.value:.0f},{bottom.value:.0f}")
    return off


@pytest.fixture(scope="module")
def seal(tmp_path_factory):
    return installation_seal(tmp_path_factory.mktemp("seal"))


@pytest.fixture(scope="module")
def large_summaries(seal) -> dict[str, bytes]:
    """Every example, sealed as finalize stores it, with large print chosen in its record."""
    return {path.stem: sealed_summary(example(path, True), seal=seal) for path in EXAMPLES}


@pytest.mark.parametrize("name", [path.stem for path in EXAMPLES])
def test_a_large_print_summary_has_16_pt_body_text_and_nothing_under_12_pt(large_summaries, name):
    sizes = printed_sizes(large_summaries[name])
    body, _count = sizes.most_common(1)[0]
    print(f"{name} (large print): body {body} pt, smallest {min(sizes)} pt")
    assert body >= LARGE_BODY, sizes.most_common(4)
    assert min(sizes) >= LARGE_SMALLEST, {size: count for size, count in sizes.items() if size < LARGE_SMALLEST}


@pytest.mark.parametrize("name", [path.stem for path in EXAMPLES])
def test_tables_charts_and_legends_in_large_print_are_14_pt_or_more(large_summaries, name):
    """Between header and footer, i.e. everything but the reference lines: nothing under 14 pt."""
    sizes = sizes_outside_furniture(large_summaries[name], margin_top=28 * 72 / 25.4, margin_bottom=36 * 72 / 25.4)
    assert min(sizes) >= LARGE_TEXT, {size: count for size, count in sizes.items() if size < LARGE_TEXT}


@pytest.mark.parametrize("name", [path.stem for path in EXAMPLES])
def test_the_standard_summary_stays_as_it_was(name):
    """A record that does not ask for large print prints as before: a 10 pt body, nothing under 8 pt."""
    sizes = printed_sizes(render_summary(example(REPO / "docs" / "examples" / f"{name}.json", None)))
    assert sizes.most_common(1)[0][0] == 10.0 and min(sizes) >= 8.0


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("path", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_nothing_in_a_large_print_summary_runs_off_the_paper(path, paper):
    data = render_summary(example(path, True), paper)
    assert characters_off_the_paper(data) == []


def shown_texts(record: dict) -> list[str]:
    """The texts of the content the summary prints: each discussed section whole, the titles of the others,
    every benefit, risk, milestone and alternative with its detail."""
    content = record["content"]
    texts = []
    for section in content["sections"]:
        texts.append(section["title"])
        if record["sections"][section["id"]]["discussed"]:
            texts += section["key_points"] + [line for line in section["body"].split("\n") if line.strip()]
    for item in content["benefits"] + content["risks"] + content["milestones"] + content["alternatives"]:
        texts += [text for text in (item.get("label"), item.get("detail")) if text]
    return texts


@pytest.mark.parametrize("path", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_the_same_content_is_in_both_prints_and_the_page_says_which(large_summaries, path):
    """Same content, reflowed: every text of the content the standard summary prints is in the large-print
    one too, whole; the first page says which print it is."""
    record = example(path, None)
    label, standard_label = {"en": ("Large print", "Standard print"),
                             "fr": ("Gros caractères", "Impression standard")}[record["content"]["language"]]
    standard = words(render_summary(example(path, False)))
    large = body_words(large_summaries[path.stem], margin_top=28 * 72 / 25.4, margin_bottom=36 * 72 / 25.4)
    assert standard_label in standard and label not in standard
    assert label in words(large_summaries[path.stem], first_page_only=True)
    texts = [" ".join(text.split()) for text in shown_texts(record)]
    assert sum(text in standard for text in texts) > len(texts) / 2   # the check finds what it looks for
    assert [text for text in texts if text not in large] == []


def test_a_finalized_record_always_says_which_print():
    """Finalized without a choice (a record made outside the review step), the record says standard print."""
    from consultaid.consultation.session import Consultation

    record = example(EXAMPLES[0], None)
    draft = Consultation.from_record(dict(record, finalized_at=None, large_print=None))
    assert draft.to_record()["large_print"] is None
    draft.finalize()
    assert draft.to_record()["large_print"] is False


def test_the_sealed_large_print_summary_carries_a_record_that_says_large_print(large_summaries):
    for data in large_summaries.values():
        record, _raw = attached_record(data)
        assert record["large_print"] is True


def test_a_record_with_a_wrong_large_print_value_is_refused(run_cli, tmp_path):
    record = example(EXAMPLES[0], None)
    record["large_print"] = "yes"
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    result = run_cli("render", path, "-o", tmp_path / "out.pdf")
    assert result.returncode == 1 and not (tmp_path / "out.pdf").exists()
    assert "large_print: true or false was expected" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


# ---- the command line ------------------------------------------------------------------------------------

def test_render_large_print_from_the_command_line(run_cli, tmp_path):
    record = EXAMPLES[0]
    result = run_cli("render", record, "-o", tmp_path / "large.pdf", "--large-print")
    assert result.returncode == 0, result.stderr
    data = (tmp_path / "large.pdf").read_bytes()
    assert printed_sizes(data).most_common(1)[0][0] >= LARGE_BODY
    assert "Large print" in words(data)
    # The same record without the option: standard print, as the record says nothing.
    result = run_cli("render", record, "-o", tmp_path / "standard.pdf")
    assert result.returncode == 0, result.stderr
    assert printed_sizes((tmp_path / "standard.pdf").read_bytes()).most_common(1)[0][0] == 10.0


def test_render_follows_the_record_and_standard_print_overrides_it(run_cli, tmp_path):
    path = tmp_path / "large-record.json"
    path.write_text(json.dumps(example(EXAMPLES[0], True)), encoding="utf-8")
    assert run_cli("render", path, "-o", tmp_path / "a.pdf").returncode == 0
    assert printed_sizes((tmp_path / "a.pdf").read_bytes()).most_common(1)[0][0] >= LARGE_BODY
    assert run_cli("render", path, "-o", tmp_path / "b.pdf", "--standard-print").returncode == 0
    assert printed_sizes((tmp_path / "b.pdf").read_bytes()).most_common(1)[0][0] == 10.0
    both = run_cli("render", path, "-o", tmp_path / "c.pdf", "--standard-print", "--large-print")
    assert both.returncode == 2 and not (tmp_path / "c.pdf").exists()


def test_render_seal_large_print_attaches_a_record_that_says_so(run_cli, tmp_path):
    result = run_cli("--data-dir", tmp_path / "data", "render", EXAMPLES[0], "-o", tmp_path / "sealed.pdf",
                     "--seal", "--large-print")
    assert result.returncode == 0, result.stderr
    record, _raw = attached_record((tmp_path / "sealed.pdf").read_bytes())
    assert record["large_print"] is True


# ---- in the app ------------------------------------------------------------------------------------------

def start_consultation(main, qtbot):
    qtbot.mouseClick(main.start_button, Qt.MouseButton.LeftButton)
    dialog = main.start_dialog
    dialog.surgeon_name.clear()
    type_text(dialog.surgeon_name, "Dr Émile Roux")
    type_text(dialog.patient_name, "Zoé Martin")
    qtbot.keyClicks(dialog.date_of_birth.edit, "01/02/1946")
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert main.consultation_view is not None
    return main.consultation_view


def sign_and_finalize(view, qtbot):
    from tests.conftest import drag
    from tests.test_consultation_flow import finalize_anyway_if_asked, press_shortcut

    press_shortcut(view, Qt.Key.Key_5)
    panel = view.page_for["review"].signing
    finalize_anyway_if_asked(view)
    for role in ("patient", "surgeon"):
        canvas = panel.pads[role].canvas
        w, h = canvas.width(), canvas.height()
        drag(canvas, (w * 0.2, h * 0.6), (w * 0.4, h * 0.4), (w * 0.6, h * 0.65), (w * 0.8, h * 0.45))
    qtbot.mouseClick(panel.finalize_button, Qt.MouseButton.LeftButton)
    assert view.consultation.finalized_at is not None, panel.problems.text()
    qtbot.waitUntil(lambda: panel.preview is not None and panel.preview.isVisible(), timeout=60000)
    panel.preview.close()
    return panel


def test_large_print_chosen_when_finalizing_is_what_is_stored_and_printed(main, qtbot):
    view = start_consultation(main, qtbot)
    panel = view.page_for["review"].signing
    assert not panel.large_print.isChecked()   # the default: no Settings say otherwise
    assert "Large print" in panel.large_print.accessibleName()
    click_box(qtbot, panel.large_print)
    assert view.consultation.large_print is True
    panel = sign_and_finalize(view, qtbot)
    assert not panel.large_print.isEnabled()   # the printed size is part of what was finalized

    [stored] = main.store.search()
    record, pdf = main.store.record(stored.id)
    assert record["large_print"] is True and pdf == panel.pdf
    assert attached_record(pdf)[0] == record
    sizes = printed_sizes(pdf)
    assert sizes.most_common(1)[0][0] >= LARGE_BODY and min(sizes) >= LARGE_SMALLEST
    assert "Large print" in words(pdf)


def test_a_standard_summary_says_so_in_the_stored_record(main, qtbot):
    view = start_consultation(main, qtbot)
    panel = sign_and_finalize(view, qtbot)
    [stored] = main.store.search()
    record, pdf = main.store.record(stored.id)
    assert record["large_print"] is False and pdf == panel.pdf
    sizes = printed_sizes(pdf)
    assert max(sizes) < 20 and min(sizes) >= 8.0   # the standard sizes: a 19 pt title, nothing under 8 pt
    assert "Standard print" in words(pdf)


def test_large_print_as_the_default_in_settings_and_untickable_per_consultation(main, qtbot):
    from consultaid.settings import load_settings

    settings_action = next(action for menu in main.menuBar().actions() for action in menu.menu().actions()
                           if action.text() == "S&ettings…")
    settings_action.trigger()
    dialog = main.settings_dialog
    box = dialog.printing.large_print_check
    assert "Large print" in box.accessibleName() and not box.isChecked()
    dialog.tabs.setCurrentWidget(dialog.printing)
    click_box(qtbot, box)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert load_settings().large_print is True

    view = start_consultation(main, qtbot)
    panel = view.page_for["review"].signing
    assert panel.large_print.isChecked()
    assert view.consultation.large_print is None   # a default offered, not yet a choice for this patient
    click_box(qtbot, panel.large_print)             # this patient prefers standard print
    assert view.consultation.large_print is False
    sign_and_finalize(view, qtbot)
    [stored] = main.store.search()
    assert main.store.record(stored.id)[0]["large_print"] is False


# ---- veraPDF ---------------------------------------------------------------------------------------------

def test_every_sealed_large_print_example_is_pdfa_3b_with_no_failed_rule(large_summaries, tmp_path):
    """As tests/test_verapdf.py for the standard print: veraPDF's PDF/A-3B profile, zero failed rules."""
    from tests.peers import verapdf

    why = verapdf.ensure_installed()
    if why:
        pytest.fail(f"veraPDF unavailable: {why}")
    paths = []
    for name, data in large_summaries.items():
        path = tmp_path / f"{name}-large-print.pdf"
        path.write_bytes(data)
        paths.append(path)
    reports = verapdf.validate(paths, verapdf.PDFA_3B)
    assert set(reports) == set(paths)
    for path, report in reports.items():
        print(report.summary_line(path.name))
        assert report.profile == "PDF/A-3B validation profile"
        assert report.compliant and report.failed_rules == 0, (path.name, report.failures)
        assert report.passed_rules > 100
