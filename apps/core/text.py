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


_LIST_PUNCTUATION = str.maketrans({"\uff1a": ":", "\uff1b": ";", "\uff0c": ","})  # ：；，


def clean(text: str | None) -> str:
    """A name, unit or line of a gazette list: ``normalise_name`` (the one normaliser) with
    half-width ：；， too, as the list parsers split on them (issue 14 §5)."""
    return normalise_name((text or "").translate(_LIST_PUNCTUATION))


def split_list(text: str) -> list[str]:
    """Split an enumeration on 、 outside parentheses; drop the final 。 (gazette lists of
    people and units: 衢政发〔2020〕12–15号, appointment notices)."""
    text = text.rstrip("。;")
    items, depth, current = [], 0, ""
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "、" and depth == 0:
            items.append(current)
            current = ""
        else:
            current += char
    items.append(current)
    return [item for item in items if item]
