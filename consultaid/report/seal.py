"""The seal: a PAdES certification signature that locks the finalized summary against any change. No Qt.

    load_seal(settings=None, data_dir=None, ask_passphrase=None) -> Seal
    seal_pdf(pdf, seal) -> bytes

The signature is a certification signature (DocMDP, "no changes allowed"), PAdES baseline
(ETSI.CAdES.detached, SHA-256), in an invisible signature field; the drawn signatures of the patient
and the surgeon stay in the page content. Any byte changed, removed or appended after sealing shows up
in `consultaid verify` (consultaid/report/verify.py) and in any PDF reader that checks signatures.

Whose certificate seals:
- the clinic's or surgeon's, when Settings names a PKCS#12 file (.p12/.pfx). Its passphrase comes
  from the system keyring (Python package `keyring`, service "ConsultAid seal", user = the file's
  path) when one holds it, else it is asked (`ask_passphrase`: a dialog in the app, getpass in the
  command line);
- otherwise this installation's own key and self-signed certificate, made on first use in
  <data dir>/seal/ (key readable by its owner only; encrypted under a passphrase kept in the system
  keyring where there is one, else plain, and `Seal.warning` says so). Its name says it is self-signed and of this
  installation, and the summary page says so in words: such a seal shows that the file is unchanged,
  not who the clinic is.

Every certificate that sealed on this installation is remembered in <data dir>/seal/known/, so
`consultaid verify` knows it later without the passphrase.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from consultaid.i18n import _

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
    from pyhanko.sign.signers import Signer, SimpleSigner

    from consultaid.settings import Settings

SEAL_FOLDER = "seal"
KEY_NAME = "installation-key.pem"
CERTIFICATE_NAME = "installation-certificate.pem"
KNOWN_FOLDER = "known"
# The installation certificate's common name. It used to say "…, this installation", which every
# installation's certificate said of itself; `consultaid verify` now names the certificate by its
# fingerprint and says whether it is this installation's own (verify.py).
SELF_SIGNED_NAME = "ConsultAid self-signed installation seal"
EARLIER_SELF_SIGNED_NAMES = ("ConsultAid self-signed seal, this installation",)
FIELD_NAME = "ConsultAidSeal"
KEYRING_SERVICE = "ConsultAid seal"
# Room for the CMS signature in the file; the installation's seal needs about 2 KB, a CA chain a few.
RESERVED_BYTES = 16384


class SealError(Exception):
    """The seal could not be made; the message is worded for the user."""


@dataclass
class Seal:
    """A signer ready to seal, and what the summary says about it."""

    signer: Signer              # pyHanko's
    certificate_der: bytes
    holder: str                 # the certificate's subject, for people
    self_signed: bool           # the installation's own certificate
    warning: str | None = None  # set when the installation's key is not encrypted at rest (no keyring)


def seal_folder(data_dir: Path | None = None) -> Path:
    from consultaid.paths import user_data_dir

    return Path(data_dir or user_data_dir()) / SEAL_FOLDER


def load_seal(settings: Settings | None = None, data_dir: Path | None = None,
              ask_passphrase: Callable[[Path], str | None] | None = None) -> Seal:
    """The configured PKCS#12 seal, else the installation's self-signed one (made on first use).
    `ask_passphrase(path) -> str | None` is called when the keyring has no passphrase; None cancels.
    Raises SealError when a configured certificate cannot be used."""
    path = getattr(settings, "seal_certificate", "") if settings is not None else ""
    seal = _pkcs12_seal(Path(path).expanduser(), ask_passphrase) if path else installation_seal(data_dir)
    remember_certificate(seal.certificate_der, data_dir)
    return seal


def installation_seal(data_dir: Path | None = None) -> Seal:
    """This installation's key and self-signed certificate, created the first time."""
    from cryptography import x509

    folder = seal_folder(data_dir)
    key_path, certificate_path = folder / KEY_NAME, folder / CERTIFICATE_NAME
    if not (key_path.is_file() and certificate_path.is_file()):
        _create_installation_key(folder)
    try:
        # Loading and checking an RSA key takes a tenth of a second: the loaded seal is kept for the
        # process, under the files' exact bytes (reading them is cheap; parsing them is not).
        files = (key_path.read_bytes(), certificate_path.read_bytes())
        if files not in _LOADED_SEALS:
            key, protected = _load_installation_key(files[0], key_path)
            certificate = x509.load_pem_x509_certificate(files[1])
            seal = _seal_from(key, certificate, [], self_signed=True)
            seal.warning = None if protected else _(
                "No system keyring is available: this installation's seal key {path} is not encrypted. Anyone "
                "who can read this account's files can seal documents with it; `consultaid verify` still tells "
                "them from the summaries in the record store (see docs/security.md).").format(path=key_path)
            _LOADED_SEALS[files] = seal
    except (OSError, ValueError, TypeError) as error:
        raise SealError(_("The seal key of this installation cannot be read: {reason}").format(reason=error)) \
            from error
    return _LOADED_SEALS[files]


