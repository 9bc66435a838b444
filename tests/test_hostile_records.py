"""Hostile records through the real `consultaid render` command (issue 13, items 5, 7, 9 and 10).

A record is a JSON file anyone can edit. Whatever it holds, `render` either writes a correct PDF
(exit 0) or says in one line why it cannot (exit 1, or 2 for usage), never a traceback, and soon.
The last test is a property test: hypothesis mutates the example records at random.
"""

from __future__ import annotations

import copy
import json
import math
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO

EXAMPLES = sorted((REPO / "docs" / "examples").glob("*.json"))
EXAMPLE = REPO / "docs" / "examples" / "cement-spine-surgery-en.json"


def base_record() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def write(tmp_path: Path, record, name: str = "record.json") -> Path:
    path = tmp_path / name
    path.write_text(record if isinstance(record, str) else json.dumps(record), encoding="utf-8")
    return path


def render(tmp_path: Path, record, *extra, timeout: float = 120, before=()):
    """(result, seconds, output path) of the real command in a subprocess; `before`: global options."""
    source = write(tmp_path, record)
    output = tmp_path / "summary.pdf"
    output.unlink(missing_ok=True)
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "consultaid", *before, "render", str(source), "-o", str(output),
                             *extra],
                            capture_output=True, text=True, timeout=timeout, cwd=tmp_path, check=False)
    return result, time.monotonic() - started, output


