"""The signed summary PDF (design brief, section 5): what was explained, shown, asked, decided and signed.

Built from the record alone (docs/record.md), in the consultation's language, with reportlab's platypus:
paragraphs and tables that wrap and flow onto as many pages as the consultation needs, the risk chart
and recovery timeline drawn as vectors from the screen's own geometry, ink and signatures as vector
strokes, embedded fonts only, and on every page a footer that ties the page to its document, its
content pack and the program that made it.

The same record always gives the same bytes (fixed timestamps from the record, no random document id),
so a stored summary can be checked against a new rendering of its record.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from consultaid.charts import palette
from consultaid.charts.risk_chart import build_chart
from consultaid.charts.timeline import build_timeline
from consultaid.consultation.record_check import (
    BEYOND_CALENDAR,
    RecordProblem,
    check_consultation,
    check_json,
    short,
)
from consultaid.consultation.recovery_dates import DateOutOfRange
from consultaid.consultation.session import (
    DECISION_LABELS,
    ROLE_NAMES,
    SIGNER_ROLES,
    TEACH_BACK,
    TEACH_BACK_LABELS,
    Consultation,
)
from consultaid.formatting import format_long_date
from consultaid.i18n import LANGUAGE_NAMES, N_, SUPPORTED_LANGUAGES, _, translate
from consultaid.report import RecordError
from consultaid.report.charts_pdf import (
    DISCUSSED,
    NOT_DISCUSSED,
    SURGEONS_NOTE,
    risk_chart_table,
    risk_legend,
    timeline_flowable,
)
from consultaid.report.fonts import (
    BOLD,
    ITALIC,
    REGULAR,
    draw_text,
    fit_text,
    markup,
    register_fonts,
)
from consultaid.report.illustrations import illustration_flowable
from consultaid.report.ink_pdf import signature_flowable
from consultaid.report.styles import styles
from consultaid.report.understanding import understanding_part

PAPER_SIZES = {"a4": A4, "letter": LETTER}
SIDE_MARGIN = 20 * mm
TOP_MARGIN = 20 * mm
BOTTOM_MARGIN = 24 * mm      # room for the two-line footer
FOOTER_SIZE = 8.0
LOGO_HEIGHT = 18 * mm         # the clinic's logo, top left of page 1
CHECK, CIRCLE = "✓", "○"

# ---- Words (translated into the consultation's language) ---------------------------------------------------
TITLE = N_("Consultation summary")
INTRO = N_("This document records the information you were given during the consultation, with the words and "
           "figures you were shown. It attests that this information was given; it is not a consent form. "
           "Keep it: you can read it again at home.")
DRAFT = N_("Draft: this summary has not been finalized. It is not a signed record.")
DRAFT_MARK = N_("DRAFT")
DOCUMENT_ID = N_("Document {id}")
PAGE_OF = N_("Page {page} of {pages}")
CONTENT_PACK = N_("Content pack {id}, version {version}, fingerprint {fingerprint}")
AUDIT_CHAIN = N_("audit chain {hash}")
APP = N_("ConsultAid {version}")
BORN = N_("born {date}")
METADATA_SUBJECT = N_("Summary of the consultation of {date}: information given to {patient}")

PATIENT, SURGEON, INTERPRETER = N_("Patient"), N_("Surgeon"), N_("Interpreter")
CONSULTATION, PROCEDURE = N_("Consultation"), N_("Procedure")
NAME, DATE_OF_BIRTH, IDENTIFIER = N_("Name"), N_("Date of birth"), N_("Identifier")
TITLE_LABEL, REGISTRATION, CLINIC = N_("Title"), N_("Registration number"), N_("Clinic")
DATE, TIME, LANGUAGE = N_("Date"), N_("Time"), N_("Language")
SIDE_LEVEL, INDICATION, SURGERY_DATE = N_("Side or level"), N_("Indication"), N_("Planned surgery date")
NOT_GIVEN = N_("not given")
NONE_PRESENT = N_("no interpreter")
TIME_RANGE = N_("{start} to {end}")
TIME_FROM = N_("from {start}")
INTERPRETER_VALUE = N_("{name} (translating into: {language})")

PROCEDURE_EXPLAINED = N_("Procedure explained")
NOT_DISCUSSED_SECTIONS = N_("Not discussed during the consultation")
NOT_DISCUSSED_NOTE = N_("These parts of the information were not marked as discussed. They are listed so that "
                        "nothing is left out silently.")
NO_SECTION_LEFT = N_("Every part of the information was discussed.")
# Over a discussed section's full explanation, after its key points: the whole text the patient was shown.
EXPLANATION_SHOWN = N_("What you were shown")
DRAWN = N_("Drawn during the consultation: {title}")
ILLUSTRATION_MISSING = N_("The illustration could not be shown.")

BENEFITS_AND_RISKS = N_("Benefits and risks")
CHART_INTRO = N_("Each bar is 1000 people. The part marked shows how many it happens to. The close-up on the "
                 "right spreads out the small numbers. The table after the chart says, for each figure, who it "
                 "applies to, when, and where it comes from.")
FIGURES_IN_DETAIL = N_("The figures in detail")
OUTCOME, HOW_MANY, WHO, WHEN, SOURCE = (N_("Outcome"), N_("Out of 1000 people"), N_("Who it applies to"),
                                        N_("When"), N_("Source"))
NOT_STATED = N_("not stated by the source")
YOU = N_("you")
SURGEON_SOURCE = N_("the surgeon, for this patient")
NO_OUTCOMES = N_("No benefit or risk is listed for this procedure.")

RECOVERY = N_("Expected recovery")
SURGERY_ON = N_("Planned surgery date: {date}")
NO_SURGERY_DATE = N_("No surgery date yet: times are counted from the day of surgery.")
MILESTONE, DATES = N_("Milestone"), N_("Dates")
NO_MILESTONES = N_("No recovery milestone is listed for this procedure.")

ALTERNATIVES = N_("Alternatives")
REFUSAL_CONSEQUENCES = N_("Foreseeable consequences of a refusal")
WHAT_WAS_SAID = N_("What was said")
LABELLED = N_("{label}:")

QUESTIONS = N_("Questions and answers")
QUESTION_NUMBER = N_("Question {number}")
NO_ANSWER = N_("No answer recorded.")
NOTHING_RECORDED = N_("Nothing recorded.")

DECISION = N_("The patient's decision")
DECISION_NOT_RECORDED = N_("No decision was recorded.")
NOTES_ON_DECISION = N_("Notes on the decision")
TEACH_BACK_HEADING = N_("Teach-back")
TEACH_BACK_INTRO = N_("What the patient could say back in their own words:")
NOT_CHECKED = N_("not checked")
OTHER_NOTES = N_("Other notes")
SOURCES = N_("Sources")

SIGNATURES = N_("Signatures")
SIGNED_AT = N_("Signed on {date} at {time}")
PATIENT_DID_NOT_SIGN = N_("The patient did not sign this summary.")
REASON_GIVEN = N_("Reason given: {reason}")
NO_REASON = N_("No reason was recorded.")
NOT_SIGNED = N_("Not signed.")
FINALIZED_AT = N_("Finalized on {date} at {time}.")
SEAL_SELF_SIGNED = N_("This PDF carries an electronic seal made with a self-signed certificate of this ConsultAid "
                      "installation: it shows whether the file was changed after it was finalized, but does not by "
                      "itself prove who made it. Check it with: consultaid verify FILE.pdf")
SEAL_CERTIFICATE = N_("This PDF carries an electronic seal with the certificate of {holder}: any change to the file "
                      "after it was finalized breaks the seal. Check it with: consultaid verify FILE.pdf")
CONTINUED_BELOW = N_("(in full below)")
IN_FULL = N_("{label}, in full")

# Longer texts do not go into a table cell (a row taller than a page cannot be laid out): the cell shows
# their beginning and says so, and the whole text follows the table as ordinary paragraphs.
LONG_TEXT = 600
EXCERPT = 240
ESTIMATE_TEXTS = ("verbal", "group_text", "window_text", "source_title")   # an estimate's words, in table cells
TABLE_BLOCK = 40   # rows in one table of a long list (`tables`)
CHART_BLOCK = 20    # outcomes in one table of a long risk chart
TIMELINE_BLOCK = 40   # milestones in one drawing of a long recovery timeline
CHUNK = 1500   # characters in one paragraph piece of a long text (about a quarter of a page)


def load_consultation(record) -> Consultation:
    """The consultation a record holds, checked (consultation/record_check.py) before anything is drawn:
    RecordError for a document that is not a record, RecordProblem for a record that must not be
    rendered as it is (impossible figures or dates, wrong types); both carry a one-line message."""
    if not isinstance(record, dict):
        raise RecordError("not a ConsultAid record: the document is not a JSON object")
    check_json(record)
    content = record.get("content")
    language = content.get("language") if isinstance(content, dict) else None
    if language is not None and language not in SUPPORTED_LANGUAGES:
        raise RecordError(f"not a ConsultAid record: unknown language {short(language)}")
    try:
        consultation = Consultation.from_record(record)
    except (RecordError, RecordProblem):
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        if isinstance(error, ValueError) and "not a ConsultAid record" in str(error):
            raise RecordError(str(error)) from error
        detail = f"missing field {short(error)}" if isinstance(error, KeyError) else short_line(str(error))
        raise RecordError(f"not a valid ConsultAid record: {detail}") from error
    check_consultation(consultation)
    return consultation


def short_line(text: str, limit: int = 200) -> str:
    """An error's text on one line, not too long (it may quote a value of the record)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


