"""The addendum PDF: a confirmation on the day or a withdrawal, one or two pages in the patient's language,
made from the addendum's record alone (consultation/addendum.py) and sealed like the summary.

    key_facts(summary_record) -> [{"label", "figures"}]   what a confirmation shows again (the summary's risks)
    render_addendum(record, seal=None) -> bytes            the PDF; the same record gives the same bytes
    sealed_addendum(record, seal=None) -> bytes            tagged PDF/A-3a (PDF/UA-1), record attached, sealed

Each page names the summary the addendum follows (consultation id, version, SHA-256 of its stored PDF), so
the paper alone says which signed summary it completes; `consultaid verify` checks that link in the store.

The addendum is as accessible as the summary, by the same code (report/tagging.py while it draws,
report/structure_tree.py and report/archival.py when it is kept): title and parts as headings, paragraphs,
the key facts as a list, the parties panel as a table whose labels are row header cells, each signature a
figure that says whose it is, footer and rules as artifacts, /Lang in the patient's language.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
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
from consultaid.charts.risk_chart import number_text
from consultaid.consultation.addendum import (
    ADDENDUM_ROLES,
    CONFIRMATION,
    KIND_TITLES,
    ROLE_NAMES,
    WITHDRAWAL_ROLE_NAMES,
    is_addendum,
)
from consultaid.consultation.session import PatientSpecificRisk, Signature
from consultaid.consultation.shown_content import outcome_from_dict
from consultaid.formatting import format_long_date
from consultaid.i18n import N_, SUPPORTED_LANGUAGES, translate
from consultaid.report import RecordError
from consultaid.report.fonts import BOLD, ITALIC, REGULAR, draw_text, fit_text, markup, register_fonts
from consultaid.report.ink_pdf import SIGNATURE_ALT, signature_flowable
from consultaid.report.paged_canvas import paged_canvas
from consultaid.report.structure_tree import DocumentStructure
from consultaid.report.styles import styles
from consultaid.report.summary_flowables import EmptyPad
from consultaid.report.tagging import TaggedDocTemplate, TaggingCanvas, with_row_headers

MARGIN = 20 * mm
BOTTOM = 24 * mm
FOOTER_SIZE = 8.0

SUBTITLE = N_("Addendum to the consultation summary")
FOLLOWS = N_("This addendum follows version {version} of the summary of the consultation, finalized on {date}. "
             "The summary itself is not changed.")
PATIENT = N_("Patient")
BORN = N_("born {date}")
PROCEDURE = N_("Procedure")
SURGEON = N_("Surgeon")
CLINICIAN = N_("Clinician")
WHEN = N_("Date")
AT_TIME = N_("{date} at {time}")
SUMMARY_LINK = N_("Summary it follows")
LINK_VALUE = N_("consultation {id}, version {version}, SHA-256 {hash}")
KEY_FACTS = N_("The key facts, shown again")
NO_FIGURE = N_("Other risks, for which the information gives no figure:")
STILL_WISHES = N_("Does the patient still wish to go ahead?")
YES_GO_AHEAD = N_("Yes: the patient still wishes to go ahead.")
NO_DECLINES = N_("No: the patient no longer wishes to go ahead.")
NEW_INFORMATION = N_("New information given today")
STATEMENT = N_("What the patient said")
QUESTIONS = N_("Questions and answers")
NO_ANSWER = N_("No answer recorded.")
SIGNATURES = N_("Signatures")
SIGNED_AT = N_("Signed on {date} at {time}")
DID_NOT_SIGN = N_("The patient did not sign this addendum.")
REASON = N_("Reason given: {reason}")
NOT_SIGNED = N_("Not signed.")
SEALED = N_("This PDF carries an electronic seal: any change to the file after sealing is detected by "
            "consultaid verify.")
FOOTER_ID = N_("Addendum {id} · follows {consultation} v{version} · SHA-256 {hash}")
AUDIT_CHAIN = N_("audit chain {hash}")
PAGE_OF = N_("Page {page} of {pages}")
LABELLED = N_("{label}: {detail}")
SEAL_DESCRIPTION = N_("Electronic seal of this addendum (see consultaid verify)")


def key_facts(summary: dict[str, Any]) -> list[dict[str, str]]:
    """The summary's risks, each with its figures as the chart words them (in the summary's language), and
    the risks added for this patient: what a confirmation shows the patient again. Nothing new is written."""
    content = summary["content"]
    language = content["language"]
    facts = []
    for data in content["risks"]:
        outcome = outcome_from_dict(data)
        # Each figure once: sources that agree say the same number (the summary shows each source).
        figures = "; ".join(dict.fromkeys(number_text(estimate, language) for estimate in outcome.estimates
                                          if estimate.kind != "not_known"))
        facts.append({"label": outcome.label, "figures": figures})
    for data in summary.get("patient_specific_risks", []):
        risk = PatientSpecificRisk(**data)
        estimate = risk.as_outcome("").estimates[0]
        facts.append({"label": risk.label, "figures": number_text(estimate, language)
                      if estimate.kind != "not_known" else ""})
    return facts


class AddendumDocument:
    def __init__(self, record: dict[str, Any], seal: Any = None):
        if not is_addendum(record):
            raise RecordError("not a ConsultAid addendum")
        register_fonts()
        self.record = record
        self.language = record["language"] if record.get("language") in SUPPORTED_LANGUAGES else "en"
        self.s = styles()
        self.seal = seal
        self.width = A4[0] - 2 * MARGIN
        self.moment = datetime.fromisoformat(record["made_at"])
        self.structure: DocumentStructure | None = None   # after build(): what report/archival.py tags

    def t(self, text: str, **values: Any) -> str:
        words = translate(text, self.language)
        return words.format(**values) if values else words

    def p(self, text: str, style: str = "body", font: str | None = None) -> Paragraph:
        chosen = self.s[style]
        if font and font != chosen.fontName:
            chosen = chosen.clone(f"{chosen.name}_{font}", fontName=font)
        return Paragraph(markup(text, chosen.fontName), chosen)

    def day(self, iso: str) -> str:
        return format_long_date(date.fromisoformat(iso[:10]), self.language)

    def build(self) -> bytes:
        buffer = io.BytesIO()
        r = self.record
        title = self.t(KIND_TITLES[r["kind"]])
        document = TaggedDocTemplate(
            buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=BOTTOM,
            title=f"{title}: {r['procedure']['title']}", author=r.get("clinician", ""),
            subject=self.t(SUBTITLE), creator="ConsultAid", keywords=[r["id"], r["consultation_id"]],
            lang=self.language, invariant=1, initialFontName=REGULAR, initialFontSize=10, displayDocTitle=1,
            seal_description=self.t(SEAL_DESCRIPTION))
        frame = Frame(MARGIN, BOTTOM, self.width, A4[1] - MARGIN - BOTTOM, id="body", leftPadding=0,
                      rightPadding=0, topPadding=0, bottomPadding=0)
        document.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        document.build(self.story(title), canvasmaker=paged_canvas(self.footer, self.moment))
        self.structure = document.detach()
        return buffer.getvalue()

    def footer(self, canvas: TaggingCanvas, page: int, pages: int) -> None:
        r = self.record
        left, right = MARGIN, A4[0] - MARGIN
        canvas.saveState()
        canvas.setStrokeColor(HexColor(palette.BORDER))
        canvas.setLineWidth(0.5)
        rule = BOTTOM - 9 * mm
        canvas.line(left, rule, right, rule)
        canvas.setFillColor(HexColor(palette.MUTED))
        page_w = draw_text(canvas, right, rule - 10, self.t(PAGE_OF, page=page, pages=pages), BOLD, FOOTER_SIZE,
                           align="right")
        line = self.t(FOOTER_ID, id=r["id"][:8], consultation=r["consultation_id"][:8],
                      version=r["follows"]["version"], hash=r["follows"]["pdf_sha256"][:16])
        if r.get("audit_hash"):
            line += " · " + self.t(AUDIT_CHAIN, hash=r["audit_hash"][:16])
        draw_text(canvas, left, rule - 10, fit_text(line, REGULAR, FOOTER_SIZE, right - left - page_w - 20), REGULAR,
                  FOOTER_SIZE)
        canvas.restoreState()

    def story(self, title: str) -> list[Flowable]:
        r = self.record
        parts: list[Flowable] = [self.p(title, "title"), self.p(self.t(SUBTITLE), "subtitle")]
        finalized = r.get("summary_finalized_at") or ""
        parts.append(self.p(self.t(FOLLOWS, version=r["follows"]["version"],
                                   date=self.day(finalized) if finalized else "?"), "body"))
        parts += [Spacer(1, 4), self.facts_table(), Spacer(1, 8)]
        if r["kind"] == CONFIRMATION:
            parts += self.confirmation_part()
        else:
            parts += self.heading(STATEMENT) + self.text(r.get("statement", ""))
        parts += self.questions_part()
        parts += self.signatures_part()
        return parts

    def heading(self, text: str) -> list[Flowable]:
        heading = self.p(self.t(text), "h2")
        heading.keepWithNext = 1
        return [heading]

    def text(self, text: str, style: str = "body") -> list[Flowable]:
        return [self.p(paragraph.strip(), style) for paragraph in text.split("\n") if paragraph.strip()]

    def facts_table(self) -> Table:
        r = self.record
        patient = r["patient"]
        who = patient["name"]
        if patient.get("date_of_birth"):
            who += ", " + self.t(BORN, date=self.day(patient["date_of_birth"]))
        if patient.get("identifier"):
            who += f", {patient['identifier']}"
        procedure = ", ".join(part for part in (r["procedure"]["title"], r["procedure"].get("side_level")) if part)
        link = self.t(LINK_VALUE, id=r["consultation_id"], version=r["follows"]["version"],
                      hash=r["follows"]["pdf_sha256"])
        rows = [(PATIENT, who), (PROCEDURE, procedure), (SURGEON, r.get("surgeon", "")),
                (CLINICIAN, ", ".join(part for part in (r.get("clinician", ""), r.get("clinician_registration", ""))
                                      if part)),
                (WHEN, self.t(AT_TIME, date=self.day(r["made_at"]), time=self.moment.strftime("%H:%M"))),
                (SUMMARY_LINK, link)]
        label_w = 0.28 * self.width
        table = Table([[self.p(self.t(label), "label"), self.p(value, "small" if label == SUMMARY_LINK else "value")]
                       for label, value in rows], [label_w, self.width - label_w])
        with_row_headers(table)   # each label is the header of its row, for a screen reader
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 6),
            ("BOX", (0, 0), (-1, -1), 0.6, HexColor(palette.BORDER)),
            ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
        return table

    def confirmation_part(self) -> list[Flowable]:
        r = self.record
        parts = self.heading(KEY_FACTS)
        facts = r.get("key_facts", [])
        for fact in [fact for fact in facts if fact["figures"]]:
            colon = self.t(LABELLED, label="", detail="")   # ": " in English, " : " in French
            text = markup(fact["label"], BOLD) + markup(colon) + markup(fact["figures"])
            parts.append(Paragraph(text, self.s["bullet"], bulletText="\u2022"))
        others = [fact["label"] for fact in facts if not fact["figures"]]
        if others:
            parts.append(Paragraph(f"{markup(self.t(NO_FIGURE), BOLD)} {markup('; '.join(others))}",
                                   self.s["bullet"], bulletText="\u2022"))
        parts += self.heading(STILL_WISHES)
        answer = YES_GO_AHEAD if r.get("still_wishes") else NO_DECLINES
        parts.append(self.p(self.t(answer), "body", BOLD))
        if r.get("new_information", "").strip():
            parts += self.heading(NEW_INFORMATION) + self.text(r["new_information"])
        return parts

    def questions_part(self) -> list[Flowable]:
        asked = self.record.get("questions", [])
        if not asked:
            return []
        parts = self.heading(QUESTIONS)
        for qa in asked:
            block: list[Flowable] = [self.p(qa["question"], "h3", BOLD)]
            block += self.text(qa["answer"], "answer") if qa["answer"].strip() else [
                self.p(self.t(NO_ANSWER), "small_muted")]
            parts.append(KeepTogether(block))
        return parts

    def signatures_part(self) -> list[Flowable]:
        r = self.record
        names = ROLE_NAMES if r["kind"] == CONFIRMATION else WITHDRAWAL_ROLE_NAMES
        signed = {data["role"]: Signature.from_dict(data) for data in r.get("signatures", [])}
        blocks: list[Flowable] = self.heading(SIGNATURES)
        ink_w = 0.34 * self.width
        ink_h = ink_w / 2.8
        for role in ADDENDUM_ROLES:
            signature = signed.get(role)
            words: list[Flowable] = [self.p(self.t(names[role]).upper(), "box_heading", BOLD)]
            ink: Flowable
            if signature is not None:
                words += [self.p(signature.name, "value", BOLD),
                          self.p(self.t(SIGNED_AT, date=self.day(signature.signed_at.isoformat()),
                                        time=signature.signed_at.strftime("%H:%M")), "small_muted"),
                          Paragraph(markup(signature.meaning, ITALIC), self.s["meaning"])]
                ink = signature_flowable(signature.drawing, ink_w, ink_h,
                                         self.t(SIGNATURE_ALT, name=signature.name))
            else:
                name = r["patient"]["name"] if role == "patient" else r.get("clinician", "")
                words.append(self.p(name, "value", BOLD))
                if role == "patient":
                    reason = r.get("patient_signature_missing_reason", "").strip()
                    words += [self.p(self.t(DID_NOT_SIGN), "body", BOLD), self.p(self.t(REASON, reason=reason))]
                else:
                    words.append(self.p(self.t(NOT_SIGNED), "body", BOLD))
                ink = EmptyPad(ink_w, ink_h)   # the signature line, as the summary draws it
            table = Table([[ink, words]], [ink_w + 16, self.width - ink_w - 16])
            table.setStyle(TableStyle([
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("BOX", (0, 0), (-1, -1), 0.6, HexColor(palette.BORDER)),
                ("LEFTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
            blocks += [table, Spacer(1, 6)]
        if self.seal is not None:
            blocks.append(self.p(self.t(SEALED), "small_muted"))
        return [KeepTogether(blocks)]


def render_addendum(record: dict[str, Any], seal: Any = None) -> bytes:
    return AddendumDocument(record, seal).build()


def sealed_addendum(record: dict[str, Any], seal: Any = None) -> bytes:
    """As the summary is kept: tagged PDF/A-3a (PDF/UA-1) with the addendum's record attached, then sealed
    (no change allowed)."""
    from consultaid.report.heap import settle_sealing_libraries

    settle_sealing_libraries()
    from consultaid.report.archival import archival_pdf
    from consultaid.report.seal import installation_seal, seal_pdf

    seal = seal or installation_seal()
    document = AddendumDocument(record, seal)
    pdf = document.build()
    return bytes(seal_pdf(archival_pdf(pdf, record, document.structure), seal))
