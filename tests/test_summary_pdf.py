"""The signed summary PDF, checked with the tools a clinic's IT would use: poppler (pdftotext, pdfinfo,
pdffonts, pdfimages) and qpdf. Every example record in docs/examples is rendered, and so are hostile
ones: every script, very long notes, hundreds of questions, nothing ticked, nobody signed.

Labels are looked up through the catalogue here too, so these tests hold in either language.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from consultaid.charts.risk_chart import build_chart
from consultaid.charts.timeline import build_timeline
from consultaid.consultation.session import SIGNATURE_MEANINGS, Consultation, QuestionAnswer
from consultaid.consultation.setup import ConsultationSetup, Interpreter, Patient, Surgeon
from consultaid.consultation.shown_content import shown_content
from consultaid.content.library import load_library
from consultaid.i18n import translate
from consultaid.report import RecordError, render_summary, write_summary
from tests.conftest import CONTENT, REPO

EXAMPLES = sorted((REPO / "docs" / "examples").glob("*.json"))
POPPLER = ("pdftotext", "pdfinfo", "pdffonts", "pdfimages")
needs_tools = pytest.mark.skipif(any(shutil.which(tool) is None for tool in (*POPPLER, "qpdf")),
                                 reason="poppler-utils and qpdf are needed (packaging/dev.sh installs them)")
PAGE_SIZES = {"a4": (595.276, 841.89), "letter": (612.0, 792.0)}


# ---- helpers ----------------------------------------------------------------------------------------------

def run(*command) -> str:
    result = subprocess.run([str(part) for part in command], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def words(text: str) -> str:
    """Whitespace folded to single spaces: a sentence wrapped over lines still reads as one."""
    return " ".join(text.split())


def full_text(pdf: Path) -> str:
    return words(run("pdftotext", "-enc", "UTF-8", pdf, "-"))


def body_text(pdf: Path, paper: str = "a4") -> str:
    """The text of the page bodies only, without running headers and footers, so a paragraph that goes
    on over a page break reads as one (pdftotext's crop box is in points from the top-left corner)."""
    width, height = PAGE_SIZES[paper]
    top, bottom = 50, 66   # the header sits 11 mm from the top edge, the footer below 15 mm from the bottom
    return words(run("pdftotext", "-enc", "UTF-8", "-x", 0, "-y", top, "-W", round(width), "-H",
                     round(height - top - bottom), pdf, "-"))


def logical(text: str) -> str:
    """Extracted text with Arabic presentation forms folded back to letters and bidi marks dropped."""
    text = re.sub("[\u200e\u200f\u202a-\u202e]", "", text)
    return unicodedata.normalize("NFKC", text)


def info(pdf: Path) -> dict[str, str]:
    fields = {}
    for line in run("pdfinfo", "-isodates", "-enc", "UTF-8", pdf).splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


def fonts(pdf: Path) -> list[list[str]]:
    lines = run("pdffonts", pdf).splitlines()[2:]
    return [line.split() for line in lines if line.strip()]


def label(text: str, record: dict, **values) -> str:
    words_ = translate(text, record["content"]["language"])
    return words_.format(**values) if values else words_


def render_to(tmp_path: Path, record: dict, name: str = "summary.pdf", paper: str = "a4") -> Path:
    path = tmp_path / name
    path.write_bytes(render_summary(record, paper))
    return path


@pytest.fixture(scope="module")
def library():
    return load_library(CONTENT)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, tuple[dict, Path]]:
    folder = tmp_path_factory.mktemp("summaries")
    result = {}
    for path in EXAMPLES:
        record = json.loads(path.read_text(encoding="utf-8"))
        result[path.stem] = (record, render_to(folder, record, f"{path.stem}.pdf"))
    return result


# ---- the examples -----------------------------------------------------------------------------------------

def test_there_is_one_example_per_shipped_procedure(library):
    packs = {json.loads(path.read_text(encoding="utf-8"))["setup"]["procedure_id"] for path in EXAMPLES}
    assert packs == {pack.id for pack in library.packs}
    languages = {path.stem: json.loads(path.read_text(encoding="utf-8"))["content"]["language"] for path in EXAMPLES}
    assert languages["vertebroplasty-fr"] == "fr"


