"""`consultaid verify FILE.pdf`: is this sealed summary intact, who sealed it, is its record ours? No Qt.

Exit status: 0 every check passed, 1 a check failed (the file was changed, is not sealed, its seal is
unknown here, its record differs from the stored one, or this installation's key sealed it but the record
store does not hold it), 2 wrong arguments or no such file. The checks
themselves are in consultaid/report/verify.py.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from consultaid.i18n import _

if TYPE_CHECKING:
    from consultaid.consultation.record_store import RecordStore


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    verify = commands.add_parser(
        "verify", help=_("check the seal of a summary PDF and its attached record"),
        description=_("Check a sealed summary: who sealed it and when, whether it is unchanged since sealing, "
                      "and whether its attached record matches the record store. Exit status: 0 every check "
                      "passed, 1 a check failed, 2 wrong arguments or no such file."))
    verify.add_argument("pdf", type=Path, metavar="FILE.pdf", help=_("the summary PDF to check"))
    verify.add_argument("--trust", type=Path, action="append", default=[], metavar="CERTIFICATE",
                        help=_("also accept seals made with this certificate or issued by it (PEM or DER; "
                               "may be given more than once)"))


def data_dir(args: argparse.Namespace) -> Path:
    """Where records and the seal key are: --data-dir, then CONSULTAID_DATA_DIR, then Settings, then the
    platform's default (the order the app and `consultaid records` use)."""
    from consultaid.paths import user_data_dir
    from consultaid.settings import load_settings

    if args.data_dir is not None:
        return Path(args.data_dir)
    configured = load_settings().data_dir
    if configured and not os.environ.get("CONSULTAID_DATA_DIR"):
        return Path(configured)
    return user_data_dir()


def _clinic_server_opener(args: argparse.Namespace) -> Callable[[Path | None], RecordStore] | None:
    """How verify opens the record store when it is the clinic server (--database-url,
    CONSULTAID_DATABASE_URL or Settings › Data): a PDF is compared with the clinic's records, and a
    `render --seal` is looked up in the clinic's audit trail. None: this workstation's file, if there is one."""
    from consultaid.consultation.record_store import database_url
    from consultaid.settings import load_settings

    url = database_url(getattr(args, "database_url", None))
    if not url and load_settings().record_store != "server":
        return None

    def open_clinic_store(folder: Path | None) -> RecordStore:
        from consultaid.paths import user_data_dir
        from consultaid.server.opening import open_record_store

        return open_record_store(folder or user_data_dir(), url=url)
    return open_clinic_store


def run_verify(args: argparse.Namespace) -> int:
    import logging

    from consultaid.report.verify import verify_pdf

    # pyHanko logs each failed check with a traceback; the verdict below already says it in words.
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).addHandler(logging.NullHandler())
        logging.getLogger(name).propagate = False

    try:
        data = args.pdf.read_bytes()
    except FileNotFoundError:
        print(_("{path}: no such file").format(path=args.pdf), file=sys.stderr)
        return 2
    except OSError as error:
        print(_("{path}: cannot be read: {error}").format(path=args.pdf, error=error.strerror or error),
              file=sys.stderr)
        return 2
    trusted = []
    for path in args.trust:
        try:
            trusted.append(_certificate_der(path.read_bytes()))
        except (OSError, ValueError) as error:
            print(_("{path}: not a certificate that can be read ({error})").format(path=path, error=error),
                  file=sys.stderr)
            return 2
    verdict = verify_pdf(data, data_dir(args), trusted, _clinic_server_opener(args))
    print(_("File: {path}").format(path=args.pdf))
    if verdict.signer:
        kind = _(" (self-signed certificate of a ConsultAid installation)") if verdict.self_signed else ""
        print(_("Sealed by: {signer}").format(signer=verdict.signer) + kind)
        whose = _("this installation's own key") if verdict.this_installation else _("not this installation's key")
        print(_("Certificate: SHA-256 {fingerprint}, {whose}").format(fingerprint=verdict.fingerprint, whose=whose))
    if verdict.signed_at is not None:
        print(_("Sealed at: {time} (the sealing computer's clock)").format(
            time=verdict.signed_at.astimezone().isoformat(sep=" ", timespec="seconds")))
    for check in verdict.checks:
        mark = {True: "\u2713", False: "\u2717", None: "\u2013"}[check.ok]
        print(mark + " " + _("{label}: {detail}").format(label=check.label, detail=check.detail))
    if verdict.ok:
        print(_("Result: the seal is valid and the document is unchanged since it was sealed."))
        return 0
    print(_("Result: NOT VALID. Do not rely on this file; use the copy in the record store."))
    return 1


def _certificate_der(data: bytes) -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    certificate = (x509.load_pem_x509_certificate(data) if data.lstrip().startswith(b"-----")
                   else x509.load_der_x509_certificate(data))
    return certificate.public_bytes(Encoding.DER)