def _load_installation_key(pem: bytes, key_path: Path) -> tuple[PrivateKeyTypes, bool]:
    """(the private key, whether it is encrypted at rest). An encrypted key is opened with its passphrase
    from the keyring (keystore.seal_key_passphrase); a plain one is encrypted as soon as a keyring can keep
    its passphrase (a key made before there was one, or by an earlier version)."""
    from cryptography.hazmat.primitives import serialization

    from consultaid.consultation.keystore import seal_key_passphrase

    data_dir = key_path.parent.parent
    if b"ENCRYPTED" in pem[:64]:
        passphrase = seal_key_passphrase(data_dir)
        if passphrase is None:
            raise SealError(_("The seal key of this installation is encrypted with a passphrase kept in the "
                              "system keyring, and the keyring does not give it: unlock the keyring, or see "
                              "docs/security.md."))
        return serialization.load_pem_private_key(pem, password=passphrase), True
    key = serialization.load_pem_private_key(pem, password=None)
    passphrase = seal_key_passphrase(data_dir, create=True)
    if passphrase is None:
        return key, False
    try:
        _write_private(key_path, _key_pem(key, passphrase))
    except OSError:
        return key, False   # still plain on disk: said as such, and tried again next time
    return key, True


def _key_pem(key: PrivateKeyTypes, passphrase: bytes | None) -> bytes:
    from cryptography.hazmat.primitives import serialization

    encryption = (serialization.BestAvailableEncryption(passphrase) if passphrase
                  else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


_LOADED_SEALS: dict[tuple[bytes, bytes], Seal] = {}


def installation_certificate(data_dir: Path | None = None) -> bytes | None:
    """DER bytes of this installation's seal certificate, or None when it has none yet."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    path = seal_folder(data_dir) / CERTIFICATE_NAME
    try:
        return x509.load_pem_x509_certificate(path.read_bytes()).public_bytes(serialization.Encoding.DER)
    except (OSError, ValueError):
        return None


def _create_installation_key(folder: Path) -> None:
    """An RSA 3072-bit key and a self-signed certificate valid for 30 years, both written whole or not at
    all. Not ECDSA: pyHanko marks an ECDSA-sealed file as PDF 2.0 (ISO 32002), which PDF/A-3 does not allow."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    installation = secrets.token_hex(4)
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, SELF_SIGNED_NAME),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ConsultAid"),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, installation),
    ])
    now = datetime.now(UTC) - timedelta(minutes=5)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now)
        .not_valid_after(now + timedelta(days=365 * 30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with suppress(OSError):
            os.chmod(folder, 0o700)
        # Encrypted under a passphrase the keyring keeps, where there is one (keystore.seal_key_passphrase).
        from consultaid.consultation.keystore import seal_key_passphrase

        _write_private(folder / KEY_NAME, _key_pem(key, seal_key_passphrase(folder.parent, create=True)))
        _write_private(folder / CERTIFICATE_NAME, certificate.public_bytes(serialization.Encoding.PEM))
    except OSError as error:
        raise SealError(_("The seal key of this installation could not be made: {reason}").format(
            reason=error.strerror or error)) from error


def _write_private(path: Path, data: bytes) -> None:
    from consultaid.files import write_atomically

    write_atomically(path, data)


def _pkcs12_seal(path: Path, ask_passphrase: Callable[[Path], str | None] | None) -> Seal:
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        data = path.read_bytes()
    except OSError as error:
        raise SealError(_("The seal certificate {path} cannot be read: {reason}").format(
            path=path, reason=error.strerror or error)) from error
    passphrase = keyring_passphrase(path)
    for attempt in range(2):
        try:
            key, certificate, others = pkcs12.load_key_and_certificates(
                data, passphrase.encode("utf-8") if passphrase is not None else None)
            break
        except ValueError as error:
            if attempt == 1 or ask_passphrase is None:
                raise SealError(_("The seal certificate {path} could not be opened: wrong passphrase or "
                                  "not a PKCS#12 file.").format(path=path)) from error
            passphrase = ask_passphrase(path)
            if passphrase is None:
                raise SealError(_("No passphrase was given for the seal certificate {path}.").format(path=path)) \
                    from error
    if key is None or certificate is None:
        raise SealError(_("The seal certificate {path} holds no private key and certificate.").format(path=path))
    return _seal_from(key, certificate, list(others or []), self_signed=False)


def keyring_passphrase(path: Path) -> str | None:
    """The passphrase kept in the system keyring for this PKCS#12 file, if there is a keyring and it has one."""
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, str(path))
    except Exception:   # no keyring package, no keyring service, a locked or broken backend
        return None


def keep_passphrase(path: Path, passphrase: str) -> bool:
    """Keep the passphrase in the system keyring; False when there is no usable keyring."""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, str(path), passphrase)
        return True
    except Exception:
        return False


