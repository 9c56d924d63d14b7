"""One spelling for names and titles (issue 10 §14): （）≡(), ［］≡[], ｛｝≡{}, ＜＞≡<>, no spaces.

The gazette prints ASCII brackets, staff and spreadsheets type full-width ones, page breaks
and typesetting add spaces (ASCII, full-width U+3000, no-break): every cleaner of
organisation names, document titles and office names calls ``normalise_name`` so
"衢州市人民医院(分院)" and "衢州市人民医院（分院）" are one name. The 〔〕 of document
numbers are left alone (``docnumbers`` normalises those to 〔〕).
"""

from __future__ import annotations

import re

_WIDTH = str.maketrans({
    "\uff08": "(", "\uff09": ")",  # （）
    "\uff3b": "[", "\uff3d": "]",  # ［］
    "\uff5b": "{", "\uff5d": "}",  # ｛｝
    "\uff1c": "<", "\uff1e": ">",  # ＜＞
})
_SPACE = re.compile(r"\s+")  # includes U+3000 and U+00A0


def normalise_name(text: str | None) -> str:
    """The canonical spelling of a name or title: ASCII parentheses and brackets, no spaces."""
    return _SPACE.sub("", (text or "").translate(_WIDTH))
