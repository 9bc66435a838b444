"""Checks a sealed summary: who sealed it and when, whether it is unchanged, whether its record is ours. No Qt.

    verify_pdf(data, data_dir=None, trusted=()) -> Verdict      Verdict.ok is True only if every check passed

The checks, each a failure when it does not hold:
1. the file is a PDF with exactly one signature, the seal, and that signature certifies the document
   with DocMDP level 1 (no change of any kind allowed after it);
2. the signed bytes are unchanged (their SHA-256 is the one the signature signed) and the signature
   itself is valid for the certificate it carries;
3. the signature covers the whole file: its byte range starts at 0 and ends at the file's last byte, so
   nothing was appended (no incremental update), cut off or inserted; and the one part it cannot cover,
   the signature's own /Contents, is in the exact form the sealer writes it (upper-case hex of the DER
   signature, then zeros): a changed padding digit or a change of letter case would leave the decoded
   signature the same, so without this some edits of the file would still pass;
4. the sealing certificate is known: this installation's own seal, a certificate that sealed here
   before (<data dir>/seal/known/), or one given with --trust (or issued by one given with --trust).
   The certificate is named by its short SHA-256 fingerprint, and whether it is this installation's;
5. the attached consultation record is there and is a ConsultAid record;
6. when a record store is found, the record stored under the same consultation id has the same hash.
   A file sealed with this installation's own key whose consultation is not in its record store is a
   failure ("sealed by this installation's key, but not in its record store"): the app stores every
   summary it seals, so such a file was sealed with `render --seal` (the audit trail says so) or by
   someone holding the key file. With no store at all, or for another certificate with no such
   consultation here (a summary from another workstation), it is said and is not a failure: the seal
   already proves the record is the one sealed with the summary.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from consultaid.i18n import _

if TYPE_CHECKING:
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
    from pyhanko.sign.validation.status import PdfSignatureStatus

    from consultaid.consultation.record_store import RecordStore
    from consultaid.consultation.store import Store


@dataclass
class Check:
    label: str
    ok: bool | None          # None: not checked, said for information only
    detail: str = ""


@dataclass
class Verdict:
    checks: list[Check] = field(default_factory=list)
    signer: str = ""
    self_signed: bool = False
    signed_at: datetime | None = None
    record: dict[str, Any] | None = None
    stored_version: int | None = None
    fingerprint: str = ""            # short SHA-256 fingerprint of the sealing certificate
    this_installation: bool = False  # sealed with this installation's own key

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok is not False for check in self.checks)

    def add(self, label: str, ok: bool | None, detail: str = "") -> bool:
        self.checks.append(Check(label, ok, detail))
        return bool(ok)


CONTENTS_FORM = re.compile(rb"<([0-9A-F]*)>")


def verify_pdf(data: bytes, data_dir: Path | None = None, trusted: Sequence[bytes] = (),
               open_store: Callable[[Path | None], RecordStore | None] | None = None) -> Verdict:
    """`open_store(data_dir) -> Store | None` opens the record store (the CLI passes one that honours
    settings and the environment); None means: look for the default database in `data_dir`."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import MDPPerm
    from pyhanko.sign.validation.pdf_embedded import read_certification_data

    verdict = Verdict()
    sealed_label = _("Seal")
    try:
        import io

        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as error:   # anything a damaged file can make a PDF parser raise
        verdict.add(sealed_label, False, _("not a readable PDF ({reason})").format(reason=_reason(error)))
        return verdict
    if len(signatures) != 1:
        verdict.add(sealed_label, False, _("the file has no seal") if not signatures else
                    _("the file has {count} signatures; a summary has exactly one seal").format(
                        count=len(signatures)))
        return verdict
    signature = signatures[0]
    try:
        certification = read_certification_data(reader)
        level = signature.docmdp_level
    except Exception as error:
        certification, level = None, None
        verdict.add(sealed_label, False, _reason(error))
    certifies = (certification is not None and level == MDPPerm.NO_CHANGES
                 and certification.permission == MDPPerm.NO_CHANGES
                 and certification.author_sig == signature.sig_object)
    verdict.add(_("Certification"), certifies,
                _("certified, no changes allowed after sealing") if certifies
                else _("the seal does not certify the document against every change"))

    covered = _check_coverage(verdict, data, signature)
    status = _validate(verdict, signature, trusted, data_dir, covered)
    if status is not None:
        _check_signer(verdict, status, trusted, data_dir)
    _check_record(verdict, data, data_dir, open_store)
    return verdict


