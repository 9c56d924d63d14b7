"""Resident ID numbers (公民身份号码), GB 11643-1999.

Validation (checksum ISO 7064 MOD 11-2, birth date, region code), masking, and the
at-rest protection used by ``ResidentIdField``: AES-GCM ciphertext plus an HMAC-SHA256
lookup digest, so the database holds no plaintext yet exact lookups stay indexed.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import re
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")

# Province-level prefixes of GB/T 2260. The full county list changes every year and old
# numbers keep abolished county codes, so only the province level is checked strictly.
PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36",
    "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62",
    "63", "64", "65", "71", "81", "82", "83",
}


def check_char(first17: str) -> str:
    """The 18th character for the first 17 digits (ISO 7064 MOD 11-2)."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalise(value: str) -> str:
    return str(value).strip().upper().replace(" ", "")


def validate(value: str, *, today: dt.date | None = None) -> str:
    """Return the normalised number or raise ``ValidationError`` saying what is wrong."""
    number = normalise(value)
    if len(number) != 18:
        # the value itself is not quoted: a near-number is still personal data (messages of
        # large imports are kept on the job record)
        raise ValidationError(f"公民身份号码应为18位,实际为{len(number)}位", code="length")
    if not _SHAPE.fullmatch(number):  # ASCII digits only: "²" or full-width digits are refused
        raise ValidationError("公民身份号码前17位应为数字,末位为数字或X", code="chars")
    if number[:2] not in PROVINCES or number[2:6] == "0000":
        raise ValidationError(f"公民身份号码的地址码“{number[:6]}”不是有效的行政区划代码", code="region")
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(f"公民身份号码的出生日期“{number[6:14]}”不是有效日期", code="birth") from None
    today = today or dt.date.today()
    if born > today or born.year < 1890:
        raise ValidationError(f"公民身份号码的出生日期“{number[6:14]}”不合理", code="birth")
    expected = check_char(number[:17])
    if number[17] != expected:
        raise ValidationError(f"公民身份号码校验码错误(应为{expected})", code="checksum")
    return number


def is_valid(value: str) -> bool:
    try:
        validate(value)
    except ValidationError:
        return False
    return True


def mask(value: str | None) -> str:
    """``330802********123X``: region code and last four only (DOMAIN §0)."""
    if not value:
        return ""
    value = normalise(value)
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def birth_date(value: str) -> dt.date:
    number = normalise(value)
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


# --- at-rest protection -------------------------------------------------------------


@lru_cache(maxsize=4)
def _keys(secret: str, configured: str) -> tuple[bytes, bytes]:
    """(encryption key, digest key). From RESIDENT_ID_KEY, else derived from SECRET_KEY."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    material = configured.encode() if configured else secret.encode()
    okm = HKDF(algorithm=hashes.SHA256(), length=64, salt=b"qzgov-resident-id", info=b"v1").derive(
        material
    )
    return okm[:32], okm[32:]


def _current_keys() -> tuple[bytes, bytes]:
    return _keys(settings.SECRET_KEY, settings.RESIDENT_ID_KEY)


def digest(value: str) -> str:
    """Keyed lookup digest (HMAC-SHA256, hex) of a normalised number."""
    return hmac.new(_current_keys()[1], normalise(value).encode(), hashlib.sha256).hexdigest()


@lru_cache(maxsize=4)
def _cipher(key: bytes):
    """One AES-GCM object per key, not one per number (a roll decrypts tens of thousands)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def encrypt(value: str) -> str:
    nonce = os.urandom(12)
    sealed = _cipher(_current_keys()[0]).encrypt(nonce, normalise(value).encode(), b"rid")
    return "v1:" + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    if not token.startswith("v1:"):
        raise ValueError("unknown resident-ID ciphertext version")
    raw = base64.urlsafe_b64decode(token[3:])
    return _cipher(_current_keys()[0]).decrypt(raw[:12], raw[12:], b"rid").decode()


def compose(region: str, born: dt.date | str, sequence: int) -> str:
    """A valid number for ``region`` (6 digits), birth date and 3-digit sequence (demo/tests)."""
    if isinstance(born, dt.date):
        born = born.strftime("%Y%m%d")
    first17 = f"{region}{born}{sequence % 1000:03d}"
    return first17 + check_char(first17)