@needs_tools
@pytest.mark.parametrize("name", [path.stem for path in EXAMPLES])
def test_the_summary_says_who_what_and_when(rendered, name):
    record, pdf = rendered[name]
    text = full_text(pdf)
    setup, content = record["setup"], record["content"]
    for value in (setup["patient"]["name"], setup["patient"]["identifier"], setup["surgeon"]["name"],
                  setup["surgeon"]["registration_number"], setup["surgeon"]["clinic"], content["title"],
                  setup["side_level"], setup["indication"]):
        assert words(value) in text, value
    if setup["interpreter"]:
        assert setup["interpreter"]["name"] in text


@needs_tools
@pytest.mark.parametrize("name", [path.stem for path in EXAMPLES])
def test_every_discussed_risk_is_shown_with_its_number_as_the_chart_words_it(rendered, name):
    record, pdf = rendered[name]
    consultation = Consultation.from_record(record)
    text = body_text(pdf)
    specific = [risk.as_outcome("surgeon") for risk in consultation.patient_specific_risks]
    chart = build_chart([*consultation.content.benefits, *consultation.content.risks, *specific],
                        consultation.content.language)
    discussed = {key for key, item in {**consultation.benefits, **consultation.risks}.items() if item.discussed}
    discussed |= {risk.id for risk in consultation.patient_specific_risks if risk.discussed}
    assert discussed
    for row in chart.rows:
        if row.outcome_id in discussed:
            assert words(row.label) in text, row.label
            for bar in row.bars:
                assert bar.number_text in text, (row.label, bar.number_text)
    figures = [bar.number_text for row in chart.rows for bar in row.bars if not bar.not_known]
    assert any("1000" in figure for figure in figures)  # a real figure, drawn as "N in 1000"


@needs_tools
@pytest.mark.parametrize("name", [path.stem for path in EXAMPLES])
def test_the_milestones_are_listed_with_their_calendar_dates(rendered, name):
    record, pdf = rendered[name]
    consultation = Consultation.from_record(record)
    timeline = build_timeline(consultation.content.milestones, consultation.content.language,
                              consultation.setup.surgery_date)
    text = body_text(pdf)
    assert words(timeline.caption) in text
    for item in timeline.items:
        assert words(item.label) in text
        assert item.date_text and words(item.date_text) in text, item.date_text


@needs_tools
@pytest.mark.parametrize("name", [path.stem for path in EXAMPLES])
def test_each_signature_is_printed_with_name_role_time_and_meaning(rendered, name):
    record, pdf = rendered[name]
    text = body_text(pdf)
    assert record["signatures"]
    for signature in record["signatures"]:
        assert signature["name"] in text
        assert words(signature["meaning"]) in text
        assert signature["meaning"] == translate(SIGNATURE_MEANINGS[signature["role"]], record["content"]["language"])
        signed = datetime.fromisoformat(signature["signed_at"])
        assert signed.strftime("%H:%M") in text


@needs_tools
@pytest.mark.parametrize("name", [path.stem for path in EXAMPLES])
def test_every_page_has_the_footer(rendered, name):
    record, pdf = rendered[name]
    pages = int(info(pdf)["Pages"])
    content = record["content"]
    for page in range(1, pages + 1):
        text = words(run("pdftotext", "-enc", "UTF-8", "-f", page, "-l", page, pdf, "-"))
        assert label("Page {page} of {pages}", record, page=page, pages=pages) in text
        assert record["id"] in text
        assert content["pack_id"] in text and content["pack_version"] in text
        assert content["fingerprint"][:12] in text
        assert f"ConsultAid {record['app_version']}" in text


@needs_tools
@pytest.mark.parametrize("name", [path.stem for path in EXAMPLES])
def test_the_file_is_sound_with_embedded_fonts_and_metadata(rendered, name):
    record, pdf = rendered[name]
    run("qpdf", "--check", pdf)
    listed = fonts(pdf)
    assert listed and all(row[-5] == "yes" for row in listed), listed   # the "emb" column
    assert not any(row[0] in ("Helvetica", "Times-Roman", "Courier") for row in listed)
    fields = info(pdf)
    assert 3 <= int(fields["Pages"]) <= 15
    assert record["content"]["title"] in fields["Title"]
    assert fields["Author"] == record["setup"]["surgeon"]["name"]
    assert record["setup"]["patient"]["name"] in fields["Subject"]
    finalized = datetime.fromisoformat(record["finalized_at"])
    assert fields["CreationDate"].startswith(finalized.strftime("%Y-%m-%dT%H:%M:%S"))
    assert re.match(r"595\.\d+ x 841\.\d+ pts \(A4\)", fields["Page size"])


