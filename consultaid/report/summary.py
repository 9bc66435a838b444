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
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Frame,
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
    WRONG_BOOL,
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
from consultaid.i18n import LANGUAGE_NAMES, SUPPORTED_LANGUAGES, _, translate
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
from consultaid.report.ink_pdf import ILLUSTRATION_ALT, SIGNATURE_ALT, signature_flowable
from consultaid.report.paged_canvas import paged_canvas
from consultaid.report.styles import styles, typography
from consultaid.report.summary_flowables import (
    CHART_BLOCK,
    ESTIMATE_TEXTS,
    LONG_TEXT,
    TABLE_BLOCK,
    TIMELINE_BLOCK,
    Banner,
    Callout,
    EmptyPad,
    Heading,
    Rule,
    attach_headings,
    chunks,
    clinic_logo,
    excerpt,
)
from consultaid.report.summary_words import (
    ALTERNATIVES,
    APP,
    AUDIT_CHAIN,
    BENEFITS_AND_RISKS,
    BORN,
    CHART_INTRO,
    CLINIC,
    CONSULTATION,
    CONTENT_PACK,
    CONTINUED_BELOW,
    DATE,
    DATE_OF_BIRTH,
    DATES,
    DECISION,
    DECISION_NOT_RECORDED,
    DOCUMENT_ID,
    DRAFT,
    DRAFT_MARK,
    DRAWN,
    EXPLANATION_SHOWN,
    FIGURES_IN_DETAIL,
    FINALIZED_AT,
    HOW_MANY,
    IDENTIFIER,
    ILLUSTRATION_MISSING,
    IN_FULL,
    INDICATION,
    INTERPRETER,
    INTERPRETER_VALUE,
    INTRO,
    LABELLED,
    LANGUAGE,
    LARGE_PRINT,
    METADATA_SUBJECT,
    MILESTONE,
    NAME,
    NO_ANSWER,
    NO_MILESTONES,
    NO_OUTCOMES,
    NO_REASON,
    NO_SECTION_LEFT,
    NO_SURGERY_DATE,
    NONE_PRESENT,
    NOT_CHECKED,
    NOT_DISCUSSED_NOTE,
    NOT_DISCUSSED_SECTIONS,
    NOT_GIVEN,
    NOT_SIGNED,
    NOT_STATED,
    NOTES_ON_DECISION,
    NOTHING_RECORDED,
    OTHER_NOTES,
    OUTCOME,
    PAGE_OF,
    PATIENT,
    PATIENT_DID_NOT_SIGN,
    PRINT_SIZE,
    PROCEDURE,
    PROCEDURE_EXPLAINED,
    QUESTION_NUMBER,
    QUESTIONS,
    REASON_GIVEN,
    RECOVERY,
    REFUSAL_CONSEQUENCES,
    REGISTRATION,
    SEAL_CERTIFICATE,
    SEAL_SELF_SIGNED,
    SIDE_LEVEL,
    SIGNATURES,
    SIGNED_AT,
    SOURCE,
    SOURCES,
    STANDARD_PRINT,
    SURGEON,
    SURGERY_DATE,
    SURGERY_ON,
    TEACH_BACK_HEADING,
    TEACH_BACK_INTRO,
    TIME,
    TIME_FROM,
    TIME_RANGE,
    TITLE,
    TITLE_LABEL,
    WHAT_WAS_SAID,
    WHEN,
    WHO,
    YOU,
)
from consultaid.report.tagging import TaggedDocTemplate, TaggingCanvas, with_row_headers

if TYPE_CHECKING:
    import os
    from datetime import date as Day

    from consultaid.charts.risk_chart import RiskChart
    from consultaid.charts.timeline import Timeline
    from consultaid.consultation.shown_content import ShownEstimate, ShownMilestone, ShownOutcome, ShownSection
    from consultaid.report.seal import Seal
from consultaid.report.understanding import understanding_part

