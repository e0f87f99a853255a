"""Personal data stays out by default: no e-mail address or contact phone number in any value of the graph
or of ``kg extract --json``, on the seed pages and every real record; ids, dates and doses untouched."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.build import BuildOptions, record_quads
from kg.privacy import EMAIL_MARK, PHONE_MARK, scrub_text
from kg.sources.reader import read_paths

from conftest import count

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def _digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


@pytest.mark.parametrize(("text", "expected"), [
    ("Contact john.doe@example.com for info", f"Contact {EMAIL_MARK} for info"),
    ("Tel: 021-64175590", f"Tel: {PHONE_MARK}"),
    ("Phone +86 21 6417 5590, ext 3", f"Phone {PHONE_MARK}, ext 3"),
    ("call (555) 123-4567 now", f"call {PHONE_MARK} now"),
    ("电话：13900001111", f"电话：{PHONE_MARK}"),
    ("Fax: +49 (0)30 123456", f"Fax: {PHONE_MARK}"),
    ("email: a.b@c.org.", f"email: {EMAIL_MARK}."),
])
def test_contacts_in_free_text_are_removed(text: str, expected: str) -> None:
    assert scrub_text(text) == expected


@pytest.mark.parametrize("text", ["2019-001234-56", "Start 2023-01-15", "NCT01234567", "dose 100-200 mg", "SHR-1210-III-301",
                                  "Ages 18-75", "BGB-A317-290-LTE1", "CTR20201234", "ISRCTN12345678", "a@b", "x@y.c",
                                  "AUC 5 mg/mL/min", "1,200 participants", "Protocol 1234-567-8901", "v2.0 2021-03-04"])
def test_ids_dates_and_doses_are_untouched(text: str) -> None:
    assert scrub_text(text) == text


def _all_records(seeds_dir: Path, data_dir: Path):
    for item in read_paths([seeds_dir, data_dir / "ctgov-tigit-watch", data_dir / "ctgov-nsclcbench", data_dir / "ctgov-dgg32-samples",
                            data_dir / "ctgov-aact-fixtures"]):
        if not hasattr(item, "reason"):
            yield item


def test_no_email_or_contact_phone_reaches_the_graph_from_any_real_record(seeds_dir: Path, data_dir: Path) -> None:
    records = emails_seen = phones = 0
    for record in _all_records(seeds_dir, data_dir):
        records += 1
        raw = json.dumps(record.to_dict(), ensure_ascii=False)
        emails_seen += len(EMAIL.findall(raw))
        own_phones = {_digits(c.phone) for c in record.contacts if c.phone and len(_digits(c.phone)) >= 7}
        phones += len(own_phones)
        _, quads = record_quads(record, BuildOptions())
        for q in quads:
            value = getattr(q.object, "value", "")
            assert not EMAIL.search(value), (record.nct_id, value[:200])
            if own_phones and any(ch.isdigit() for ch in value):
                assert not any(p in _digits(value) for p in own_phones if len(_digits(value)) < 40), (record.nct_id, value[:200])
    assert records > 1500 and emails_seen > 100 and phones > 50  # the data does hold personal data to remove
    count("real records built with no e-mail or contact phone in the graph", records)


def test_extract_json_leaves_contacts_out_unless_asked(data_dir: Path) -> None:
    path = data_dir / "ctgov-aact-fixtures" / "api_v2_json"
    hidden = subprocess.run([sys.executable, "-m", "kg", "extract", "--json", str(path)], capture_output=True, text=True)
    shown = subprocess.run([sys.executable, "-m", "kg", "extract", "--json", "--include-contacts", str(path)],
                           capture_output=True, text=True)
    assert hidden.returncode == shown.returncode == 0
    assert EMAIL.search(shown.stdout) and not EMAIL.search(hidden.stdout)
    phones = [c["phone"] for r in json.loads(shown.stdout) for c in r["contacts"] if c["phone"]]
    assert phones and all(c["phone"] is None and c["email"] is None for r in json.loads(hidden.stdout) for c in r["contacts"])


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="0123456789 ().-+:Tel电话abc@x", max_size=40))
def test_the_digit_run_prefilter_never_hides_a_phone(text: str) -> None:
    """Texts without a run of seven phone characters skip the phone pattern: on any text, the answer is the one the
    pattern alone gives."""
    from kg.privacy import _PHONE

    assert scrub_text(text.replace("@", "")) == _PHONE.sub(lambda m: (m["cue"] or "") + PHONE_MARK, text.replace("@", ""))