def _check_coverage(verdict: Verdict, data: bytes, signature: EmbeddedPdfSignature) -> bool:
    label = _("Whole file sealed")
    try:
        start, first, second, rest = (int(n) for n in signature.sig_object["/ByteRange"])
    except Exception:
        return verdict.add(label, False, _("the seal's byte range cannot be read"))
    if start != 0 or second + rest != len(data) or not 0 < first < second:
        return verdict.add(label, False, _("the seal covers bytes 0 to {end} of {size}: the file was changed, "
                                           "cut or added to after sealing").format(end=second + rest, size=len(data)))
    gap = CONTENTS_FORM.fullmatch(data[first:second])
    der = bytes.fromhex(gap.group(1).decode("ascii")) if gap and len(gap.group(1)) % 2 == 0 else None
    length = _der_length(der) if der else None
    if der is None or length is None or any(der[length:]):
        return verdict.add(label, False, _("the signature's contents are not in the form the seal wrote them"))
    return verdict.add(label, True, _("{size} bytes, nothing added, removed or changed since sealing").format(
        size=len(data)))


def _der_length(der: bytes) -> int | None:
    """Length of the DER element at the start of `der` (a SEQUENCE), or None if it is not one."""
    if len(der) < 2 or der[0] != 0x30:
        return None
    if der[1] < 0x80:
        total = 2 + der[1]
    else:
        count = der[1] & 0x7F
        if not 0 < count <= 4 or len(der) < 2 + count:
            return None
        total = 2 + count + int.from_bytes(der[2:2 + count], "big")
    return total if total <= len(der) else None


def _validate(verdict: Verdict, signature: EmbeddedPdfSignature, trusted: Sequence[bytes], data_dir: Path | None,
              covered: bool) -> PdfSignatureStatus | None:
    from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from consultaid.report.coroutines import run_offline

    label = _("Signed bytes unchanged")
    try:
        from pyhanko.keys import load_certs_from_pemder_data

        roots = [cert for der in _trust_list(trusted, data_dir) for cert in load_certs_from_pemder_data(der)]
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        # The difference analysis only matters for updates after the seal, which fail the coverage anyway.
        status = run_offline(async_validate_pdf_signature(signature, context, skip_diff=not covered))
    except Exception as error:   # a damaged signature makes pyHanko raise many kinds of errors
        verdict.add(label, False, _("the seal cannot be checked ({reason})").format(reason=_reason(error)))
        return None
    intact = bool(status.intact and status.valid)
    verdict.add(label, intact, _("the signature is valid and the signed bytes are those that were sealed")
                if intact else _("the signed bytes or the signature were changed after sealing"))
    verdict.signed_at = status.signer_reported_dt
    return status


def _person_or_body(subject: dict[str, Any]) -> str:
    """The certificate's common name, and its organisation when that adds something: as people read it
    (not the serial number and attribute names of the distinguished name)."""
    name, organisation = subject.get("common_name") or "", subject.get("organization_name") or ""
    if name and organisation and organisation not in name:
        return f"{name} ({organisation})"
    return name or organisation or ", ".join(str(value) for value in subject.values())


