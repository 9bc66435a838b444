"""The surgeon's unlock PIN: only a salted, deliberately slow hash is ever kept, never the PIN. No Qt here.

    hash_pin("482913") -> "scrypt$32768$8$1$<salt hex>$<hash hex>"   (a new random salt every time)
    check_pin("482913", stored) -> True                               (constant-time comparison)
    pin_problem("12") -> "The PIN must have at least 4 digits."      (None when the PIN can be used)

scrypt (memory-hard, ~0.1 s per check here) makes each guess expensive for someone who copied the
settings file; the lock screen's back-off limits guesses at the screen itself. A 4 to 12 digit PIN is
still a short secret: it keeps people in the room out of an unattended consultation, it is not a
password for the records (see docs/surgeons.md, "Locking the screen").
"""

from __future__ import annotations

import hashlib
import hmac
import os

from consultaid.i18n import _

MIN_DIGITS, MAX_DIGITS = 4, 12
# scrypt cost: N=2^15, r=8 uses 32 MiB and about a tenth of a second; stored with the hash, so a later
# version can raise it and still check PINs set before.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 15, 8, 1
SALT_BYTES, HASH_BYTES = 16, 32


def pin_problem(pin: str) -> str | None:
    """Why this PIN cannot be used, or None. Digits only, so it can be typed on any keypad."""
    if not pin.isascii() or not pin.isdigit():
        return _("The PIN must be made of digits only.")
    if not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        return _("The PIN must have from {low} to {high} digits.").format(low=MIN_DIGITS, high=MAX_DIGITS)
    return None


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=128 * r * n * 2,
                          dklen=HASH_BYTES)


def hash_pin(pin: str) -> str:
    salt = os.urandom(SALT_BYTES)
    digest = _scrypt(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def check_pin(pin: str, stored: str) -> bool:
    """True when `pin` is the one `stored` was made from. A malformed `stored` never matches."""
    try:
        scheme, n_text, r_text, p_text, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        n, r, p = int(n_text), int(r_text), int(p_text)
        # Bounds, so a damaged settings file cannot make a check take minutes or all the memory.
        if not (2 <= n <= 2 ** 20 and 1 <= r <= 32 and 1 <= p <= 16):
            return False
        expected = bytes.fromhex(digest)
        actual = _scrypt(pin, bytes.fromhex(salt), n, r, p)
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(actual, expected)


__all__ = ["MAX_DIGITS", "MIN_DIGITS", "check_pin", "hash_pin", "pin_problem"]