def pdf_text(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    return " ".join(text.split())


def assert_one_line_error(result, output: Path, *fragments: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert not output.exists()


def risk_estimate(record: dict, **figures) -> dict:
    estimate = record["content"]["risks"][0]["estimates"][0]
    estimate.update({"value": None, "low": None, "high": None, "upper": None, "unit": "per_1000", **figures})
    return record


# ---- item 5: impossible figures are refused, not printed ("Nan in 1000", "-500 in 1000", "900–5 in 1000") ----
@pytest.mark.parametrize("figures, words", [
    ({"value": math.nan}, "not a finite number"),
    ({"value": math.inf}, "not a finite number"),
    ({"value": -500}, "-500 is negative"),
    ({"low": 900, "high": 5}, "900–5"),
    ({"value": 5000}, "5000 is more than 1000 in 1000"),
    ({"value": 250, "unit": "percent"}, "250 is not a percentage"),
    ({"low": 5}, "both its low and its high"),
    ({"value": "12"}, "a number was expected"),
])
def test_impossible_content_figures_are_refused_in_one_line(tmp_path, figures, words):
    result, _seconds, output = render(tmp_path, risk_estimate(base_record(), **figures))
    assert_one_line_error(result, output, "record.json", words)


def test_impossible_patient_specific_figures_are_refused_in_one_line(tmp_path):
    record = base_record()
    record["patient_specific_risks"] = [{"id": "patient-1", "label": "Slow healing", "unit": "per_1000",
                                         "value": -3, "low": None, "high": None, "upper": None, "note": "",
                                         "discussed": True}]
    result, _seconds, output = render(tmp_path, record)
    assert_one_line_error(result, output, "patient-specific risk 1", "-3 is negative")


def test_the_refusal_is_in_the_interface_language(tmp_path):
    result, _seconds, output = render(tmp_path, risk_estimate(base_record(), value=-500), before=("--lang", "fr"))
    assert_one_line_error(result, output, "la synthèse ne peut pas être faite", "-500 est négatif")


# ---- item 7: any text the record holds makes a valid PDF/A summary ------------------------------------------
def test_a_patient_name_with_a_noncharacter_still_makes_a_sealed_archival_summary(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    record = base_record()
    record["setup"]["patient"]["name"] = "Ann\uffffe Bee\x07"
    result, _seconds, output = render(tmp_path, record, "--seal")
    assert result.returncode == 0, result.stderr   # before: "Failed to parse XMP XML"
    verify = subprocess.run([sys.executable, "-m", "consultaid", "verify", str(output)], capture_output=True,
                            text=True, timeout=120, cwd=tmp_path, check=False)
    # The seal and the archival form hold; the one failure is that a `render --seal` file was never stored,
    # which `verify` rightly reports since issue 13 item 2 (it is not a summary kept in the record store).
    checks = [line for line in verify.stdout.splitlines() if line.lstrip().startswith(("✓", "✗"))]
    failed = [line for line in checks if line.lstrip().startswith("✗")]
    assert len(checks) >= 5 and [line.split(":")[0].strip() for line in failed] == ["✗ Stored record"], verify.stdout
    assert "not in its record store" in failed[0]


def test_the_xmp_metadata_parses_whatever_the_text(tmp_path):
    from xml.dom.minidom import parseString

    from consultaid.report.archival import _xmp, xml_text

    hostile = "a\x00b\x1fc\ufffe\uffffd\ud800e\U0001F600 <&>"
    assert xml_text(hostile) == "a\ufffdb\ufffdc\ufffd\ufffdd\ufffde\U0001F600 <&>"
    info = {"/Title": hostile, "/Author": hostile, "/Subject": hostile, "/Keywords": hostile, "/Creator": hostile}
    parseString(_xmp(info).decode("utf-8", "surrogatepass").replace("\ufeff", ""))


def test_an_8000_character_patient_specific_risk_label_flows_and_is_printed_whole(tmp_path):
    record = base_record()
    label = " ".join(f"label{i}" for i in range(1100))   # about 8,000 characters
    record["patient_specific_risks"] = [{"id": "patient-1", "label": label, "unit": "per_1000", "value": 3,
                                         "low": None, "high": None, "upper": None, "note": "", "discussed": True}]
    result, _seconds, output = render(tmp_path, record)
    assert result.returncode == 0, result.stderr[-2000:]   # before: LayoutError
    text = pdf_text(output)
    assert all(f"label{i} " in text + " " for i in (0, 550, 1099))


# ---- item 9: one line, or a correct PDF, instead of a traceback ------------------------------------------------
def test_json_nested_thousands_deep_is_one_line(tmp_path):
    result, _seconds, output = render(tmp_path, '{"a":' * 6000 + "1" + "}" * 6000)
    assert_one_line_error(result, output, "nested too deeply")   # before: RecursionError


def test_json_nested_deep_inside_a_record_is_one_line(tmp_path):
    record = base_record()
    nested: list = []
    for _level in range(200):
        nested = [nested]
    record["notes"] = nested
    result, _seconds, output = render(tmp_path, record)
    assert_one_line_error(result, output, "nested more than")


def test_a_surgery_date_of_31_december_9999_is_one_line(tmp_path):
    record = base_record()
    record["setup"]["surgery_date"] = "9999-12-31"
    result, _seconds, output = render(tmp_path, record)
    assert_one_line_error(result, output, "31 December 9999")   # before: OverflowError


def test_a_5000_character_content_risk_label_makes_a_pdf(tmp_path):
    record = base_record()
    record["content"]["risks"][0]["label"] = " ".join(f"risk{i}" for i in range(830))
    result, _seconds, output = render(tmp_path, record)
    assert result.returncode == 0, result.stderr[-2000:]   # before: LayoutError
    text = pdf_text(output)
    assert "risk0 " in text and "risk829" in text


def _long_milestone_label(record, text):
    record["content"]["milestones"][0]["label"] = text


def _long_source_word(record, text):
    record["content"]["risks"][1]["estimates"][0]["verbal"] = text


def _long_key_point(record, text):
    record["content"]["sections"][0]["key_points"] = [text]


@pytest.mark.parametrize("put, size", [(_long_milestone_label, 700), (_long_source_word, 700),
                                       (_long_key_point, 50000)])
def test_any_long_text_of_the_content_flows_and_is_printed_whole(tmp_path, put, size):
    """A milestone's label lives in a timeline lane and a source's word in a chart row, neither of which
    may split: before, 5,000 characters there gave a LayoutError; a 1 MB key point took minutes."""
    record = base_record()
    put(record, " ".join(f"w{i}" for i in range(size)))
    result, seconds, output = render(tmp_path, record)
    assert result.returncode == 0, result.stderr[-2000:]
    text = pdf_text(output)
    assert "w0 " in text and f"w{size - 1}" in text and seconds < 30


# ---- item 10: big records render in seconds ------------------------------------------------------------------
def test_a_5000_character_patient_name_renders_in_seconds(tmp_path):
    record = base_record()
    record["setup"]["patient"]["name"] = "Name " * 1000
    result, seconds, _pdf = render(tmp_path, record)
    assert result.returncode == 0, result.stderr[-2000:]
    assert seconds < 15, seconds   # before: 55 s (the running header was fitted one character at a time)


@pytest.mark.parametrize("where", ["notes", "answer"])
def test_a_1mb_note_or_answer_renders_in_seconds(tmp_path, where):
    record = base_record()
    text = "".join(f"Line{i} " + "A long sentence the surgeon typed for the record. " * 20 + "\n"
                   for i in range(1000))   # about 1 MB
    if where == "notes":
        record["notes"] = text
    else:
        record["questions"][0]["answer"] = text.replace("\n", " ")
    result, seconds, output = render(tmp_path, record)
    assert result.returncode == 0, result.stderr[-2000:]
    assert seconds < 30, seconds   # before: 200 s or more (one paragraph broken again on every page)
    printed = pdf_text(output)
    assert all(f"Line{i} A long sentence" in printed for i in (0, 1, 500, 998, 999))


def test_2000_milestones_render_in_seconds(tmp_path):
    record = base_record()
    first = record["content"]["milestones"][0]
    record["content"]["milestones"] = [dict(first, id=f"m{i}", label=f"Milestone {i}") for i in range(2000)]
    result, seconds, output = render(tmp_path, record)
    assert result.returncode == 0, result.stderr[-2000:]
    assert seconds < 40, seconds   # before: 105 s here (41 s in the issue): every page measured all the rest
    text = pdf_text(output)
    assert "Milestone 0 " in text and "Milestone 1999" in text


@pytest.mark.slow
def test_5000_patient_specific_risks_render_in_a_minute(tmp_path):
    record = base_record()
    record["patient_specific_risks"] = [
        {"id": f"patient-{i}", "label": f"Risk {i}", "unit": "per_1000", "value": 5, "low": None, "high": None,
         "upper": None, "note": "", "discussed": True} for i in range(5000)]
    result, seconds, _pdf = render(tmp_path, record, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert seconds < 60, seconds   # before: more than 200 s


# ---- the property test: random hostile records ----------------------------------------------------------------
HOSTILE_NUMBERS = [math.nan, math.inf, -math.inf, -500, -0.5, 1e308, 10 ** 30, 5000, 0, True, None]
HOSTILE_TEXTS = ["", "\ud800", "\udfff x", "\uffff", "\ufffe", "\x00\x01\x1b[31m", "\u202e\u05e9\u05dc\u05d5\u05dd",
                 "\u0301" * 50, "漢字かなカナ한국어", "ไทย हिन्दी", "<b>&amp;</b>", "9999-12-31", "0001-01-01",
                 "x" * 20000, "word " * 4000, "\n" * 500]


def paths(value, prefix=()) -> list[tuple]:
    """Every place in a record a mutation can hit (not each ink point: they would drown the rest)."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            if key != "points":
                found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:3]):
            found += paths(item, (*prefix, index))
    return found


RECORDS = [json.loads(path.read_text(encoding="utf-8")) for path in EXAMPLES]
PATHS = [paths(record) for record in RECORDS]
# Where hostile values did harm (issue 13): figures, dates, labels and free texts; drawn half of the time.
FOCUS = ("value", "low", "high", "upper", "unit", "surgery_date", "started_at", "label", "verbal", "note", "answer",
         "name", "notes", "title")
FOCUS_PATHS = [[path for path in found if path and path[-1] in FOCUS] for found in PATHS]


def deep(levels: int):
    nested: list = []
    for _level in range(levels):
        nested = [nested]
    return nested


values = st.one_of(
    st.sampled_from(HOSTILE_NUMBERS), st.sampled_from(HOSTILE_TEXTS),
    st.floats(allow_nan=True, allow_infinity=True), st.integers(min_value=-10 ** 20, max_value=10 ** 20),
    st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=60),
    st.integers(min_value=1, max_value=300).map(deep), st.just({}), st.just([]), st.just({"extra": 1}),
)


@st.composite
def hostile_records(draw):
    index = draw(st.integers(min_value=0, max_value=len(RECORDS) - 1))
    record = copy.deepcopy(RECORDS[index])
    for _mutation in range(draw(st.integers(min_value=1, max_value=4))):
        path = draw(st.one_of(st.sampled_from(FOCUS_PATHS[index]), st.sampled_from(PATHS[index])))
        if not path:
            continue
        parent = record
        try:
            for key in path[:-1]:
                parent = parent[key]
            action = draw(st.sampled_from(["replace", "replace", "replace", "delete", "extra"]))
            if action == "delete":
                del parent[path[-1]]
            elif action == "extra" and isinstance(parent, dict):
                parent[draw(st.text(max_size=20))] = draw(values)
            else:
                parent[path[-1]] = draw(values)
        except (KeyError, IndexError, TypeError):   # an earlier mutation changed the shape here
            continue
    # Now and then the whole record buried thousands of levels deep, as JSON text.
    levels = draw(st.sampled_from([0] * 9 + [5000]))
    return "[" * levels + json.dumps(record, allow_nan=True) + "]" * levels


SHOWN_FIGURE = re.compile(r"(?i)\b(nan|inf|infinity)\b|-\d[\d.,]*\s+in 1000|\b\d{5,}\s+in 1000")


@settings(max_examples=40, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(record=hostile_records())
def test_any_record_gives_a_pdf_or_one_line_never_a_traceback(tmp_path, record):
    """`record` is JSON text (lone surrogates written as \\ud800 escapes, NaN as NaN)."""
    result, seconds, output = render(tmp_path, record, timeout=30)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    if result.returncode == 0:
        assert output.read_bytes().startswith(b"%PDF-")
        assert not SHOWN_FIGURE.search(pdf_text(output))   # never "Nan in 1000", "-500 in 1000", "10000 in 1000"
    else:
        assert result.returncode in (1, 2), result.stderr[-3000:]
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr[-3000:]
        assert not output.exists()
    assert seconds < 30


# ---- the two pieces that make long texts linear -----------------------------------------------------------------
@settings(max_examples=60, derandomize=True, deadline=None, database=None)
@given(text=st.text(alphabet="ab \n", max_size=400), width=st.floats(min_value=0, max_value=300))
def test_fitting_keeps_the_longest_beginning_that_fits(text, width):
    from consultaid.report.fonts import REGULAR, clean, fit_text, text_width

    fitted = fit_text(text, REGULAR, 7, width)
    whole = clean(text).replace("\n", " ")
    if fitted == whole:
        assert text_width(whole, REGULAR, 7) <= width
        return
    kept = fitted[:-1]
    assert fitted.endswith("…") and whole.startswith(kept)
    assert kept == "" or text_width(fitted, REGULAR, 7) <= width
    # The longest: keeping the next character that is not a space (trailing spaces are dropped) would not fit.
    following = len(kept) + len(whole[len(kept):]) - len(whole[len(kept):].lstrip(" "))
    if following < len(whole):
        assert text_width(whole[:following + 1] + "…", REGULAR, 7) > width


@settings(max_examples=80, derandomize=True, deadline=None, database=None)
@given(text=st.text(alphabet="ab \n", max_size=3000), size=st.integers(min_value=4, max_value=60))
def test_a_long_text_is_cut_into_bounded_pieces_that_keep_every_word(text, size):
    from consultaid.report.summary import chunks

    pieces = chunks(text, size)
    if len(text) > size:
        assert all(len(piece) <= size for piece in pieces)
    assert "".join(text.split()) == "".join("".join(pieces).split())