@needs_tools
def test_charts_signatures_and_illustrations_are_vectors_not_pictures(rendered):
    for _record, pdf in rendered.values():
        images = run("pdfimages", "-list", pdf).splitlines()[2:]
        assert images == []


@needs_tools
def test_letter_paper(tmp_path):
    record = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))
    pdf = render_to(tmp_path, record, paper="letter")
    assert info(pdf)["Page size"].startswith("612 x 792 pts")
    text = body_text(pdf, "letter")
    assert record["setup"]["patient"]["name"] in text


def test_the_same_record_always_gives_the_same_bytes():
    record = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))
    assert render_summary(record) == render_summary(record)


def test_an_unknown_paper_size_is_refused():
    record = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))
    with pytest.raises(ValueError):
        render_summary(record, "a5")


@pytest.mark.parametrize("data", [[], {"format": "something else"}, {"format": "consultaid.record",
                                                                     "format_version": 1}])
def test_a_document_that_is_not_a_record_is_refused(data):
    with pytest.raises(RecordError):
        render_summary(data)


def test_records_with_broken_fields_are_refused_as_records():
    record = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))
    for breakage in ({"content": {**record["content"], "language": "xx"}}, {"steps": None}, {"setup": {}}):
        with pytest.raises(RecordError):
            render_summary({**record, **breakage})


def test_a_draft_with_times_without_offset_still_renders():
    record = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))
    record.update(started_at="2026-11-25T10:40:00", ended_at=None, finalized_at=None, signatures=[])
    assert render_summary(record).startswith(b"%PDF-")