def _check_signer(verdict: Verdict, status: PdfSignatureStatus, trusted: Sequence[bytes],
                  data_dir: Path | None) -> None:
    from consultaid.report.seal import (
        EARLIER_SELF_SIGNED_NAMES,
        SELF_SIGNED_NAME,
        fingerprint,
        installation_certificate,
    )

    certificate = status.signing_cert
    der = certificate.dump()
    verdict.signer = _person_or_body(certificate.subject.native)
    verdict.self_signed = certificate.self_signed != "no" and any(
        name in verdict.signer for name in (SELF_SIGNED_NAME, *EARLIER_SELF_SIGNED_NAMES))
    verdict.fingerprint = fingerprint(der)
    verdict.this_installation = der == installation_certificate(data_dir)
    label = _("Seal certificate")
    if verdict.this_installation:
        verdict.add(label, True, _("this installation's own self-signed seal (SHA-256 {fingerprint})").format(
            fingerprint=verdict.fingerprint))
    elif der in _trust_list(trusted, data_dir):
        verdict.add(label, True, _("not this installation's key, but a certificate that sealed on this "
                                   "installation or that you trust (SHA-256 {fingerprint})").format(
            fingerprint=verdict.fingerprint))
    elif status.trusted:
        verdict.add(label, True, _("issued by a certificate you trust (SHA-256 {fingerprint})").format(
            fingerprint=verdict.fingerprint))
    else:
        verdict.add(label, False, _("unknown here (SHA-256 {fingerprint}): anyone can make a certificate with "
                                    "this name. If you know it is right, check again with --trust CERTIFICATE")
                    .format(fingerprint=verdict.fingerprint))


def _trust_list(trusted: Sequence[bytes], data_dir: Path | None) -> list[bytes]:
    from consultaid.report.seal import known_certificates

    return list(dict.fromkeys([*known_certificates(data_dir), *trusted]))


def _check_record(verdict: Verdict, data: bytes, data_dir: Path | None,
                  open_store: Callable[[Path | None], RecordStore | None] | None) -> None:
    from consultaid.report.archival import ArchivalError, attached_record, record_hash

    try:
        record, _raw = attached_record(data)
    except ArchivalError as error:
        verdict.add(_("Attached record"), False, str(error))
        return
    verdict.record = record
    digest = record_hash(record)
    from consultaid.consultation.addendum import is_addendum

    what = _("addendum {id}, SHA-256 {hash}") if is_addendum(record) else _("consultation {id}, SHA-256 {hash}")
    verdict.add(_("Attached record"), True, what.format(id=record.get("id"), hash=digest[:16]))
    label = _("Stored record")
    try:
        store = open_store(data_dir) if open_store else _default_store(data_dir)
    except Exception as error:   # locked, damaged, encrypted without its key…
        verdict.add(label, None, _("the record store could not be opened ({reason}); the record was not "
                                   "compared").format(reason=_reason(error)))
        return
    if store is None:
        verdict.add(label, None, _("no record store here; the record was not compared"))
        return
    file_hash = hashlib.sha256(data).hexdigest()
    if is_addendum(record):
        try:
            _check_addendum(verdict, record, file_hash, store)
        finally:
            store.close()
        return
    try:
        rows = store.stored_versions(str(record.get("id")))
        sealed_outside = store.sealed_outside_entry(file_hash)
    except Exception as error:   # the clinic server went away, a damaged page…
        verdict.add(label, None, _("the record store could not be read ({reason}); the record was not "
                                   "compared").format(reason=_reason(error)))
        return
    finally:
        store.close()
    if not rows and verdict.this_installation:
        # This installation's key sealed it, yet its record store never stored it: a copy sealed with
        # `render --seal` (audited) or by whoever holds the key file (not). Not a stored summary either way.
        how = (_("the audit trail records that it was sealed with `consultaid render --seal` (entry {seq})")
               .format(seq=sealed_outside) if sealed_outside is not None else
               _("no audit entry records its sealing: whoever holds this installation's key file may have made "
                 "it"))
        verdict.add(label, False, _("sealed by this installation's key, but not in its record store; {how}").format(
            how=how))
        return
    if not rows:
        verdict.add(label, None, _("this consultation is not in this record store (made on another "
                                   "workstation?); the record was not compared"))
        return
    import json

    matching = [(version, pdf_hash) for version, text, pdf_hash in rows if record_hash(json.loads(text)) == digest]
    for version, pdf_hash in sorted(matching, key=lambda match: match[1] != file_hash):
        verdict.stored_version = version
        if verdict.this_installation and pdf_hash != file_hash:
            # The app keeps the exact bytes it sealed; sealing again never gives the same bytes, so this is
            # not the stored summary but a copy sealed again with this installation's key.
            verdict.add(label, False, _("the record store holds this record (version {version}), but this file is "
                                        "not the summary stored with it: it was sealed again with this "
                                        "installation's key").format(version=version))
            return
        same_file = _(" (the stored PDF is this very file)") if pdf_hash == file_hash else ""
        where = (_("sealed by this installation and in the record store: same as version {version}")
                 if verdict.this_installation else _("same as version {version} in the record store"))
        verdict.add(label, True, where.format(version=version) + same_file)
        return
    verdict.add(label, False, _("the record store holds this consultation, but no version of it matches the "
                                "attached record"))