PAPER_SIZES = {"a4": A4, "letter": LETTER}
SIDE_MARGIN = 20 * mm
TOP_MARGIN = 20 * mm
BOTTOM_MARGIN = 24 * mm      # room for the two-line footer
FOOTER_SIZE = 8.0
# Large print: the footer's reference lines at 12 pt take up to four lines (the pack's line may wrap).
LARGE_TOP_MARGIN = 28 * mm   # and the running header on two lines
LARGE_BOTTOM_MARGIN = 36 * mm
CHECK, CIRCLE = "✓", "○"

def load_consultation(record: object) -> Consultation:
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
    if not (consultation.large_print is None or isinstance(consultation.large_print, bool)):
        raise RecordProblem(_(WRONG_BOOL).format(where="large_print"))
    return consultation


def short_line(text: str, limit: int = 200) -> str:
    """An error's text on one line, not too long (it may quote a value of the record)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


class SummaryDocument:
    """One record, laid out. `build()` returns the PDF bytes."""

    def __init__(self, record: dict[str, Any], paper: str = "a4", logo_path: str | os.PathLike[str] | None = None,
                 seal: Seal | None = None) -> None:
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
        # Large print when the record says so (chosen when finalizing, or by `render --large-print`).
        self.large = self.consultation.large_print is True
        self.s = styles(self.large)
        self.type = typography(self.large)
        self.grow = self.type.body / 10   # spaces kept in proportion to the type
        self.top_margin = LARGE_TOP_MARGIN if self.large else TOP_MARGIN
        self.bottom_margin = LARGE_BOTTOM_MARGIN if self.large else BOTTOM_MARGIN
        self.page_width, self.page_height = PAPER_SIZES[paper]
        self.width = self.page_width - 2 * SIDE_MARGIN
        self.frame_height = self.page_height - self.top_margin - self.bottom_margin
        self.source_numbers = {source.id: number for number, source in enumerate(self.content.sources, start=1)}
        self.sources_shown = False
        self._overflow: list[tuple[str, str]] = []
        self.logo = clinic_logo(logo_path, 0.6 * self.width)
        self.seal = seal   # a report.seal.Seal when the PDF will be sealed: the page says by whom

    # ---- small helpers ----------------------------------------------------------------------------------
    def t(self, text: str, **values: object) -> str:
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
        `prefix`, markup, starts the first piece, and `bullet` marks it. reportlab breaks a paragraph into
        lines again on each page it continues on, so one huge paragraph costs time quadratic in its length
        (200 s and more for a 1 MB note); pieces of bounded size keep the cost linear."""
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

    def date(self, value: Day) -> str:
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
        return [CondPageBreak(room * self.grow), Heading(markup(text, BOLD), self.s["h1"], self.width)]

    def heading_before_text(self, text: str, style: str = "h2") -> list[Flowable]:
        """A heading over text that may be long: it starts a new page unless a few lines fit under it
        (keepWithNext would push a long text whole onto the next page, leaving a blank one)."""
        return [CondPageBreak(70 * self.grow), self.p(text, style)]

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
        document = TaggedDocTemplate(
            buffer, pagesize=PAPER_SIZES[self.paper], leftMargin=SIDE_MARGIN, rightMargin=SIDE_MARGIN,
            topMargin=self.top_margin, bottomMargin=self.bottom_margin,
            title=f"{self.t(TITLE)}: {self.content.title}", author=setup.surgeon.name,
            subject=self.t(METADATA_SUBJECT, date=self.date(c.started_at.date()), patient=setup.patient.name),
            creator=self.t(APP, version=c.app_version), keywords=[c.id, self.content.pack_id],
            lang=self.language, invariant=1, initialFontName=REGULAR, initialFontSize=self.type.body,
            displayDocTitle=1,
        )
        frame = Frame(SIDE_MARGIN, self.bottom_margin, self.width, self.frame_height,
                      id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        document.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        document.build(self.story(), canvasmaker=paged_canvas(self.draw_page_furniture, moment))
        self.structure = document.detach()   # the tagged PDF's structure, for report/archival.py
        return buffer.getvalue()

    def draw_page_furniture(self, canvas: TaggingCanvas, page: int, pages: int) -> None:
        """Footer on every page; from page 2, a running header naming the patient and the consultation."""
        if self.large:
            self.draw_large_page_furniture(canvas, page, pages)
            return
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

    def draw_large_page_furniture(self, canvas: TaggingCanvas, page: int, pages: int) -> None:
        """The same footer and header in large print: 12 pt, on up to four lines, nothing cut from the
        document id, audit hash or pack fingerprint (the pack's line wraps rather than lose its end)."""
        from reportlab.lib.utils import simpleSplit

        c, content = self.consultation, self.content
        size = self.type.footer
        line_gap = size * 1.2
        left, right = SIDE_MARGIN, self.page_width - SIDE_MARGIN
        canvas.saveState()
        canvas.setStrokeColor(HexColor(palette.BORDER))
        canvas.setLineWidth(0.6)
        rule_y = self.bottom_margin - 7 * mm
        canvas.line(left, rule_y, right, rule_y)
        canvas.setFillColor(HexColor(palette.MUTED))
        y = rule_y - size - 2
        page_w = draw_text(canvas, right, y, self.t(PAGE_OF, page=page, pages=pages), BOLD, size, align="right")
        draw_text(canvas, left, y, fit_text(self.t(DOCUMENT_ID, id=c.id), REGULAR, size, right - left - page_w - 12),
                  REGULAR, size)
        y -= line_gap
        trail = [self.t(AUDIT_CHAIN, hash=c.audit_hash[:16])] if c.audit_hash else []
        if c.finalized_at is None:
            trail.append(self.t(DRAFT_MARK))
        app_w = draw_text(canvas, right, y, self.t(APP, version=c.app_version), REGULAR, size, align="right")
        if trail:
            draw_text(canvas, left, y, fit_text(" · ".join(trail), REGULAR, size, right - left - app_w - 12),
                      REGULAR, size)
        pack = self.t(CONTENT_PACK, id=content.pack_id, version=content.pack_version,
                      fingerprint=content.fingerprint[:12])
        for line in simpleSplit(pack, REGULAR, size, right - left)[:2]:
            y -= line_gap
            draw_text(canvas, left, y, fit_text(line, REGULAR, size, right - left), REGULAR, size)
        if page > 1:
            patient = self.setup.patient
            # On two lines: at 12 pt, who and when side by side would cut the patient's name short.
            header_y = self.page_height - self.top_margin + 8 * mm
            who = f"{patient.name} · {self.t(BORN, date=self.date(patient.date_of_birth))}"
            when = f"{self.t(TITLE)} · {self.date(c.started_at.date())}"
            draw_text(canvas, left, header_y + line_gap, fit_text(who, BOLD, size, right - left), BOLD, size)
            draw_text(canvas, left, header_y, fit_text(when, REGULAR, size, right - left), REGULAR, size)
            canvas.line(left, header_y - 5, right, header_y - 5)
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
            parts.append(Banner(markup(self.t(DRAFT), BOLD), self.s["small_bold"], self.width))
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
                                    (INTERPRETER, interpreter),
                                    (PRINT_SIZE, self.t(LARGE_PRINT if self.large else STANDARD_PRINT))]),
            (self.t(PROCEDURE), [(PROCEDURE, self.content.title), (SIDE_LEVEL, value(setup.side_level)),
                                 (INDICATION, value(setup.indication)),
                                 (SURGERY_DATE, self.date(setup.surgery_date) if setup.surgery_date
                                  else self.t(NOT_GIVEN))]),
        ]
        panel = HexColor(palette.SURFACE)
        if self.large:   # one box a row: two side by side would leave a few large words a line
            rows = [[self.info_box(title, pairs, self.width - 12)] for title, pairs in boxes]
            commands: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                        ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                        ("BACKGROUND", (0, 0), (-1, -1), panel),
                        ("LINEBELOW", (0, 0), (-1, -2), 6, HexColor("#FFFFFF"))]
            commands += [("LINEABOVE", (0, row), (0, row), 1.5, HexColor(palette.ACCENT)) for row in range(len(rows))]
            parts += [self.table(rows, [self.width], commands), *self.overflow(), Spacer(1, 8),
                      self.p(self.t(INTRO), "small_muted")]
            return parts
        gutter = 10.0
        half = (self.width - gutter) / 2
        cells = [self.info_box(title, pairs, half - 12) for title, pairs in boxes]
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

    def info_box(self, title: str, pairs: Sequence[tuple[str, str]], width: float) -> Table:
        s = self.s
        label_w = 0.38 * width
        rows = [[Paragraph(markup(title.upper(), BOLD), s["box_heading"]), ""]]
        for label, text in pairs:
            rows.append([self.p(self.t(label), "label"), self.p(self.cell_text(text, self.t(label)), "value")])
        # A table for a screen reader: the panel's name heads both columns, each label heads its row.
        return with_row_headers(self.table(rows, [label_w, width - label_w], [
            ("SPAN", (0, 0), (-1, 0)),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
        ], repeat_rows=1))

    def tables(self, rows: list[list[Any]], widths: Sequence[float], commands: Sequence[tuple[Any, ...]],
               repeat_rows: int = 1) -> list[Flowable]:
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
        for first, end in zip(starts, ends, strict=True):
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

    def table(self, rows: list[list[Any]], widths: Sequence[float], commands: Sequence[tuple[Any, ...]],
              repeat_rows: int = 0, row_heights: Sequence[float | None] | None = None) -> Table:
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
        text = (f"{markup(title, BOLD)}&nbsp;&nbsp;<font name=\"{REGULAR}\" size=\"{self.type.status}\" "
                f"color=\"{palette.MUTED}\">{markup(self.status(discussed))}</font>")
        paragraph = Paragraph(text, self.s["h2"])
        paragraph.keepWithNext = 1
        return paragraph

    def illustration(self, section: ShownSection) -> list[Flowable]:
        drawing = self.consultation.ink.get(section.id)
        if drawing is None or drawing.is_empty:
            return []
        share, max_height = (0.8, 320) if self.large else (0.62, 260)   # bigger, still beside its text
        picture = illustration_flowable(section.illustration, drawing, width=self.width * share, max_height=max_height,
                                        missing_text=self.t(ILLUSTRATION_MISSING), font_name=REGULAR,
                                        alternative_text=self.t(ILLUSTRATION_ALT, title=section.title))
        caption = self.p(self.t(DRAWN, title=section.title), "small_muted")
        return [Spacer(1, 4), KeepTogether([picture, Spacer(1, 3), caption]), Spacer(1, 6)]

    # ---- benefits and risks -----------------------------------------------------------------------------
    def outcomes(self) -> list[ShownOutcome]:
        """Benefits, risks and the surgeon's patient-specific risks, as the chart takes them."""
        return list(self.consultation.outcomes().shown)

    def discussed_outcomes(self) -> set[str]:
        return set(self.consultation.outcomes().discussed)

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
        legend = risk_legend(chart, self.width, self.large)
        if legend is not None:
            parts += [Spacer(1, 4), legend, Spacer(1, 8)]
        # In blocks of outcomes, for the reason given in `tables` (5,000 patient-specific risks took 193 s).
        parts += [risk_chart_table(replace(chart, rows=chart.rows[start:start + CHART_BLOCK]), self.width, notes,
                                   self.large)
                  for start in range(0, len(chart.rows), CHART_BLOCK)]
        parts += [Spacer(1, 6), self.subheading(self.t(FIGURES_IN_DETAIL)), *self.figures_table(chart, outcomes, notes),
                  *long_notes]
        return parts + self.sources_part()

    def fitting_outcome(self, outcome: ShownOutcome) -> ShownOutcome:
        """`outcome` with a label and detail short enough for a table row; the whole texts are queued."""
        label = self.cell_text(outcome.label, excerpt(outcome.label))
        heading = (self.t(SURGEONS_NOTE, note=excerpt(outcome.label)).rstrip() if outcome.custom
                   else excerpt(outcome.label))
        detail = self.cell_text(outcome.detail, heading) if outcome.detail else outcome.detail

        def fitted(estimate: ShownEstimate) -> ShownEstimate:
            long_texts: dict[str, Any] = {name: self.cell_text(getattr(estimate, name), excerpt(outcome.label))
                                          for name in ESTIMATE_TEXTS if len(getattr(estimate, name) or "") > LONG_TEXT}
            return replace(estimate, **long_texts)

        estimates = tuple(fitted(estimate) for estimate in outcome.estimates)
        if (label, detail, estimates) == (outcome.label, outcome.detail, outcome.estimates):
            return outcome
        return replace(outcome, label=label, detail=detail, estimates=estimates)

    def source_ref(self, source_id: str, title: str = "") -> str:
        """"[2]": the number of a source in the list of sources; its title if it is not listed."""
        number = self.source_numbers.get(source_id)
        return f"[{number}]" if number else (title or source_id)

    def header_row(self, texts: Sequence[str]) -> list[Paragraph]:
        style = self.s["tiny"].clone("th", fontName=BOLD)
        return [Paragraph(markup(text, BOLD), style) for text in texts]

    TABLE_COMMANDS = (
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
    )

    def labelled_lines(self, pairs: Sequence[tuple[str, str]]) -> str:
        """"Label: value" lines (markup) for the large-print lists that stand in for the tables."""
        return "<br/>".join(f"<font color=\"{palette.MUTED}\">{markup(self.t(LABELLED, label=self.t(label)))}</font> "
                            f"{markup(value)}" for label, value in pairs if value)

    def figures_list(self, chart: RiskChart, outcomes: Sequence[ShownOutcome],
                     notes: dict[str, str]) -> list[Flowable]:
        """Large print: the figures table as a list, one block per outcome and one entry per source's figure
        (number first, then who, when and which source, each on its own line): six columns of 14 pt words
        would break the words themselves."""
        by_id = {outcome.id: outcome for outcome in outcomes}
        not_stated = self.t(NOT_STATED)
        entry = self.s["small"].clone("figure_entry", leftIndent=18 * self.grow, bulletIndent=4 * self.grow,
                                      bulletFontSize=self.type.small, spaceAfter=4)
        parts: list[Flowable] = []
        for row in chart.rows:
            outcome = by_id[row.outcome_id]
            name = ("↳ " if row.depth else "") + f"<b>{markup(row.label, BOLD)}</b>"
            name += (f"&nbsp;&nbsp;<font color=\"{palette.MUTED}\" size=\"{self.type.status}\">"
                     f"{markup(self.status(row.discussed))}</font>")
            extra = [text for text in (row.within_text, row.custom_text) if text]
            if extra:
                name += f"<br/><font color=\"{palette.MUTED}\">{markup(' · '.join(extra))}</font>"
            block: list[Flowable] = [Paragraph(name, self.s["small"].clone("figure_name", spaceBefore=6))]
            for bar, estimate in zip(row.bars, outcome.estimates, strict=False):
                figure = f"<b>{markup(bar.number_label, BOLD)}</b>"
                if bar.verbal_text:
                    figure += f" <font color=\"{palette.MUTED}\">{markup(bar.verbal_text)}</font>"
                if outcome.custom:
                    group, source = self.t(YOU), estimate.source_title
                else:
                    group = estimate.group_text or not_stated
                    source = self.source_ref(estimate.source, estimate.source_title)
                lines = self.labelled_lines([(WHO, group), (WHEN, estimate.window_text or not_stated),
                                             (SOURCE, source)])
                block.append(Paragraph(f"{figure}<br/>{lines}", entry, bulletText="•"))
            if not row.bars:
                block.append(Paragraph(markup(not_stated), entry, bulletText="•"))
            note = notes.get(row.outcome_id, "")
            if note:
                block.append(self.p(self.t(SURGEONS_NOTE, note=note), "small", ITALIC))
            block.append(Rule())
            parts.append(KeepTogether(block))
        return parts

    def figures_table(self, chart: RiskChart, outcomes: Sequence[ShownOutcome],
                      notes: dict[str, str]) -> list[Flowable]:
        """Every source's figure for every outcome: number first, who, when, which source, discussed."""
        if self.large:
            return self.figures_list(chart, outcomes, notes)
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
            for index, (bar, estimate) in enumerate(zip(row.bars, outcome.estimates, strict=True)):
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
        # At 10 pt each column holds its longest word whole (« exceptionnel », "immédiatement", "chirurgien,",
        # the bold "Discussed"): narrower, reportlab would cut the word in two.
        shares = (0.18, 0.20, 0.17, 0.18, 0.13, 0.14)
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
                                            legend=timeline.legend if start == 0 else ()), self.large)
                  for start in range(0, len(timeline.items), TIMELINE_BLOCK)]
        blocks = blocks or [timeline_flowable(timeline, self.large)]
        parts += [KeepTogether([date_line, Callout(markup(timeline.caption), self.s["caption"], self.width),
                                Spacer(1, 8), blocks[0]]), *blocks[1:], Spacer(1, 8)]
        with_dates = setup.surgery_date is not None
        if self.large:
            parts += self.milestones_list(timeline, milestones, with_dates)
            parts += self.overflow()
            return parts + ([] if self.sources_shown else self.sources_part())
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
        shares = (0.38, 0.19, 0.18, 0.11, 0.14) if with_dates else (0.47, 0.28, 0.11, 0.14)   # "Discussed" whole
        parts += self.tables(rows, [self.width * share for share in shares], commands)
        parts += self.overflow()
        if not self.sources_shown:
            parts += self.sources_part()
        return parts

    def milestones_list(self, timeline: Timeline, milestones: Sequence[ShownMilestone],
                        with_dates: bool) -> list[Flowable]:
        """Large print: the milestones table as a list, one block per milestone (when, dates, source)."""
        c = self.consultation
        by_id = {milestone.id: milestone for milestone in milestones}
        parts: list[Flowable] = []
        for item in timeline.items:
            progress = c.milestones.get(item.milestone_id)
            name = (f"<b>{markup(item.label, BOLD)}</b>&nbsp;&nbsp;<font color=\"{palette.MUTED}\" "
                    f"size=\"{self.type.status}\">{markup(self.status(bool(progress and progress.discussed)))}</font>")
            if item.detail:
                name += f"<br/><font color=\"{palette.MUTED}\">{markup(item.detail)}</font>"
            timing = item.timing_text + (f" · {item.repeat_text}" if item.repeat_text else "")
            sources = ", ".join(self.source_ref(source) for source in by_id[item.milestone_id].sources)
            lines = self.labelled_lines([(WHEN, timing), (DATES, item.date_text if with_dates else ""),
                                         (SOURCE, sources)])
            block: list[Flowable] = [Paragraph(f"{name}<br/>{lines}", self.s["small"].clone(
                "milestone_entry", spaceBefore=6, spaceAfter=2))]
            if progress and progress.note:
                note = self.cell_text(progress.note, self.t(SURGEONS_NOTE, note=item.label))
                block.append(self.p(self.t(SURGEONS_NOTE, note=note), "small", ITALIC))
            block.append(Rule())
            parts.append(KeepTogether(block))
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
        for other in c.other_alternatives:
            label = self.t(REFUSAL_CONSEQUENCES) if other.id == "no_treatment" else self.t(WHAT_WAS_SAID)
            block = [self.section_title(other.label, other.discussed)]
            note = other.note.strip()
            said = f"<b>{markup(self.t(LABELLED, label=label), BOLD)}</b> "
            block += (self.flow(other.note, prefix=said) if note else [Paragraph(
                f"{said}<i>{markup(self.t(NOTHING_RECORDED), ITALIC)}</i>", self.s["body"])])
            if len(other.note) < 1500:
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
            parts.append(Callout(markup(self.t(DECISION_LABELS[c.decision]), BOLD), self.s["body"].clone(
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
            ink = signature_flowable(signature.drawing, ink_w, ink_h, self.t(SIGNATURE_ALT, name=signature.name))
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
            ink = EmptyPad(ink_w, ink_h)
        return self.table([[ink, words]], [ink_w + 16, self.width - ink_w - 16], [
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BOX", (0, 0), (-1, -1), 0.6, HexColor(palette.BORDER)),
            ("LINEBEFORE", (1, 0), (1, 0), 0.4, HexColor(palette.RULE)),
            ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ("TOPPADDING", (0, 0), (-1, -1), 7), ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
        ])


def render(record: dict[str, Any], paper: str = "a4", logo_path: str | os.PathLike[str] | None = None,
           seal: Seal | None = None) -> bytes:
    return SummaryDocument(record, paper, logo_path, seal).build()


__all__ = ["PAPER_SIZES", "RecordError", "SummaryDocument", "load_consultation", "render"]