class _RecordTimeStamp:
    """What reportlab's PDF writer reads for CreationDate/ModDate: the record's time, not the clock's."""

    def __init__(self, moment: datetime):
        offset = moment.utcoffset()
        minutes = int(offset.total_seconds() // 60) if offset is not None else 0
        self.YMDhms = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
        self.dhh = int(minutes / 60)          # truncated towards zero, as the PDF date format wants
        self.dmm = abs(minutes) % 60
        self.t = moment.timestamp()
        self.lt = self.YMDhms
        self.tzname = "record"


class SummaryDocument:
    """One record, laid out. `build()` returns the PDF bytes."""

    def __init__(self, record: dict, paper: str = "a4", logo_path=None, seal=None):
        if paper not in PAPER_SIZES:
            raise ValueError(f"unknown paper size {paper!r}: choose one of {', '.join(PAPER_SIZES)}")
        register_fonts()
        self.record = record
        self.paper = paper
        self.consultation = load_consultation(record)
        self.content = self.consultation.content
        self.setup = self.consultation.setup
        # Labels, numbers and dates in the consultation's language; a record in a language this version
        # has no catalogue for still renders, with English labels around its own content.
        self.language = self.content.language if self.content.language in SUPPORTED_LANGUAGES else "en"
        self.s = styles()
        self.page_width, self.page_height = PAPER_SIZES[paper]
        self.width = self.page_width - 2 * SIDE_MARGIN
        self.frame_height = self.page_height - TOP_MARGIN - BOTTOM_MARGIN
        self.source_numbers = {source.id: number for number, source in enumerate(self.content.sources, start=1)}
        self.sources_shown = False
        self._overflow: list[tuple[str, str]] = []
        self.logo = clinic_logo(logo_path, 0.6 * self.width)
        self.seal = seal   # a report.seal.Seal when the PDF will be sealed: the page says by whom

    # ---- small helpers ----------------------------------------------------------------------------------
    def t(self, text: str, **values) -> str:
        words = translate(text, self.language)
        return words.format(**values) if values else words

    def p(self, text: str, style: str = "body", font: str | None = None) -> Paragraph:
        """A paragraph of plain text (escaped, fonts per run)."""
        chosen = self.s[style]
        if font and font != chosen.fontName:
            chosen = chosen.clone(f"{chosen.name}_{font}", fontName=font)
        return Paragraph(markup(text, chosen.fontName), chosen)

    def flow(self, text: str, style: str = "body", font: str | None = None, prefix: str = "",
             bullet: str | None = None) -> list[Flowable]:
        """Plain text of any length as paragraphs that flow across pages: one paragraph when short;
        else consecutive pieces of at most CHUNK characters (see `chunks`), spaced as one paragraph.
        `prefix`, markup, starts the first piece, and `bullet` marks it. reportlab breaks a paragraph into lines again on each
        page it continues on, so one huge paragraph costs time quadratic in its length (200 s and more
        for a 1 MB note); pieces of bounded size keep the cost linear."""
        pieces = chunks(text)
        if len(pieces) == 1:
            paragraph = self.p(text, style, font)
            if prefix or bullet:
                paragraph = Paragraph(prefix + markup(text, paragraph.style.fontName), paragraph.style,
                                      bulletText=bullet)
            return [paragraph]
        base = self.p("", style, font).style
        first = base.clone(f"{base.name}_first", spaceAfter=0)
        middle = base.clone(f"{base.name}_middle", spaceBefore=0, spaceAfter=0)
        last = base.clone(f"{base.name}_last", spaceBefore=0)
        result = []
        for index, piece in enumerate(pieces):
            chosen = first if index == 0 else last if index == len(pieces) - 1 else middle
            result.append(Paragraph((prefix if index == 0 else "") + markup(piece, base.fontName), chosen,
                                    bulletText=bullet if index == 0 else None))
        return result

    def date(self, value) -> str:
        return format_long_date(value, self.language)

    @staticmethod
    def time(moment: datetime) -> str:
        return moment.strftime("%H:%M")

    @staticmethod
    def offset(moment: datetime) -> str:
        text = moment.strftime("%z")
        return f"UTC{text[:3]}:{text[3:]}" if text else ""

    def quoted(self, text: str) -> str:
        """Quotation marks as the language writes them: “…” in English, « … » in French."""
        if self.language == "fr":
            return f"«\u00a0{text}\u00a0»"
        return f"“{text}”"

    def status(self, discussed: bool) -> str:
        return f"{CHECK if discussed else CIRCLE} {self.t(DISCUSSED if discussed else NOT_DISCUSSED)}"

    def cell_text(self, text: str, label: str) -> str:
        """`text` for a table cell: whole if short; else its beginning, and the whole of it is queued
        (under `label`) for `overflow()` to print after the table."""
        if len(text) <= LONG_TEXT:
            return text
        self._overflow.append((label, text))
        return f"{excerpt(text)} {self.t(CONTINUED_BELOW)}"

    def overflow(self) -> list[Flowable]:
        """The long texts cut short in the table just laid out, each whole, under its label."""
        parts: list[Flowable] = []
        for label, text in self._overflow:
            parts += [Spacer(1, 4), *self.heading_before_text(self.t(IN_FULL, label=label), "h3")]
            parts += [piece for paragraph in text.split("\n") if paragraph.strip() for piece in self.flow(paragraph)]
        self._overflow = []
        return parts

    def heading(self, text: str, room: float = 110) -> list[Flowable]:
        """A section heading, on a new page unless `room` points are left for it and what follows."""
        return [CondPageBreak(room), _Heading(markup(text, BOLD), self.s["h1"], self.width)]

    def heading_before_text(self, text: str, style: str = "h2") -> list[Flowable]:
        """A heading over text that may be long: it starts a new page unless a few lines fit under it
        (keepWithNext would push a long text whole onto the next page, leaving a blank one)."""
        return [CondPageBreak(70), self.p(text, style)]

    def subheading(self, text: str, style: str = "h2") -> Paragraph:
        paragraph = self.p(text, style)
        paragraph.keepWithNext = 1
        return paragraph

    def moment_of_record(self) -> datetime:
        c = self.consultation
        return c.finalized_at or c.ended_at or c.started_at

    # ---- the document -----------------------------------------------------------------------------------
    def build(self) -> bytes:
        buffer = io.BytesIO()
        c, setup = self.consultation, self.setup
        moment = self.moment_of_record()
        document = BaseDocTemplate(
            buffer, pagesize=PAPER_SIZES[self.paper], leftMargin=SIDE_MARGIN, rightMargin=SIDE_MARGIN,
            topMargin=TOP_MARGIN, bottomMargin=BOTTOM_MARGIN,
            title=f"{self.t(TITLE)}: {self.content.title}", author=setup.surgeon.name,
            subject=self.t(METADATA_SUBJECT, date=self.date(c.started_at.date()), patient=setup.patient.name),
            creator=self.t(APP, version=c.app_version), keywords=[c.id, self.content.pack_id],
            lang=self.language, invariant=1, initialFontName=REGULAR, initialFontSize=10,
            displayDocTitle=1,
        )
        frame = Frame(SIDE_MARGIN, BOTTOM_MARGIN, self.width, self.page_height - TOP_MARGIN - BOTTOM_MARGIN,
                      id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        document.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        document.build(self.story(), canvasmaker=self._canvas_maker(moment))
        return buffer.getvalue()

    def _canvas_maker(self, moment: datetime):
        summary = self

        class SummaryCanvas(Canvas):
            """Holds every page until the end, so each footer can say "page X of Y"."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self._doc._timeStamp = _RecordTimeStamp(moment)
                self._pages: list[dict] = []

            def showPage(self):
                self._pages.append(dict(self.__dict__))
                self._startPage()

            def save(self):
                total = len(self._pages)
                for state in self._pages:
                    self.__dict__.update(state)
                    summary.draw_page_furniture(self, self._pageNumber, total)
                    super().showPage()
                super().save()

        return SummaryCanvas

    def draw_page_furniture(self, canvas, page: int, pages: int) -> None:
        """Footer on every page; from page 2, a running header naming the patient and the consultation."""
        c, content = self.consultation, self.content
        left, right = SIDE_MARGIN, self.page_width - SIDE_MARGIN
        canvas.saveState()
        canvas.setStrokeColor(HexColor(palette.BORDER))
        canvas.setLineWidth(0.5)
        rule_y = BOTTOM_MARGIN - 9 * mm
        canvas.line(left, rule_y, right, rule_y)
        canvas.setFillColor(HexColor(palette.MUTED))
        line1, line2 = rule_y - 10, rule_y - 20
        page_text = self.t(PAGE_OF, page=page, pages=pages)
        page_w = draw_text(canvas, right, line1, page_text, BOLD, FOOTER_SIZE + 0.5, align="right")
        document = self.t(DOCUMENT_ID, id=c.id)
        if c.audit_hash:
            document += " · " + self.t(AUDIT_CHAIN, hash=c.audit_hash[:16])
        if c.finalized_at is None:
            document += " · " + self.t(DRAFT_MARK)
        draw_text(canvas, left, line1, fit_text(document, REGULAR, FOOTER_SIZE, right - left - page_w - 20),
                  REGULAR, FOOTER_SIZE)
        app = fit_text(self.t(APP, version=c.app_version), REGULAR, FOOTER_SIZE, (right - left) / 3)
        app_w = draw_text(canvas, right, line2, app, REGULAR, FOOTER_SIZE, align="right")
        pack = self.t(CONTENT_PACK, id=content.pack_id, version=content.pack_version,
                      fingerprint=content.fingerprint[:12])
        draw_text(canvas, left, line2, fit_text(pack, REGULAR, FOOTER_SIZE, right - left - app_w - 20),
                  REGULAR, FOOTER_SIZE)
        if page > 1:
            patient = self.setup.patient
            header_y = self.page_height - TOP_MARGIN + 9 * mm
            who = f"{patient.name} · {self.t(BORN, date=self.date(patient.date_of_birth))}"
            when = f"{self.t(TITLE)} · {self.date(c.started_at.date())}"
            when_w = draw_text(canvas, right, header_y, when, REGULAR, FOOTER_SIZE, align="right")
            draw_text(canvas, left, header_y, fit_text(who, BOLD, FOOTER_SIZE, right - left - when_w - 20), BOLD,
                      FOOTER_SIZE)
            canvas.line(left, header_y - 4, right, header_y - 4)
        canvas.restoreState()

    def story(self) -> list[Flowable]:
        story: list[Flowable] = []
        story += self.title_block()
        story += self.procedure_part()
        story += self.risks_part()
        story += self.recovery_part()
        story += self.alternatives_part()
        story += self.questions_part()
        story += understanding_part(self)
        story += self.decision_part()
        story += self.sources_part()   # only if no table listed them yet
        story += self.signatures_part()
        return attach_headings(story)

    # ---- page 1: who, when, what ------------------------------------------------------------------------
    def title_block(self) -> list[Flowable]:
        c, setup = self.consultation, self.setup
        surgeon, patient = setup.surgeon, setup.patient
        parts: list[Flowable] = []
        if self.logo is not None:
            parts += [self.logo, Spacer(1, 4)]
        if surgeon.clinic:
            parts.append(self.p(surgeon.clinic, "box_heading"))
            parts.append(Spacer(1, 2))
        parts.append(self.p(self.t(TITLE), "title"))
        parts.append(self.p(self.content.title, "subtitle"))
        if c.finalized_at is None:
            parts.append(_Banner(markup(self.t(DRAFT), BOLD), self.s["small_bold"], self.width))
            parts.append(Spacer(1, 6))

        def value(text: str) -> str:
            return text if text.strip() else self.t(NOT_GIVEN)

        start, end = c.started_at, c.ended_at
        if end is None:
            times = self.t(TIME_FROM, start=self.time(start))
        elif end.date() != start.date():
            times = self.t(TIME_RANGE, start=self.time(start), end=f"{self.date(end.date())} {self.time(end)}")
        else:
            times = self.t(TIME_RANGE, start=self.time(start), end=self.time(end))
        if self.offset(start):
            times += f" ({self.offset(start)})"
        interpreter = (self.t(INTERPRETER_VALUE, name=setup.interpreter.name, language=setup.interpreter.language)
                       if setup.interpreter else self.t(NONE_PRESENT))
        language_name = LANGUAGE_NAMES.get(self.content.language, self.content.language)
        boxes = [
            (self.t(PATIENT), [(NAME, patient.name), (DATE_OF_BIRTH, self.date(patient.date_of_birth)),
                               (IDENTIFIER, value(patient.identifier))]),
            (self.t(SURGEON), [(NAME, surgeon.name), (TITLE_LABEL, value(surgeon.title)),
                               (REGISTRATION, value(surgeon.registration_number)),
                               (CLINIC, value(surgeon.clinic))]),
            (self.t(CONSULTATION), [(DATE, self.date(start.date())), (TIME, times), (LANGUAGE, language_name),
                                    (INTERPRETER, interpreter)]),
            (self.t(PROCEDURE), [(PROCEDURE, self.content.title), (SIDE_LEVEL, value(setup.side_level)),
                                 (INDICATION, value(setup.indication)),
                                 (SURGERY_DATE, self.date(setup.surgery_date) if setup.surgery_date
                                  else self.t(NOT_GIVEN))]),
        ]
        gutter = 10.0
        half = (self.width - gutter) / 2
        cells = [self.info_box(title, pairs, half - 12) for title, pairs in boxes]
        panel = HexColor(palette.SURFACE)
        commands = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ("TOPPADDING", (0, 1), (-1, 1), 0), ("BOTTOMPADDING", (0, 1), (-1, 1), 0),
        ]
        for row in (0, 2):   # equal panels side by side, each under an accent rule
            for column in (0, 2):
                commands += [("BACKGROUND", (column, row), (column, row), panel),
                             ("LINEABOVE", (column, row), (column, row), 1.5, HexColor(palette.ACCENT))]
        grid = self.table([[cells[0], "", cells[1]], ["", "", ""], [cells[2], "", cells[3]]],
                          [half, gutter, half], commands, row_heights=[None, gutter, None])
        parts += [grid, *self.overflow(), Spacer(1, 8), self.p(self.t(INTRO), "small_muted")]
        return parts

    def info_box(self, title: str, pairs, width: float) -> Table:
        s = self.s
        label_w = 0.38 * width
        rows = [[Paragraph(markup(title.upper(), BOLD), s["box_heading"]), ""]]
        for label, text in pairs:
            rows.append([self.p(self.t(label), "label"), self.p(self.cell_text(text, self.t(label)), "value")])
        return self.table(rows, [label_w, width - label_w], [
            ("SPAN", (0, 0), (-1, 0)),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
        ])

    def tables(self, rows, widths, commands, repeat_rows: int = 1) -> list[Flowable]:
        """A long table as consecutive tables of at most TABLE_BLOCK rows, each with the header rows, cut
        only between rows no SPAN or NOSPLIT joins. reportlab measures every remaining row again each time
        a table continues on a new page, so one table of thousands of rows costs time quadratic in its
        length (41 s for 2,000 milestones); blocks of bounded size keep it linear. Short tables, the only
        ones real content makes, are one table exactly as before."""
        body = len(rows) - repeat_rows
        if body <= TABLE_BLOCK:
            return [self.table(rows, widths, commands, repeat_rows=repeat_rows)]

        def row(index: int) -> int:
            return index + len(rows) if index < 0 else index

        joined = [False] * len(rows)   # joined[i]: row i may not be parted from row i - 1
        for command in commands:
            if command[0] in ("SPAN", "NOSPLIT"):
                for index in range(max(row(command[1][1]), repeat_rows) + 1, row(command[2][1]) + 1):
                    joined[index] = True
        starts, start = [], repeat_rows
        for index in range(repeat_rows + 1, len(rows)):
            if index - start >= TABLE_BLOCK and not joined[index]:
                starts.append(start)
                start = index
        starts.append(start)
        ends = starts[1:] + [len(rows)]
        result: list[Flowable] = []
        for first, end in zip(starts, ends):
            block_commands = []
            for name, (c0, r0), (c1, r1), *rest in commands:
                r0, r1 = row(r0), row(r1)
                if r1 < repeat_rows:                       # header rows only: in every block
                    block_commands.append((name, (c0, r0), (c1, r1), *rest))
                    continue
                low, high = max(r0, first), min(r1, end - 1)
                if low > high:
                    continue
                shift = repeat_rows - first
                top = r0 if r0 < repeat_rows else low + shift
                block_commands.append((name, (c0, top), (c1, high + shift), *rest))
            result.append(self.table(rows[:repeat_rows] + rows[first:end], widths, block_commands,
                                     repeat_rows=repeat_rows))
        return result

    def table(self, rows, widths, commands, repeat_rows: int = 0, row_heights=None) -> Table:
        """A table whose rows stay whole across pages, unless a row is taller than a page (a very long
        note): then that table may split inside rows, so nothing is ever cut off."""
        def make(split_in_row: int) -> Table:
            table = Table(rows, colWidths=widths, rowHeights=row_heights, repeatRows=repeat_rows, hAlign="LEFT",
                          splitInRow=split_in_row)
            table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), *commands]))
            return table

        table = make(0)
        table.wrap(sum(widths), 1e7)   # every row measured, however long the table
        if max((height or 0 for height in table._rowHeights), default=0) > self.frame_height * 0.75:
            table = make(1)
        return table

    # ---- the procedure ----------------------------------------------------------------------------------
    def procedure_part(self) -> list[Flowable]:
        c, content = self.consultation, self.content
        parts = self.heading(self.t(PROCEDURE_EXPLAINED))
        if content.summary:
            parts += self.flow(content.summary)
        left_out = []
        for section in content.sections:
            progress = c.sections.get(section.id)
            if progress is None or not progress.discussed:
                left_out.append(section)
                continue
            block: list[Flowable] = [self.section_title(section.title, True)]
            for point in section.key_points:
                block += self.flow(point, "bullet", bullet="•")
            if progress.note:
                block += self.flow(self.t(SURGEONS_NOTE, note=progress.note), "note")
            parts.append(KeepTogether(block))
            parts += self.explanation(section.body)
            parts += self.illustration(section)
        parts.append(Spacer(1, 4))
        if left_out:
            block = [self.subheading(self.t(NOT_DISCUSSED_SECTIONS)), self.p(self.t(NOT_DISCUSSED_NOTE), "small_muted")]
            for section in left_out:
                block.append(Paragraph(f"{CIRCLE} " + markup(section.title), self.s["bullet"]))
            parts.append(KeepTogether(block))
            for section in left_out:
                parts += self.illustration(section)
        else:
            parts.append(self.p(self.t(NO_SECTION_LEFT), "small_muted"))
        return parts

    def explanation(self, body: str) -> list[Flowable]:
        """A section's full text as the screen showed it, paragraph by paragraph, under a small heading: the
        key points above are a reminder, this is what the patient reads again at home. Not kept together
        with the key points: an explanation may be longer than a page."""
        paragraphs = [paragraph for paragraph in body.split("\n") if paragraph.strip()]
        if not paragraphs:
            return []
        heading = self.p(self.t(EXPLANATION_SHOWN), "h3")
        heading.keepWithNext = 1
        return [heading, *(piece for paragraph in paragraphs for piece in self.flow(paragraph))]

    def section_title(self, title: str, discussed: bool) -> Paragraph:
        text = (f"{markup(title, BOLD)}&nbsp;&nbsp;<font name=\"{REGULAR}\" size=\"9\" "
                f"color=\"{palette.MUTED}\">{markup(self.status(discussed))}</font>")
        paragraph = Paragraph(text, self.s["h2"])
        paragraph.keepWithNext = 1
        return paragraph

    def illustration(self, section) -> list[Flowable]:
        drawing = self.consultation.ink.get(section.id)
        if drawing is None or drawing.is_empty:
            return []
        picture = illustration_flowable(section.illustration, drawing, width=self.width * 0.62, max_height=260,
                                        missing_text=self.t(ILLUSTRATION_MISSING), font_name=REGULAR)
        caption = self.p(self.t(DRAWN, title=section.title), "small_muted")
        return [Spacer(1, 4), KeepTogether([picture, Spacer(1, 3), caption]), Spacer(1, 6)]

    # ---- benefits and risks -----------------------------------------------------------------------------
    def outcomes(self):
        """Benefits, risks and the surgeon's patient-specific risks, as the chart takes them."""
        c = self.consultation
        source = self.t(SURGEON_SOURCE)
        specific = [risk.as_outcome(source) for risk in c.patient_specific_risks]
        return [*self.content.benefits, *self.content.risks, *specific]

    def discussed_outcomes(self) -> set[str]:
        c = self.consultation
        ids = {key for key, item in {**c.benefits, **c.risks}.items() if item.discussed}
        return ids | {risk.id for risk in c.patient_specific_risks if risk.discussed}

    def risks_part(self) -> list[Flowable]:
        c = self.consultation
        parts = self.heading(self.t(BENEFITS_AND_RISKS), room=260)
        # Long labels and details (a patient-specific risk's note is its detail) are cut in the chart and
        # the figures table and printed whole below them, like every long note: an outcome's rows never
        # split, so they must fit on one page.
        outcomes = [self.fitting_outcome(outcome) for outcome in self.outcomes()]
        if not outcomes:
            return parts + [self.p(self.t(NO_OUTCOMES))]
        chart = build_chart(outcomes, self.language, self.discussed_outcomes())
        labels = {outcome.id: outcome.label for outcome in outcomes}
        notes = {key: self.cell_text(item.note, self.t(SURGEONS_NOTE, note=labels.get(key, key)).rstrip())
                 for key, item in {**c.benefits, **c.risks}.items() if item.note}
        long_notes = self.overflow()
        parts.append(self.p(self.t(CHART_INTRO), "small"))
        legend = risk_legend(chart, self.width)
        if legend is not None:
            parts += [Spacer(1, 4), legend, Spacer(1, 8)]
        # In blocks of outcomes, for the reason given in `tables` (5,000 patient-specific risks took 193 s).
        parts += [risk_chart_table(replace(chart, rows=chart.rows[start:start + CHART_BLOCK]), self.width, notes)
                  for start in range(0, len(chart.rows), CHART_BLOCK)]
        parts += [Spacer(1, 6), self.subheading(self.t(FIGURES_IN_DETAIL)), *self.figures_table(chart, outcomes, notes),
                  *long_notes]
        return parts + self.sources_part()

    def fitting_outcome(self, outcome):
        """`outcome` with a label and detail short enough for a table row; the whole texts are queued."""
        label = self.cell_text(outcome.label, excerpt(outcome.label))
        heading = (self.t(SURGEONS_NOTE, note=excerpt(outcome.label)).rstrip() if outcome.custom
                   else excerpt(outcome.label))
        detail = self.cell_text(outcome.detail, heading) if outcome.detail else outcome.detail
        estimates = tuple(replace(estimate, **{name: self.cell_text(getattr(estimate, name), excerpt(outcome.label))
                                               for name in ESTIMATE_TEXTS if len(getattr(estimate, name) or "") > LONG_TEXT})
                          for estimate in outcome.estimates)
        if (label, detail, estimates) == (outcome.label, outcome.detail, outcome.estimates):
            return outcome
        return replace(outcome, label=label, detail=detail, estimates=estimates)

    def source_ref(self, source_id: str, title: str = "") -> str:
        """"[2]": the number of a source in the list of sources; its title if it is not listed."""
        number = self.source_numbers.get(source_id)
        return f"[{number}]" if number else (title or source_id)

    def header_row(self, texts) -> list[Paragraph]:
        style = self.s["tiny"].clone("th", fontName=BOLD)
        return [Paragraph(markup(text, BOLD), style) for text in texts]

    TABLE_COMMANDS = (
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
    )

    def figures_table(self, chart, outcomes, notes: dict[str, str]) -> list[Flowable]:
        """Every source's figure for every outcome: number first, who, when, which source, discussed."""
        s = self.s
        by_id = {outcome.id: outcome for outcome in outcomes}
        rows = [self.header_row([self.t(OUTCOME), self.t(HOW_MANY), self.t(WHO), self.t(WHEN), self.t(SOURCE),
                                 self.t(DISCUSSED)])]
        commands = [*self.TABLE_COMMANDS, ("LINEBELOW", (0, 0), (-1, 0), 0.8, HexColor(palette.MUTED))]
        cell = s["tiny"]
        not_stated = self.t(NOT_STATED)
        for row in chart.rows:
            outcome = by_id[row.outcome_id]
            first = len(rows)
            name = f"<b>{markup(row.label, BOLD)}</b>"
            if row.depth:
                name = "↳ " + name
            extra = [text for text in (row.within_text, row.custom_text) if text]
            if extra:
                name += f"<br/><font color=\"{palette.MUTED}\">{markup(' · '.join(extra))}</font>"
            status = self.p(self.status(row.discussed), "tiny")
            for index, (bar, estimate) in enumerate(zip(row.bars, outcome.estimates)):
                figure = f"<b>{markup(bar.number_label, BOLD)}</b>"
                if bar.verbal_text:
                    figure += f"<br/><font color=\"{palette.MUTED}\">{markup(bar.verbal_text)}</font>"
                if outcome.custom:
                    group, source = self.t(YOU), estimate.source_title
                else:
                    group = estimate.group_text or not_stated
                    source = self.source_ref(estimate.source, estimate.source_title)
                rows.append([Paragraph(name, cell) if index == 0 else "", Paragraph(figure, cell),
                             self.p(group, "tiny"), self.p(estimate.window_text or not_stated, "tiny"),
                             self.p(source, "tiny"), status if index == 0 else ""])
            if not row.bars:
                rows.append([Paragraph(name, cell), self.p(self.t(NOT_STATED), "tiny"), "", "", "", status])
            if len(rows) - 1 > first:
                commands += [("SPAN", (0, first), (0, len(rows) - 1)), ("SPAN", (5, first), (5, len(rows) - 1))]
            note = notes.get(row.outcome_id, "")
            if note:
                rows.append(["", self.p(self.t(SURGEONS_NOTE, note=note), "tiny", ITALIC), "", "", "", ""])
                commands += [("SPAN", (1, len(rows) - 1), (-1, len(rows) - 1)),
                             ("SPAN", (0, first), (0, len(rows) - 1))]
            last = len(rows) - 1
            commands += [("LINEBELOW", (0, last), (-1, last), 0.4, HexColor(palette.RULE)),
                         ("NOSPLIT", (0, first), (-1, last))]
            if row.custom:
                commands.append(("BACKGROUND", (0, first), (-1, last), HexColor(palette.SURFACE)))
        shares = (0.22, 0.17, 0.19, 0.19, 0.11, 0.12)
        return self.tables(rows, [self.width * share for share in shares], commands)

    # ---- recovery ---------------------------------------------------------------------------------------
    def recovery_part(self) -> list[Flowable]:
        c, setup = self.consultation, self.setup
        parts = self.heading(self.t(RECOVERY), room=300)
        milestones = self.content.milestones
        if not milestones:
            return parts + [self.p(self.t(NO_MILESTONES))]
        # A label too long for a lane of the timeline (a lane never splits across pages) is cut there and
        # in the table, and printed whole after the table.
        milestones = tuple(replace(m, label=self.cell_text(m.label, excerpt(m.label))) for m in milestones)
        try:
            timeline = build_timeline(milestones, self.language, setup.surgery_date)
        except DateOutOfRange:   # a scale tick past 31/12/9999 (the milestones' own dates were checked on load)
            raise RecordProblem(_(BEYOND_CALENDAR).format(where=_(SURGERY_DATE))) from None
        if setup.surgery_date:
            date_line = self.p(self.t(SURGERY_ON, date=self.date(setup.surgery_date)), "body", BOLD)
        else:
            date_line = self.p(self.t(NO_SURGERY_DATE))
        # The timeline moves to the next page whole rather than split, unless it is longer than a page.
        # A very long timeline (hundreds of milestones) in blocks of lanes, each with its axis, the legend
        # with the first only: the drawing measures all its remaining lanes again on each page it continues
        # on, so one drawing of 2,000 milestones cost time quadratic in their number.
        blocks = [timeline_flowable(replace(timeline, items=timeline.items[start:start + TIMELINE_BLOCK],
                                            legend=timeline.legend if start == 0 else ()))
                  for start in range(0, len(timeline.items), TIMELINE_BLOCK)] or [timeline_flowable(timeline)]
        parts += [KeepTogether([date_line, _Callout(markup(timeline.caption), self.s["caption"], self.width),
                                Spacer(1, 8), blocks[0]]), *blocks[1:], Spacer(1, 8)]
        with_dates = setup.surgery_date is not None
        header = [self.t(MILESTONE), self.t(WHEN)] + ([self.t(DATES)] if with_dates else []) + [
            self.t(SOURCE), self.t(DISCUSSED)]
        rows = [self.header_row(header)]
        commands = [*self.TABLE_COMMANDS, ("LINEBELOW", (0, 0), (-1, 0), 0.8, HexColor(palette.MUTED))]
        by_id = {milestone.id: milestone for milestone in milestones}
        for item in timeline.items:
            progress = c.milestones.get(item.milestone_id)
            discussed = bool(progress and progress.discussed)
            name = f"<b>{markup(item.label, BOLD)}</b>"
            if item.detail:
                name += f"<br/><font color=\"{palette.MUTED}\">{markup(item.detail)}</font>"
            timing = item.timing_text + (f" · {item.repeat_text}" if item.repeat_text else "")
            sources = ", ".join(self.source_ref(source) for source in by_id[item.milestone_id].sources)
            row = [Paragraph(name, self.s["tiny"]), self.p(timing, "tiny")]
            if with_dates:
                row.append(self.p(item.date_text, "tiny", BOLD))
            row += [self.p(sources, "tiny"), self.p(self.status(discussed), "tiny")]
            rows.append(row)
            if progress and progress.note:
                note = self.cell_text(progress.note, self.t(SURGEONS_NOTE, note=item.label))
                rows.append([self.p(self.t(SURGEONS_NOTE, note=note), "tiny", ITALIC)]
                            + [""] * (len(header) - 1))
                commands += [("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)),
                             ("NOSPLIT", (0, len(rows) - 2), (-1, len(rows) - 1))]
            commands.append(("LINEBELOW", (0, len(rows) - 1), (-1, len(rows) - 1), 0.4, HexColor(palette.RULE)))
        shares = (0.40, 0.19, 0.18, 0.11, 0.12) if with_dates else (0.49, 0.28, 0.11, 0.12)
        parts += self.tables(rows, [self.width * share for share in shares], commands)
        parts += self.overflow()
        if not self.sources_shown:
            parts += self.sources_part()
        return parts

    # ---- alternatives, questions, decision ----------------------------------------------------------------
    def alternatives_part(self) -> list[Flowable]:
        c = self.consultation
        parts = self.heading(self.t(ALTERNATIVES))
        for item in self.content.alternatives:
            progress = c.alternatives.get(item.id)
            block: list[Flowable] = [self.section_title(item.label, bool(progress and progress.discussed))]
            if item.detail:
                block += self.flow(item.detail, "small")
            if progress and progress.note:
                block += self.flow(self.t(SURGEONS_NOTE, note=progress.note), "note")
            parts.append(KeepTogether(block))
        for item in c.other_alternatives:
            label = self.t(REFUSAL_CONSEQUENCES) if item.id == "no_treatment" else self.t(WHAT_WAS_SAID)
            block = [self.section_title(item.label, item.discussed)]
            note = item.note.strip()
            said = f"<b>{markup(self.t(LABELLED, label=label), BOLD)}</b> "
            block += (self.flow(item.note, prefix=said) if note else [Paragraph(
                f"{said}<i>{markup(self.t(NOTHING_RECORDED), ITALIC)}</i>", self.s["body"])])
            if len(item.note) < 1500:
                parts.append(KeepTogether(block))
            else:
                parts += block
        return parts

    def questions_part(self) -> list[Flowable]:
        c = self.consultation
        parts = self.heading(self.t(QUESTIONS))
        asked = [qa for qa in c.questions if qa.question.strip() or qa.answer.strip()]
        if not asked:
            return parts + [self.p(self.t(NOTHING_RECORDED), "small_muted")]
        for number, qa in enumerate(asked, start=1):
            number_text = markup(self.t(QUESTION_NUMBER, number=number), BOLD)
            question = self.flow(qa.question, "h3", BOLD,
                                 prefix=f"<font color=\"{palette.ACCENT}\">{number_text}</font><br/>")
            question[-1].keepWithNext = 1
            answer = (self.flow(qa.answer, "answer") if qa.answer.strip()
                      else [self.p(self.t(NO_ANSWER), "small_muted")])
            long = len(qa.question) + len(qa.answer) > 1500
            parts += [*question, *answer] if long else [KeepTogether([*question, *answer])]
        return parts

    def decision_part(self) -> list[Flowable]:
        c = self.consultation
        parts = self.heading(self.t(DECISION))
        if c.decision in DECISION_LABELS:
            parts.append(_Callout(markup(self.t(DECISION_LABELS[c.decision]), BOLD), self.s["body"].clone(
                "decision", fontName=BOLD), self.width, accent=True))
        else:
            parts.append(self.p(self.t(DECISION_NOT_RECORDED)))
        if c.decision_note.strip():
            parts += [Spacer(1, 4), *self.heading_before_text(self.t(NOTES_ON_DECISION), "h3"),
                      *self.flow(c.decision_note)]
        block = [self.subheading(self.t(TEACH_BACK_HEADING)), self.p(self.t(TEACH_BACK_INTRO), "small_muted")]
        for key in TEACH_BACK:
            done = bool(c.teach_back.get(key))
            label = self.t(TEACH_BACK_LABELS[key])
            text = f"{CHECK} {markup(label)}" if done else (
                f"{CIRCLE} {markup(label)} <font color=\"{palette.MUTED}\">({markup(self.t(NOT_CHECKED))})</font>")
            block.append(Paragraph(text, self.s["bullet"]))
        parts.append(KeepTogether(block))
        if c.notes.strip():
            parts += self.heading_before_text(self.t(OTHER_NOTES))
            for paragraph in c.notes.split("\n\n"):
                if paragraph.strip():
                    parts += self.flow(paragraph.strip("\n"))
        return parts

    def sources_part(self) -> list[Flowable]:
        """The numbered list the tables refer to ("[1]"): each source's title and file."""
        if not self.content.sources or self.sources_shown:
            return []
        self.sources_shown = True
        block: list[Flowable] = [Spacer(1, 6), self.subheading(self.t(SOURCES), "h3")]
        style = self.s["tiny"].clone("source", leftIndent=18, bulletIndent=0, bulletFontName=REGULAR,
                                     bulletFontSize=self.s["tiny"].fontSize)
        for source in self.content.sources:
            text = markup(source.label)
            if source.detail:
                text += f" <font color=\"{palette.MUTED}\">({markup(source.detail)})</font>"
            block.append(Paragraph(text, style, bulletText=self.source_ref(source.id)))
        return [KeepTogether(block)]

    # ---- signatures ---------------------------------------------------------------------------------------
    def signatures_part(self) -> list[Flowable]:
        c = self.consultation
        heading = self.heading(self.t(SIGNATURES))
        parts: list[Flowable] = []
        roles = [role for role in SIGNER_ROLES if role in c.signatures]
        for role in SIGNER_ROLES:
            if role in ("patient", "surgeon") and role not in roles:
                roles.append(role)
        roles.sort(key=SIGNER_ROLES.index)
        for role in roles:
            parts += [self.signature_block(role), Spacer(1, 8), *self.overflow()]
        if c.finalized_at is not None:
            parts.append(self.p(self.t(FINALIZED_AT, date=self.date(c.finalized_at.date()),
                                       time=self.time(c.finalized_at)), "small_muted"))
            if self.seal is not None:
                parts.append(self.p(self.t(SEAL_SELF_SIGNED) if self.seal.self_signed
                                    else self.t(SEAL_CERTIFICATE, holder=self.seal.holder), "small_muted"))
        # The signatures stay together on one page, under their heading.
        return [heading[0], KeepTogether(heading[1:] + parts)]

    def signature_block(self, role: str) -> Flowable:
        c, s = self.consultation, self.s
        signature = c.signatures.get(role)
        ink_w, ink_h = 0.36 * self.width, 0.36 * self.width / 2.8
        words: list[Flowable] = [Paragraph(markup(self.t(ROLE_NAMES[role]).upper(), BOLD), s["box_heading"])]
        if signature is not None:
            words.append(self.p(self.cell_text(signature.name, self.t(ROLE_NAMES[role])), "value", BOLD))
            words.append(self.p(self.t(SIGNED_AT, date=self.date(signature.signed_at.date()),
                                       time=self.time(signature.signed_at)), "small_muted"))
            words.append(Spacer(1, 3))
            meaning = self.cell_text(signature.meaning, self.t(ROLE_NAMES[role]))
            words.append(Paragraph(self.quoted(markup(meaning, ITALIC)), s["meaning"]))
            ink = signature_flowable(signature.drawing, ink_w, ink_h)
        else:
            name = self.setup.patient.name if role == "patient" else self.setup.surgeon.name
            words.append(self.p(self.cell_text(name, self.t(ROLE_NAMES[role])), "value", BOLD))
            if role == "patient":
                reason = c.patient_signature_missing_reason.strip()
                words.append(self.p(self.t(PATIENT_DID_NOT_SIGN), "body", BOLD))
                reason = self.cell_text(reason, self.t(PATIENT_DID_NOT_SIGN))
                words.append(self.p(self.t(REASON_GIVEN, reason=reason) if reason else self.t(NO_REASON), "body"))
            else:
                words.append(self.p(self.t(NOT_SIGNED), "body", BOLD))
            ink = _EmptyPad(ink_w, ink_h)
        return self.table([[ink, words]], [ink_w + 16, self.width - ink_w - 16], [
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BOX", (0, 0), (-1, -1), 0.6, HexColor(palette.BORDER)),
            ("LINEBEFORE", (1, 0), (1, 0), 0.4, HexColor(palette.RULE)),
            ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ("TOPPADDING", (0, 0), (-1, -1), 7), ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
        ])


# ---- Small flowables ---------------------------------------------------------------------------------------

class _Heading(Flowable):
    """A section heading with a thin accent rule under it; always kept with what follows."""

    def __init__(self, text: str, style, width: float):
        super().__init__()
        self.paragraph = Paragraph(text, style)
        self.style = style
        self.width = width
        self.keepWithNext = 1
        self.spaceBefore = style.spaceBefore
        self.spaceAfter = style.spaceAfter

    def wrap(self, available_width, available_height):
        self.width = available_width
        _w, h = self.paragraph.wrap(available_width, available_height)
        self.height = h + 5
        return self.width, self.height

    def split(self, available_width, available_height):
        return []

    def draw(self):
        self.paragraph.drawOn(self.canv, 0, 5)
        self.canv.saveState()
        self.canv.setStrokeColor(HexColor(palette.ACCENT))
        self.canv.setLineWidth(1.2)
        self.canv.line(0, 1.5, min(self.width, 48), 1.5)
        self.canv.setStrokeColor(HexColor(palette.BORDER))
        self.canv.setLineWidth(0.5)
        self.canv.line(48, 1.5, self.width, 1.5)
        self.canv.restoreState()


class _Callout(Flowable):
    """Text on a light panel with an accent bar on its left (as the timeline's caption on screen)."""

    def __init__(self, text: str, style, width: float, accent: bool = False):
        super().__init__()
        self.paragraph = Paragraph(text, style)
        self.width = width
        self.accent = accent

    def wrap(self, available_width, available_height):
        self.width = available_width
        _w, h = self.paragraph.wrap(available_width - 22, available_height)
        self.height = h + 14
        return self.width, self.height

    def split(self, available_width, available_height):
        if self.height <= available_height:
            return []
        return [Paragraph(self.paragraph.text, self.paragraph.style)]   # too long for a panel: plain text

    def draw(self):
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(HexColor("#EAF3FA" if self.accent else palette.SURFACE))
        canvas.roundRect(0, 0, self.width, self.height, 3, stroke=0, fill=1)
        canvas.setFillColor(HexColor(palette.ACCENT))
        canvas.rect(0, 0, 3, self.height, stroke=0, fill=1)
        canvas.restoreState()
        self.paragraph.drawOn(canvas, 13, 7)


class _Banner(_Callout):
    def draw(self):
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(HexColor(palette.WARNING_BG))
        canvas.setStrokeColor(HexColor(palette.WARNING_INK))
        canvas.setLineWidth(0.8)
        canvas.roundRect(0, 0, self.width, self.height, 3, stroke=1, fill=1)
        canvas.restoreState()
        self.paragraph.drawOn(canvas, 11, 7)


class _EmptyPad(Flowable):
    """Where a signature would be: the signature line only."""

    def __init__(self, width: float, height: float):
        super().__init__()
        self.width, self.height = width, height

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        self.canv.saveState()
        self.canv.setStrokeColor(HexColor(palette.BORDER))
        self.canv.setLineWidth(0.6)
        self.canv.setDash(3, 2)
        self.canv.line(0, self.height * 0.28, self.width, self.height * 0.28)
        self.canv.restoreState()


def chunks(text: str, size: int = CHUNK) -> list[str]:
    """`text` in consecutive pieces of at most `size` characters, for `SummaryDocument.flow`: lines are
    kept together while they fit; a longer line is cut after its last space within `size` (a sentence
    simply continues on the next line), or, in a text without spaces, after `size` characters."""
    if len(text) <= size:
        return [text]
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > size:
            cut = line.rfind(" ", size // 2, size) + 1 or size
            pieces += [current] if current else []
            current = ""
            pieces.append(line[:cut].rstrip(" "))
            line = line[cut:]
        if current and len(current) + 1 + len(line) > size:
            pieces.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    pieces += [current] if current else []
    return [piece for piece in pieces if piece.strip()] or [text[:size]]


def excerpt(text: str) -> str:
    """The beginning of a long text, cut at a word, with an ellipsis; a short text whole."""
    if len(text) <= EXCERPT:
        return text
    cut = text[:EXCERPT].rsplit(" ", 1)[0] if " " in text[:EXCERPT] else text[:EXCERPT]
    return f"{cut}…"


def attach_headings(story: list[Flowable]) -> list[Flowable]:
    """Moves each heading into the KeepTogether block that follows it. reportlab's keepWithNext does
    not reach into a KeepTogether, so without this a heading can be left alone at the foot of a page."""
    result: list[Flowable] = []
    pending: list[Flowable] = []
    for flowable in story:
        if getattr(flowable, "keepWithNext", 0) and not isinstance(flowable, KeepTogether):
            pending.append(flowable)
            continue
        if pending and isinstance(flowable, KeepTogether):
            flowable._content[:0] = pending
        else:
            result += pending
        pending = []
        result.append(flowable)
    return result + pending


def clinic_logo(logo_path, max_width: float, max_height: float = LOGO_HEIGHT) -> Flowable | None:
    """The clinic's logo image, its aspect kept, at most `max_height` high and `max_width` wide; None when
    there is no logo or it cannot be read (the summary is made without it)."""
    if not logo_path:
        return None
    try:
        with open(logo_path, "rb") as handle:
            data = handle.read()
        reader = ImageReader(io.BytesIO(data))
        pixels_w, pixels_h = reader.getSize()
        reader.getRGBData()   # decoded whole now: a damaged image must fail here, not halfway through the PDF
        if pixels_w <= 0 or pixels_h <= 0:
            return None
        scale = min(max_height / pixels_h, max_width / pixels_w)
        logo = Image(io.BytesIO(data), width=pixels_w * scale, height=pixels_h * scale)
        logo.hAlign = "LEFT"
        return logo
    except Exception:   # missing, unreadable or not an image: the summary matters more than the logo
        return None


def render(record: dict, paper: str = "a4", logo_path=None, seal=None) -> bytes:
    return SummaryDocument(record, paper, logo_path, seal).build()


__all__ = ["PAPER_SIZES", "RecordError", "SummaryDocument", "load_consultation", "render"]