def _check_addendum(verdict: Verdict, record: dict[str, Any], file_hash: str, store: RecordStore) -> None:
    """An addendum (consultation/addendum.py): is it the one stored, and does the summary it names exist in
    the store with the version and SHA-256 it names? A link that does not match is a failure."""
    consultation_id = str(record.get("consultation_id"))
    follows: dict[str, Any] = record["follows"] if isinstance(record.get("follows"), dict) else {}
    stored = [item for item in store.addenda(consultation_id) if item.addendum_id == record.get("id")]
    label = _("Stored addendum")
    if stored and stored[0].pdf_sha256 == file_hash:
        verdict.add(label, True, _("addendum {number} of this consultation in the record store (the stored PDF is "
                                   "this very file)").format(number=stored[0].number))
    elif stored:
        verdict.add(label, False, _("the record store holds this addendum, but this file is not the PDF stored "
                                    "with it"))
    elif verdict.this_installation:
        verdict.add(label, False, _("sealed by this installation's key, but not in its record store"))
    else:
        verdict.add(label, None, _("this addendum is not in this record store (made on another workstation?)"))
    link = _("Summary it follows")
    version, digest = follows.get("version"), str(follows.get("pdf_sha256", ""))
    named = _("version {version} of consultation {id}, SHA-256 {hash}").format(
        version=version, id=consultation_id, hash=digest[:16])
    versions = {row.id: row for row in store.versions(consultation_id)}
    if not versions and not verdict.this_installation:
        verdict.add(link, None, _("{named}: this consultation is not in this record store; the link was not "
                                  "checked").format(named=named))
        return
    record_id = follows.get("record_id")
    row = versions.get(record_id) if isinstance(record_id, int) else None
    if row is None or (row.version, row.pdf_sha256) != (version, digest):
        # Made on a workstation while the clinic server was away, it names the workstation's row; the
        # server keeps the same summary (this consultation, version and SHA-256) under its own row id.
        row = next((item for item in versions.values() if (item.version, item.pdf_sha256) == (version, digest)),
                   row)
    if row is not None and row.version == version and row.pdf_sha256 == digest:
        _summary, pdf = store.record(row.id)
        if hashlib.sha256(pdf).hexdigest() == digest:
            verdict.add(link, True, _("{named}: in the record store with this hash").format(named=named))
            return
    verdict.add(link, False, _("{named}: the record store holds no such summary; the addendum's link does not "
                               "match").format(named=named))


def _default_store(data_dir: Path | None) -> Store | None:
    from consultaid.consultation.store import DATABASE_NAME, open_store
    from consultaid.paths import user_data_dir

    folder = Path(data_dir or user_data_dir())
    if not (folder / DATABASE_NAME).is_file():
        return None
    return open_store(folder)


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
