"""Keeps the garbage collector's full passes short once the sealing libraries are loaded.

reportlab, pyHanko, asn1crypto and cryptography leave about 90,000 container objects alive for the rest
of the session (their modules, tables and caches). Python's full collection walks every live container,
so each one took about 50 ms even with nothing to free, and it runs in whichever thread reaches the
threshold, holding the interpreter meanwhile: the window could not answer for 60-120 ms while a summary
was made in the background (design section 8: no stall over 50 ms while finalizing). Loaded once with
automatic collection paused, and then frozen (`gc.freeze`: moved where collections never look), those
objects cost nothing afterwards. What was garbage at that moment stays until the program ends: it is
bounded (it happens once) and small next to what the libraries keep anyway.
"""

from __future__ import annotations

import gc
import threading

_settled = False
_lock = threading.Lock()


def settle_sealing_libraries() -> None:
    """Imports what rendering, the PDF/A rewrite and the seal need, once, and freezes the heap after it."""
    global _settled
    with _lock:
        if _settled:
            return
        collecting = gc.isenabled()
        gc.disable()   # a collection during the imports would walk them all, and stall just the same
        try:
            import pyhanko.pdf_utils.reader
            import pyhanko.pdf_utils.writer
            import pyhanko.sign.signers  # noqa: F401

            import consultaid.report.archival
            import consultaid.report.seal
            import consultaid.report.summary  # noqa: F401 - imported for what it loads
        finally:
            gc.freeze()
            if collecting:
                gc.enable()
        _settled = True