def _seal_from(key: PrivateKeyTypes, certificate: x509.Certificate, others: list[x509.Certificate],
               self_signed: bool) -> Seal:
    from cryptography.hazmat.primitives import serialization
    from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    der = certificate.public_bytes(serialization.Encoding.DER)
    chain = [c.public_bytes(serialization.Encoding.PEM) for c in others]
    registry = SimpleCertificateStore.from_certs(
        [c for data in chain for c in load_certs_from_pemder_data(data)])
    signer = _signer_with_loaded_key(key)(
        signing_key=load_private_key_from_pemder_data(key_pem, passphrase=None),
        signing_cert=next(iter(load_certs_from_pemder_data(der))), cert_registry=registry)
    return Seal(signer=signer, certificate_der=der, holder=_holder(certificate), self_signed=self_signed)


def _signer_with_loaded_key(key: PrivateKeyTypes) -> type[SimpleSigner]:
    """pyHanko's SimpleSigner loads the key again from its DER form at every signature, with the checks
    cryptography makes of an RSA key: 0.1 s of each finalize for a 3072-bit key. This signer signs with
    the key object loaded (and checked) once, for the PKCS#1 v1.5 signatures the seal makes; anything
    else goes to pyHanko's own code."""

    from pyhanko.sign.signers import SimpleSigner

    class SignerWithLoadedKey(SimpleSigner):
        loaded_key = key

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
            from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
            from pyhanko_certvalidator.util import get_pyca_cryptography_hash

            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            if isinstance(self.loaded_key, RSAPrivateKey) and mechanism == "rsassa_pkcs1v15":
                return self.loaded_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
            return super().sign_raw(data, digest_algorithm)

    return SignerWithLoadedKey


def _holder(certificate: x509.Certificate) -> str:
    """The certificate's common name (and organisation), as people read it."""
    from cryptography.x509.oid import NameOID

    def first(oid: x509.ObjectIdentifier) -> str:
        values = certificate.subject.get_attributes_for_oid(oid)
        return str(values[0].value) if values else ""

    name, organisation = first(NameOID.COMMON_NAME), first(NameOID.ORGANIZATION_NAME)
    if name and organisation and organisation not in name:
        return f"{name} ({organisation})"
    return name or organisation or certificate.subject.rfc4514_string()


def fingerprint(certificate_der: bytes) -> str:
    """The short form of a certificate's SHA-256 fingerprint people can compare: its first 8 bytes."""
    digest = hashlib.sha256(certificate_der).hexdigest().upper()[:16]
    return ":".join(digest[index:index + 4] for index in range(0, 16, 4))


def remember_certificate(certificate_der: bytes, data_dir: Path | None = None) -> None:
    """Keep a copy of a certificate that sealed here, so verification on this installation knows it."""
    folder = seal_folder(data_dir) / KNOWN_FOLDER
    path = folder / f"{hashlib.sha256(certificate_der).hexdigest()[:32]}.der"
    if path.exists():
        return
    with suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        _write_private(path, certificate_der)


def known_certificates(data_dir: Path | None = None) -> list[bytes]:
    """DER bytes of every certificate that sealed on this installation (its own one included)."""
    found = []
    own = installation_certificate(data_dir)
    if own is not None:
        found.append(own)
    folder = seal_folder(data_dir) / KNOWN_FOLDER
    with suppress(OSError):
        for path in sorted(folder.glob("*.der")):
            with suppress(OSError):
                found.append(path.read_bytes())
    return list(dict.fromkeys(found))


def seal_pdf(pdf: bytes, seal: Seal, reason: str = "") -> bytes:
    """`pdf` with a certification signature appended as one incremental update: DocMDP level 1 (no
    change of any kind allowed afterwards), PAdES (ETSI.CAdES.detached), SHA-256, invisible field."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter

    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, certify=True, docmdp_permissions=MDPPerm.NO_CHANGES,
        subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256", reason=reason or None)
    from consultaid.report.coroutines import run_offline

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    try:
        output = run_offline(signers.PdfSigner(meta, signer=seal.signer).async_sign_pdf(
            writer, bytes_reserved=RESERVED_BYTES, in_place=False))
    except Exception as error:   # pyHanko's errors have many types; the summary must say why
        raise SealError(_("The summary could not be sealed: {reason}").format(reason=error)) from error
    sealed: bytes = output.getvalue()
    return sealed