def test_importing_the_report_package_loads_no_reportlab():
    code = ("import sys, consultaid.report\n"
            "print(sorted(name for name in sys.modules if name.split('.')[0] in ('reportlab', 'svglib', 'PySide6')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr


# ---- hostile records -----------------------------------------------------------------------------------

NAMES = {
    "accents": "Zoë Ólafsdóttir-Łukasiewicz Ñúñez",
    "greek": "Ελένη Παπαδοπούλου",
    "cyrillic": "Анна Иванова",
    "arabic": "محمد الأحمد",
    "cjk": "王小明 山田太郎 김민준",
}
NOTE_LINES = [f"Line {number:03d} of the note: the patient asked about driving, stairs and work {number:03d}."
              for number in range(135)]


def hostile_record(library, **changes) -> dict:
    """A consultation nobody would hope for: every script, very long notes, 200 questions, no surgery
    date, nothing ticked, nobody signed, and only the reason the patient did not sign."""
    name = " ".join(NAMES.values())
    setup = ConsultationSetup(
        Surgeon("Dr Ἀριστοτέλης Çelik 李医生", "Хирург", "", "Clinique Saint-Éloi 東京"),
        Patient(name, date(1950, 1, 2), "ID-" + "7" * 400), "cement-spine-surgery", changes.get("language", "en"),
        indication="word " * 700, surgery_date=None, interpreter=Interpreter("Ахмед 阿赫迈德", "ar"))
    consultation = Consultation(setup, shown_content(library.get("cement-spine-surgery"), setup.patient_language),
                                now=lambda: datetime(2026, 11, 22, 9, 30, tzinfo=timezone(timedelta(hours=-3,
                                                                                                     minutes=-30))))
    consultation.notes = "\n".join(NOTE_LINES)
    assert len(consultation.notes) >= 10_000
    consultation.decision_note = "x" * 3000   # one word longer than any line
    consultation.questions = [QuestionAnswer(f"Question {n}: is it safe? Ελληνικά", f"Answer {n}.") for n in range(200)]
    consultation.set_note("risks", "cement_leakage", "long risk note " * 400)
    consultation.set_note("milestones", "discharge", "long milestone note " * 300)
    consultation.add_patient_specific_risk("Extra risk " + NAMES["cyrillic"], unit="per_1000", value=2.5)
    consultation.patient_signature_missing_reason = "Wants to read it at home first " + NAMES["greek"]
    consultation.end()
    return consultation.to_record()


@pytest.fixture(scope="module")
def hostile(library, tmp_path_factory):
    record = hostile_record(library)
    return record, render_to(tmp_path_factory.mktemp("hostile"), record)


@needs_tools
def test_a_hostile_record_builds_wraps_and_flows_onto_more_pages(hostile, rendered):
    record, pdf = hostile
    run("qpdf", "--check", pdf)
    assert all(row[-5] == "yes" for row in fonts(pdf))
    pages = int(info(pdf)["Pages"])
    assert pages > max(int(info(path)["Pages"]) for _r, path in rendered.values()) + 5
    text = body_text(pdf)
    for line in NOTE_LINES:   # never clipped: every line of the long note is there
        assert line in text, line
    for number in (0, 1, 99, 199):
        assert f"Question {number}: is it safe? Ελληνικά" in text and f"Answer {number}." in text
    assert "7" * 400 in text.replace(" ", "")
    assert ("long risk note " * 400).strip() in text
    assert ("long milestone note " * 300).strip() in text
    assert "x" * 3000 in text.replace(" ", "")


@needs_tools
def test_names_in_every_script_print(hostile):
    from consultaid.report.fonts import fallback_fonts

    record, pdf = hostile
    text = body_text(pdf)
    for script in ("accents", "greek", "cyrillic"):
        assert NAMES[script] in text, script
    # Arabic prints joined (presentation forms) in visual order; a reader gets the letters back.
    assert NAMES["arabic"] in logical(text)
    if fallback_fonts():   # a CJK font is installed: the characters DejaVu lacks print from it
        assert NAMES["cjk"] in text
        assert any("+" in row[0] and "DejaVu" not in row[0] for row in fonts(pdf))


@needs_tools
def test_nothing_ticked_nothing_signed_and_no_date_are_all_said(hostile):
    record, pdf = hostile
    text = body_text(pdf)
    assert label("No surgery date yet: times are counted from the day of surgery.", record) in text
    assert label("Not discussed during the consultation", record) in text
    for section in record["content"]["sections"]:
        assert words(section["title"]) in text
    assert label("The patient did not sign this summary.", record) in text
    assert record["patient_signature_missing_reason"] in text
    assert label("Not signed.", record) in text
    assert label("Draft: this summary has not been finalized. It is not a signed record.", record) in text
    assert label("DRAFT", record) in full_text(pdf)


def test_a_hostile_record_in_french_builds_too(library):
    assert render_summary(hostile_record(library, language="fr")).startswith(b"%PDF-")


def test_without_any_fallback_font_missing_characters_do_not_stop_the_summary(library, tmp_path):
    record_path = tmp_path / "hostile.json"
    record_path.write_text(json.dumps(hostile_record(library), ensure_ascii=False), encoding="utf-8")
    code = ("import json, sys\n"
            "from consultaid.report import render_summary\n"
            "from consultaid.report.fonts import fallback_fonts\n"
            f"data = render_summary(json.load(open({str(record_path)!r}, encoding='utf-8')))\n"
            "print(len(fallback_fonts()), data[:5])\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "CONSULTAID_FALLBACK_FONTS": ""})
    assert result.stdout.split() == ["0", "b'%PDF-'"], result.stderr


def test_right_to_left_text_is_joined_and_in_visual_order():
    from consultaid.report.rtl import shape_arabic, visual

    assert visual("Plain text, no change") == "Plain text, no change"
    assert visual("לא") == "אל"                                   # Hebrew: reversed, nothing to join
    assert shape_arabic("لا") == "\ufefb"                         # lam-alef ligature
    assert shape_arabic("بب") == "\ufe91\ufe90"                    # initial, final
    assert shape_arabic("ببب") == "\ufe91\ufe92\ufe90"              # initial, medial, final
    assert shape_arabic("باب") == "\ufe91\ufe8e\ufe8f"              # alef joins only to the letter before
    assert shape_arabic("داد") == "\ufea9\ufe8d\ufea9"              # dal and alef: no join between them
    assert visual("Room 12 غرفة 3") == "Room 12 " + "3 " + shape_arabic("غرفة")[::-1]
    assert unicodedata.normalize("NFKC", visual("محمد")[::-1]) == "محمد"


# ---- writing the file -----------------------------------------------------------------------------------

def test_write_summary_replaces_the_file_whole(tmp_path):
    record = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))
    target = tmp_path / "summary.pdf"
    target.write_bytes(b"the previous summary")
    write_summary(record, target)
    assert target.read_bytes() == render_summary(record)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["summary.pdf"]


