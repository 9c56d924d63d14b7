"""Key material checks for settings (issue 11 §6): no Django imports, settings use it."""

from __future__ import annotations

import base64
import binascii
import re

_HEX = re.compile(r"[0-9a-fA-F]+")
_B64 = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")


def key_material_bytes(value: str) -> int:
    """How many bytes of key material ``value`` holds: hex and base64 (standard or
    URL-safe, as ``secrets.token_hex`` / ``token_urlsafe`` print them) are decoded first,
    anything else counts as its UTF-8 bytes."""
    value = value.strip()
    if len(value) % 2 == 0 and _HEX.fullmatch(value):
        return len(value) // 2
    if _B64.fullmatch(value):
        padded = value.replace("-", "+").replace("_", "/")
        padded += "=" * (-len(padded) % 4)
        try:
            return len(base64.b64decode(padded, validate=True))
        except (binascii.Error, ValueError):
            pass
    return len(value.encode())
