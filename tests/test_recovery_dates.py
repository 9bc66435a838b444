"""Calendar dates of recovery milestones, and the iCalendar file a patient takes home."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from consultaid.consultation.recovery_dates import (
    add_months,
    escape_text,
    event_uid,
    fold_line,
    milestone_dates,
    to_ics,
    uncertain_end_dates,
)
from consultaid.consultation.shown_content import ShownMilestone, shown_content
from consultaid.content.durations import Duration
from consultaid.content.library import load_library
from tests.conftest import CONTENT

SURGERY = date(2027, 1, 31)  # a 31st, so month arithmetic has to clamp
STAMP = datetime(2027, 1, 10, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def library():
    return load_library(CONTENT)


def milestones(library, pack_id: str, language: str = "en") -> dict[str, ShownMilestone]:
    return {m.id: m for m in shown_content(library.get(pack_id), language).milestones}


def milestone(kind: str = "window", label: str = "Item", detail: str = "", **times) -> ShownMilestone:
    values = {name: Duration.parse(text) for name, text in times.items()}
    return ShownMilestone(id=label.lower().replace(" ", "_")[:20] or "item", kind=kind, sources=("seed",),
                          label=label, detail=detail, source_files=("seed.txt",), **values)


# --- calendar arithmetic ---------------------------------------------------------------------------

@pytest.mark.parametrize("start, months, expected", [
    (date(2027, 1, 31), 1, date(2027, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),   # leap year
    (date(2027, 1, 31), 2, date(2027, 3, 31)),
    (date(2027, 1, 31), 3, date(2027, 4, 30)),
    (date(2027, 11, 30), 3, date(2028, 2, 29)),  # across a year end, into a leap February
    (date(2028, 2, 29), 12, date(2029, 2, 28)),  # one year after 29 February
    (date(2027, 5, 15), 0, date(2027, 5, 15)),
])
def test_months_add_calendar_months_and_clamp_the_day(start, months, expected):
    assert add_months(start, months) == expected


def test_dates_of_the_shipped_milestones(library):
    cement = milestones(library, "cement-spine-surgery")
    assert milestone_dates(cement["stitches_out"], SURGERY) == (date(2027, 2, 12), None)
    assert milestone_dates(cement["follow_up"], SURGERY) == (date(2027, 2, 28), None)
    assert milestone_dates(cement["return_to_work"], SURGERY) == (date(2027, 2, 28), date(2027, 3, 31))
    assert milestone_dates(cement["discharge"], SURGERY) == (SURGERY, date(2027, 2, 1))
    assert milestone_dates(cement["dressings"], SURGERY) == (SURGERY, None)  # open-ended
    assert milestone_dates(cement["analgesic_physio"], SURGERY) == (date(2027, 2, 7), None)
    # From 1 month, lasting 1–3 months: starts 28 Feb, ends between 31 Mar and 31 May (months
    # counted from the surgery, so the clamped 28 Feb does not drag the end back to the 28th).
    assert milestone_dates(cement["physiotherapy"], SURGERY) == (date(2027, 2, 28), date(2027, 5, 31))
    assert uncertain_end_dates(cement["physiotherapy"], SURGERY) == (date(2027, 3, 31), date(2027, 5, 31))
    assert uncertain_end_dates(cement["return_to_work"], SURGERY) is None

    endoscopic = milestones(library, "endoscopic-spine-surgery")
    assert milestone_dates(endoscopic["first_checkup"], SURGERY) == (SURGERY, SURGERY)  # 7–10 hours
    assert milestone_dates(endoscopic["intense_effort"], SURGERY) == (date(2027, 4, 30), None)
    assert milestone_dates(endoscopic["sport"], SURGERY) == (date(2027, 3, 14), None)
    assert milestone_dates(endoscopic["stem_cell_review"], SURGERY) == (date(2028, 1, 31), None)

    vertebroplasty = milestones(library, "vertebroplasty")
    assert milestone_dates(vertebroplasty["cement_hardens"], SURGERY) == (SURGERY, SURGERY)  # minutes
    assert milestone_dates(vertebroplasty["stand_up"], SURGERY) == (SURGERY, None)  # 12 hours
    assert milestone_dates(vertebroplasty["discharge_next_day"], SURGERY) == (date(2027, 2, 1), None)


@pytest.mark.parametrize("at, expected_days", [
    ("12 hours", 0), ("23 hours", 0), ("24 hours", 1), ("36 hours", 1), ("48 hours", 2),
    ("90 minutes", 0), ("1440 minutes", 1), ("0 days", 0), ("2 weeks", 14), ("1.5 days", 1),
])
def test_hours_and_minutes_move_to_the_next_day_only_after_24_hours(at, expected_days):
    assert milestone_dates(milestone("point", at=at), SURGERY)[0] == SURGERY + timedelta(days=expected_days)


def test_years_are_calendar_years():
    review = milestone("point", at="1 year")
    assert milestone_dates(review, date(2028, 2, 29)) == (date(2029, 2, 28), None)


# --- iCalendar -------------------------------------------------------------------------------------

TEXT_PROPERTIES = {"SUMMARY", "DESCRIPTION"}
REQUIRED = {"VCALENDAR": {"VERSION", "PRODID"}, "VEVENT": {"UID", "DTSTAMP", "DTSTART", "SUMMARY"}}


def parse_ics(text: str) -> list[dict]:
    """A strict reader for what RFC 5545 requires of our files: CRLF everywhere, no physical line over
    75 octets, balanced BEGIN/END, the required properties. Returns the VEVENTs as
    {name: (params, value)} with TEXT values unescaped."""
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    assert all("\n" not in line and "\r" not in line for line in physical), "bare LF or CR"
    for line in physical:
        assert len(line.encode("utf-8")) <= 75, f"line over 75 octets: {line!r}"
    logical: list[str] = []
    for line in physical:
        if line.startswith((" ", "\t")):
            assert logical, "a continuation line cannot come first"
            logical[-1] += line[1:]
        else:
            logical.append(line)
    stack: list[tuple[str, dict]] = []
    events = []
    for line in logical:
        match = re.match(r"^([A-Z][A-Z0-9-]*)((?:;[A-Z-]+=[^;:,\"]+)*):(.*)$", line)
        assert match, f"not a content line: {line!r}"
        name, params, value = match.groups()
        if name == "BEGIN":
            stack.append((value, {}))
            continue
        if name == "END":
            assert stack and stack[-1][0] == value, f"END:{value} does not close {stack and stack[-1][0]}"
            component, properties = stack.pop()
            assert REQUIRED.get(component, set()) <= set(properties), f"{component} misses a property"
            if component == "VEVENT":
                events.append(properties)
            continue
        assert stack, f"{name} outside any component"
        if name in TEXT_PROPERTIES:
            assert not re.search(r"(?<!\\)(?:\\\\)*[,;]", value), f"unescaped , or ; in {value!r}"
            value = re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)
        stack[-1][1][name] = (params, value)
    assert not stack, "unclosed component"
    return events


def ics_date(value: date) -> str:
    return value.strftime("%Y%m%d")


def test_shipped_packs_give_valid_calendars(library):
    assert len(library.packs) == 3
    for pack in library.packs:
        for language in ("en", "fr"):
            shown = shown_content(pack, language).milestones
            text = to_ics(shown, SURGERY, language, title_prefix=pack.title(language) + ": ",
                          uid_seed="consultation-1", stamp=STAMP)
            assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
            events = parse_ics(text)
            assert len(events) == len(shown)
            uids = {event["UID"][1] for event in events}
            assert len(uids) == len(shown)
            for event in events:
                assert event["DTSTAMP"][1] == "20270110T093000Z"
                assert event["DTSTART"][0] == ";VALUE=DATE" and re.fullmatch(r"\d{8}", event["DTSTART"][1])
                assert event["DTEND"][0] == ";VALUE=DATE" and event["DTEND"][1] > event["DTSTART"][1]
                assert event["SUMMARY"][1].startswith(pack.title(language) + ": ")


def test_all_day_events_end_the_day_after_their_last_day(library):
    shown = milestones(library, "cement-spine-surgery")
    events = {event["SUMMARY"][1]: event for event in parse_ics(to_ics(shown.values(), SURGERY, "en", stamp=STAMP))}
    work = events["Back to work or school"]
    assert (work["DTSTART"][1], work["DTEND"][1]) == ("20270228", "20270401")  # 28 Feb – 31 Mar inclusive
    stitches = events["Stitches and staples removed"]
    assert (stitches["DTSTART"][1], stitches["DTEND"][1]) == ("20270212", "20270213")
    physio = events["Physiotherapy (rehabilitation)"]
    assert (physio["DTSTART"][1], physio["DTEND"][1]) == ("20270228", "20270601")
    assert "1–3\u00a0months" in physio["DESCRIPTION"][1] and "31 May 2027" in physio["DESCRIPTION"][1]
    restriction = events["From today: Gentle physiotherapy, if in pain"]
    assert (restriction["DTSTART"][1], restriction["DTEND"][1]) == ("20270207", "20270208")
    assert "Not before 1\u00a0week" in restriction["DESCRIPTION"][1]


def test_open_ended_repeats_are_described_not_repeated_forever(library):
    shown = milestones(library, "cement-spine-surgery")
    text = to_ics([shown["dressings"], shown["home_nurse"]], SURGERY, "en", stamp=STAMP)
    assert "RRULE" not in text
    descriptions = [event["DESCRIPTION"][1] for event in parse_ics(text)]
    assert "every 2\u00a0days" in descriptions[0] and "every day" in descriptions[1]


def test_a_bounded_repeat_becomes_an_rrule():
    changes = milestone("window", label="Wound check", start="0 days", end="2 weeks", every="2 days")
    (event,) = parse_ics(to_ics([changes], SURGERY, "en", stamp=STAMP))
    assert event["RRULE"][1] == f"FREQ=DAILY;INTERVAL=2;UNTIL={ics_date(SURGERY + timedelta(days=14))}"
    assert (event["DTSTART"][1], event["DTEND"][1]) == ("20270131", "20270201")  # each occurrence is one day


def test_text_is_escaped_and_long_accented_lines_are_folded_on_character_boundaries():
    label = "Pansement, fils; contrôle \\ suivi"
    detail = ("Évitez les efforts physiques intenses pendant 3 mois après l’opération ; d’ici là, "
              "augmenter votre activité petit à petit aide à récupérer, et une activité modérée est "
              "toujours bénéfique.\nDeuxième ligne : « ça » — évidemment.")
    item = milestone("point", label=label, detail=detail, at="12 days")
    text = to_ics([item], SURGERY, "fr", title_prefix="Vertébroplastie : ", uid_seed="s", stamp=STAMP)
    assert "\\," in text and "\\;" in text and "\\\\" in text and "\\n" in text
    (event,) = parse_ics(text)
    assert event["SUMMARY"] == (";LANGUAGE=fr", "Vertébroplastie : " + label)
    assert event["DESCRIPTION"][1].startswith(detail + "\n12\u00a0jours\n12 févr. 2027")
    assert max(len(line.encode("utf-8")) for line in text.split("\r\n")) == 75  # it really folded


def test_folding_counts_octets_not_characters():
    line = "DESCRIPTION:" + "é" * 100
    folded = fold_line(line)
    pieces = folded.split("\r\n")
    assert all(len(piece.encode("utf-8")) <= 75 for piece in pieces)
    assert "".join(piece[1:] if index else piece for index, piece in enumerate(pieces)) == line
    assert fold_line("SHORT:1") == "SHORT:1"


def test_escape_text_drops_control_characters():
    assert escape_text("a\x07b\r\nc") == "ab\\nc"


def test_uids_are_stable_and_depend_on_the_seed(library):
    shown = list(milestones(library, "vertebroplasty").values())

    def uids(seed: str) -> list[str]:
        return [event["UID"][1] for event in parse_ics(to_ics(shown, SURGERY, "en", uid_seed=seed))]

    assert uids("consultation-1") == uids("consultation-1")
    assert set(uids("consultation-1")).isdisjoint(uids("consultation-2"))
    assert uids("consultation-1")[0] == event_uid("consultation-1", shown[0].id)
    # A new surgery date updates the same events instead of adding new ones.
    later = [event["UID"][1] for event in parse_ics(to_ics(shown, SURGERY + timedelta(days=7), "en",
                                                          uid_seed="consultation-1"))]
    assert later == uids("consultation-1")
