"""The words of the summary PDF, marked for translation and put into the consultation's language when the
summary is drawn (report/summary.py): every heading, label and sentence the app itself writes on it."""

from __future__ import annotations

from consultaid.i18n import N_

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
METADATA_SUBJECT = N_("Summary of the consultation of {date}: what {patient} was told")

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
# Which print this copy is (issue 18: the record says which was printed, and so does the page).
PRINT_SIZE = N_("Print")
STANDARD_PRINT = N_("Standard print")
LARGE_PRINT = N_("Large print")

PROCEDURE_EXPLAINED = N_("Procedure explained")
NOT_DISCUSSED_SECTIONS = N_("Not discussed during the consultation")
NOT_DISCUSSED_NOTE = N_("These parts of the information were not marked as discussed. They are listed so that "
                        "nothing is left out silently.")
NO_SECTION_LEFT = N_("Each part of the information was discussed.")
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
NO_OUTCOMES = N_("No benefit or risk is listed for this procedure.")

RECOVERY = N_("Expected recovery")
SURGERY_ON = N_("Planned surgery date: {date}")
NO_SURGERY_DATE = N_("No surgery date yet: times are counted from the day of surgery.")
MILESTONE, DATES = N_("Milestone"), N_("Dates")
NO_MILESTONES = N_("No recovery step is listed for this procedure.")

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
# Plain words (issue 18 item 5): short sentences, grade 8 or below (tests/test_summary_plain_words.py).
SEAL_SELF_SIGNED = N_("This PDF has an electronic seal. It was made with a self-signed certificate of this ConsultAid "
                      "installation. The seal shows if the file was changed after it was finalized. It does not "
                      "prove on its own who made the file. To check it: consultaid verify FILE.pdf")
SEAL_CERTIFICATE = N_("This PDF has an electronic seal made with the certificate of {holder}. Any change to the file "
                      "after it was finalized breaks the seal. To check it: consultaid verify FILE.pdf")
CONTINUED_BELOW = N_("(in full below)")
IN_FULL = N_("{label}, in full")
