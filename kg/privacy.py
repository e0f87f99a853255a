"""Personal data out of records by default: contact phone numbers and e-mail addresses, also where a
source writes them into free text (an official's affiliation, a secondary id, a description).

``scrub_record`` is applied to every record before it is built into RDF or printed by ``kg extract``, unless
the user asks for contacts (``--include-contacts``). What is removed is replaced by a marker, so a reader sees
that something was there: ``[e-mail removed]``, ``[phone removed]``.

E-mail addresses are found by scanning out from each ``@`` (time linear in the text, whatever it holds).
Phone numbers are told from the other digit runs of trial records (dates, EudraCT numbers 2019-001234-56,
doses, protocol codes) by their form: an international number (``+86 21 6417 5590``), a number after a
phone word (``Tel:``, ``Phone``, ``Fax``, ``电话``), the North American 3-3-4 grouping, a Chinese area-code
number (``021-64175590``) or mobile number (``13812345678``). Every pattern has bounded repetition.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from kg.sources.model import Contact, TrialRecord

EMAIL_MARK = "[e-mail removed]"
PHONE_MARK = "[phone removed]"
_LOCAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-'")
_DOMAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
_DIGITS = r"[0-9][0-9 ().\-]{5,22}[0-9]"
_PHONE = re.compile(
    r"(?<![\w+])\+[ ]?[0-9]{1,3}[ .\-]?(?:\(0\)[ ]?)?[0-9(][0-9 ().\-]{5,20}[0-9]"  # international
    r"|(?P<cue>(?i:(?<![a-z])(?:tel|telephone|phone|ph|fax|mobile|cell|mob|电话|手机|联系电话|传真))\.?[ ]?(?:no\.?)?[ ]?[:：]?[ ]?)"
    + _DIGITS +  # after a phone word (kept)
    r"|(?<![\w\-])(?:1[ .\-])?\(?[2-9][0-9]{2}\)?[ .\-]?[0-9]{3}[.\-][0-9]{4}(?![\w\-])"  # (1-)3-3-4
    r"|(?<![\w\-])0[1-9][0-9]{1,2}-[0-9]{7,8}(?![\w\-])"  # Chinese area code
    r"|(?<![\w\-])1[3-9][0-9]{9}(?![\w\-])"  # Chinese mobile
)


# every pattern of _PHONE holds a run of 7 or more of these characters, from a digit or "(" to a digit: a text
# without one (most: doses, dates, counts) is not given to _PHONE, whose look-behinds make it slow
_DIGIT_RUN = re.compile(r"[0-9(][0-9 ().\-]{5,}[0-9]")


def scrub_text(text: str) -> str:
    """``text`` with e-mail addresses and phone numbers replaced by markers."""
    if "@" in text:
        text = _scrub_emails(text)
    if _DIGIT_RUN.search(text):
        text = _PHONE.sub(lambda m: (m["cue"] or "") + PHONE_MARK, text)
    return text


def _scrub_emails(text: str) -> str:
    out, last, at = [], 0, text.find("@")
    while at >= 0:
        start = at
        while start > last and text[start - 1] in _LOCAL:
            start -= 1
        end = at + 1
        while end < len(text) and text[end] in _DOMAIN:
            end += 1
        domain = text[at + 1:end].rstrip(".-")
        end = at + 1 + len(domain)
        tld = domain.rsplit(".", 1)[-1] if "." in domain else ""
        if start < at and len(tld) >= 2 and tld.isalpha():
            out += [text[last:start], EMAIL_MARK]
            last = end
        at = text.find("@", max(end, at + 1))
    return "".join(out) + text[last:] if out else text


def scrub_record(record: TrialRecord) -> TrialRecord:
    """The record with no contact phone or e-mail and none in any free text."""
    return _scrub(record)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, tuple):
        return tuple(_scrub(v) for v in value)
    if isinstance(value, Contact):
        return Contact(name=_scrub(value.name))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for name in _field_names(type(value)):
            old = getattr(value, name)
            new = _scrub(old)
            if new is not old and new != old:
                changes[name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    """The fields of a record class that hold what the source says (not ``source``: where it was read)."""
    if cls not in _FIELD_NAMES:
        _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.name != "source")
    return _FIELD_NAMES[cls]
