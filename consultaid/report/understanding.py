"""The summary's "Check of understanding" part: each question asked, the answer as the information gives it,
the patient's own words, and whether it was understood or explained again (and what was shown again).

Kept apart from summary.py (which calls `understanding_part` once, after the questions) so the part can
grow without touching the summary's layout. Only questions actually asked are printed; a consultation
without any prints nothing here (the teach-back ticks, the quick option, stay in the decision part).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.platypus import Flowable, KeepTogether, Paragraph

from consultaid.charts import palette
from consultaid.consultation.understanding import UNDERSTOOD, result_text
from consultaid.i18n import N_
from consultaid.report.fonts import BOLD, markup

if TYPE_CHECKING:
    from consultaid.report.summary import SummaryDocument

HEADING = N_("Check of understanding")
INTRO = N_("The surgeon asked these questions; you answered in your own words. The expected answer is the "
           "information you were given.")
EXPECTED = N_("The information says:")
PATIENT_WORDS = N_("Your words:")
CHECK_MARK, AGAIN_MARK = "\u2713", "\u21bb"


def understanding_part(doc: SummaryDocument) -> list[Flowable]:
    c = doc.consultation
    asked = [check for check in c.understanding if check.asked]
    if not asked:
        return []
    parts: list[Flowable] = [*doc.heading(doc.t(HEADING)), doc.p(doc.t(INTRO), "small_muted")]
    for check in asked:
        block: list[Flowable] = [*doc.flow(check.question, "h3", BOLD)]
        block[-1].keepWithNext = 1
        block.append(doc.p(doc.t(EXPECTED), "small_muted"))
        block += [piece for line in check.answer.split("\n") if line.strip()
                  for piece in doc.flow(line, "answer")]
        if check.patient_words.strip():
            block.append(doc.p(doc.t(PATIENT_WORDS), "small_muted"))
            block += doc.flow(check.patient_words, "answer")
        if check.result is not None:
            mark = CHECK_MARK if check.result == UNDERSTOOD and not check.re_explained else AGAIN_MARK
            block.append(Paragraph(f"<font color=\"{palette.ACCENT}\">{mark}</font> "
                                   f"{markup(result_text(check, doc.content), BOLD)}", doc.s["body"]))
        long = len(check.answer) + len(check.patient_words) > 1500
        parts += block if long else [KeepTogether(block)]
    return parts