def test_a_failed_write_leaves_the_old_file_and_no_partial_one(tmp_path, monkeypatch):
    record = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))
    target = tmp_path / "summary.pdf"
    target.write_bytes(b"the previous summary")

    def disk_full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError):
        write_summary(record, target)
    assert target.read_bytes() == b"the previous summary"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["summary.pdf"]


def test_a_bad_record_writes_nothing(tmp_path):
    with pytest.raises(RecordError):
        write_summary({"format": "nope"}, tmp_path / "summary.pdf")
    assert list(tmp_path.iterdir()) == []


# ---- the command line -------------------------------------------------------------------------------------

@needs_tools
def test_render_command_writes_the_pdf(run_cli, tmp_path):
    output = tmp_path / "out" / "summary.pdf"
    output.parent.mkdir()
    result = run_cli("render", EXAMPLES[0], "-o", output, "--paper", "letter")
    assert result.returncode == 0, result.stderr
    assert output.read_bytes().startswith(b"%PDF-")
    assert info(output)["Page size"].startswith("612 x 792")
    assert sorted(path.name for path in output.parent.iterdir()) == ["summary.pdf"]
    default = run_cli("render", EXAMPLES[0], "-o", tmp_path / "a4.pdf")
    assert default.returncode == 0 and info(tmp_path / "a4.pdf")["Page size"].endswith("(A4)")


def test_render_command_without_a_display_loads_no_qt(tmp_path):
    code = ("import sys\n"
            "from consultaid.cli import main\n"
            f"status = main(['render', {str(EXAMPLES[0])!r}, '-o', {str(tmp_path / 's.pdf')!r}])\n"
            "print(status, [name for name in sys.modules if name.startswith(('PySide6', 'shiboken6'))])\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert result.stdout.strip() == "0 []", result.stderr


def _one_line_error(result, code: int, *fragments: str) -> None:
    assert result.returncode == code, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_render_command_errors(run_cli, tmp_path):
    output = tmp_path / "summary.pdf"
    _one_line_error(run_cli("render", tmp_path / "missing.json", "-o", output), 2, "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "consultaid.record",', encoding="utf-8")
    _one_line_error(run_cli("render", bad, "-o", output), 1, "bad.json", "JSON")
    other = tmp_path / "other.json"
    other.write_text('{"name": "a shopping list"}', encoding="utf-8")
    _one_line_error(run_cli("render", other, "-o", output), 1, "other.json", "ConsultAid")
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    _one_line_error(run_cli("render", binary, "-o", output), 1, "binary.json")
    _one_line_error(run_cli("render", EXAMPLES[0], "-o", tmp_path / "no" / "such" / "folder" / "s.pdf"), 1,
                    "s.pdf")
    assert not output.exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bad.json", "binary.json", "other.json"]


def test_render_command_usage_errors(run_cli, tmp_path):
    assert run_cli("render", EXAMPLES[0]).returncode == 2                       # no -o
    assert run_cli("render", EXAMPLES[0], "-o", tmp_path / "s.pdf", "--paper", "a5").returncode == 2
    record = tmp_path / "record.json"
    record.write_bytes(EXAMPLES[0].read_bytes())
    _one_line_error(run_cli("render", record, "-o", record), 2, "record.json")   # never over the record
    assert record.read_bytes() == EXAMPLES[0].read_bytes()


def test_a_very_long_note_on_a_patient_specific_risk_is_printed_whole(tmp_path):
    import json
    import subprocess

    from consultaid.report import render_summary
    from tests.conftest import REPO

    record = json.loads((REPO / "docs" / "examples" / "cement-spine-surgery-en.json").read_text(encoding="utf-8"))
    words = " ".join(f"word{i}" for i in range(1400))   # about 11,000 characters
    record["patient_specific_risks"] = [{"id": "patient-1", "label": "Slow healing", "unit": "percent", "value": None,
                                         "low": 2, "high": 4, "upper": None, "note": words, "discussed": True}]
    pdf = render_summary(record)
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    flat = " ".join(text.split())
    assert "word0" in flat and "word1399" in flat and "word700" in flat
