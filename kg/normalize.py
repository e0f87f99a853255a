"""Normalized keys for names: the same thing spelled differently gets the same key.

Pure functions over text. Used to mint IRIs (``kg.iris``) and to match names (``kg.resolve``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

# Every dash, hyphen and minus sign, and the odd spaces registries paste in.
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")
_MARKS = dict.fromkeys(map(ord, "®™©℠"), None)


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Unicode NFKC (full-width forms become ASCII), accents stripped, dashes unified, ®/™ dropped,
    case folded, white space collapsed. ``'Péamplimab®'`` -> ``'peamplimab'``."""
    if text.isascii():  # nothing to normalize but case and spaces (most names: a fast path)
        return " ".join(text.casefold().split())
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_MARKS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


def slug(text: str, max_len: int = 80) -> str:
    """A readable, IRI-safe path segment: folded, runs of other characters as ``-``.

    Letters outside ASCII (e.g. Chinese) are kept and percent-encoded by ``kg.iris``. Long names
    are cut and given a short hash so different long names never share a slug.
    """
    folded = fold(text)
    s = re.sub(r"[^\w]+", "-", folded, flags=re.UNICODE).strip("-_").replace("_", "-")
    if not s:
        s = "x" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    if len(s) > max_len:
        s = s[:max_len].rstrip("-") + "-" + hashlib.sha256(folded.encode("utf-8")).hexdigest()[:8]
    return s


# Legal forms and generic words that do not tell organizations apart ("Co., Ltd.", "Inc.", "GmbH").
_LEGAL_FORMS = re.compile(
    r"\b(co|company|corp|corporation|inc|incorporated|ltd|limited|llc|plc|gmbh|ag|sa|s\.?p\.?a|spa|srl|s\.r\.l|"
    r"bv|nv|kk|k\.k|oy|ab|as|pty|pte|sas|sarl|kg|lp|llp|group|holdings?|"
    r"pharmaceuticals?|pharma|biosciences?|biotech(?:nology)?|biopharma(?:ceuticals?)?|biologics?|"
    r"therapeutics|medicines?|laboratories|labs?)\b\.?"
)


def org_key(name: str) -> str:
    """Legal-form-insensitive key: ``'Shanghai Junshi Bioscience Co., Ltd.'`` and ``'Junshi Biosciences'``
    differ only by place name and legal words; the key drops the legal and generic words.

    The place prefix is kept (it can tell organizations apart), so the two above give
    ``'shanghai junshi'`` and ``'junshi'``; ``kg.resolve`` merges such keys only by a suffix rule.
    """
    s = fold(name).replace("&", " and ")
    s = re.sub(r"[(),.;:/'\"]", " ", s)
    s = _LEGAL_FORMS.sub(" ", s)
    s = re.sub(r"\b(the|of|and)\b", " ", s)
    return " ".join(s.replace("-", " ").split())


_CODE_SHAPE = re.compile(r"^(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9]+(?:[\s\-_/.]?[A-Za-z0-9]+){0,3}$")


def is_code_like(text: str) -> bool:
    """A development code: letters and digits, short, few parts (``JS001``, ``BGB-A317``, ``SHR 1210``)."""
    if len(text) > 40:  # checked first: the shape pattern must never see a long run
        return False
    folded = fold(text)
    return len(re.sub(r"[^a-z0-9]", "", folded)) <= 14 and bool(_CODE_SHAPE.match(folded))


def code_key(text: str) -> str:
    """``'JS 001'``, ``'JS-001'``, ``'js001'`` -> ``'JS001'``: letters and digits only, upper case."""
    return re.sub(r"[^A-Z0-9]", "", fold(text).upper())


def digits(text: str) -> str:
    """The digit sequence of a name (codes that differ in digits are different drugs)."""
    return re.sub(r"\D", "", text)
