"""A registry page in a layout with no parser of its own: its trial id and its labelled fields.

Tried only after the four layout parsers: a page is taken for a trial page when it names a trial registry id
(``kg.sources.registry_ids``: NCT, EudraCT, EU CT, ISRCTN, ChiCTR, ACTRN, CTRI, jRCT, DRKS ...) and at least
``MIN_FIELDS`` fields under labels of ``data/pages/field-labels.tsv`` ("Recruitment status:", "Target sample size",
"注册号 / Registration number:"). A label is a line of its own (the value on the lines after it), or the start of a
line before a colon or a tab (the value after it). What the page does not label stays empty: nothing is guessed from
prose, and a value that cannot be read as its field's type (a date in an order that cannot be told, a status that is
no status) is left out. The record says ``format: page-generic`` and, in its source, a confidence: the share of the
core fields (title, status, phases, conditions, interventions, sponsor, enrollment, start date) it found.

The trial's own id: the value of its id label; else the one registry id the page names; else the first id in its
head (the page's first lines, where registries print it). A page that names several ids and labels none is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from kg.resources import data_dir, read_tsv
from kg.sources import vocab
from kg.sources.criteria import parse_criteria
from kg.sources.model import NCT_ID, Eligibility, Enrollment, Intervention, Source, Sponsor, TrialRecord
from kg.sources.page import unique
from kg.sources.registry_ids import RegistryId, find_ids

FORMAT = "page-generic"
MIN_FIELDS = 3  # labelled fields besides the id: fewer is not enough to tell a trial page from a page naming a trial
HEAD_LINES = 12  # where a page prints its own id when no label names it
MAX_LINES = 20_000  # a registry page has hundreds of lines and tens of kB; a longer text is not one, and is not read
MAX_CHARS = 2_000_000
_COUNTED = ("title", "official_title", "status", "phases", "study_type", "conditions", "interventions", "sponsors",
            "countries", "start_date", "completion_date")
CORE = ("title", "status", "phases", "conditions", "interventions", "sponsors", "enrollment", "start_date")  # for the confidence
_MULTI = {"conditions", "interventions", "collaborators", "countries", "inclusion", "exclusion", "secondary_ids"}
_LINES = {"start_date": 3, "completion_date": 3, "primary_completion_date": 3, "last_updated": 3, "enrollment": 3, "period": 3,
          "ages": 2}
_STOP = "-"  # the field of a section heading in the labels table: it ends the field before it and starts none

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")
_STATUSES = {"recruiting": "RECRUITING", "not yet recruiting": "NOT_YET_RECRUITING", "pending": "NOT_YET_RECRUITING",
             "active, not recruiting": "ACTIVE_NOT_RECRUITING", "completed": "COMPLETED", "terminated": "TERMINATED",
             "stopped early": "TERMINATED", "stopped": "TERMINATED", "no longer recruiting": "ACTIVE_NOT_RECRUITING",
             "withdrawn": "WITHDRAWN", "suspended": "SUSPENDED",
             "enrolling by invitation": "ENROLLING_BY_INVITATION", "closed to recruitment of participants": "ACTIVE_NOT_RECRUITING",
             "recruitment completed": "ACTIVE_NOT_RECRUITING", "open to recruitment": "RECRUITING", "open public recruiting": "RECRUITING"}
_STUDY_TYPES = {"interventional": "INTERVENTIONAL", "interventional study": "INTERVENTIONAL", "observational": "OBSERVATIONAL",
                "observational study": "OBSERVATIONAL", "expanded access": "EXPANDED_ACCESS"}
_SEXES = {"all": "ALL", "both": "ALL", "both males and females": "ALL", "male and female": "ALL", "males and females": "ALL",
          "female": "FEMALE", "females": "FEMALE", "women": "FEMALE", "male": "MALE", "males": "MALE", "men": "MALE"}
_PHASE = re.compile(r"\bphase\s*([0-4]|iv|i{1,3})\b(?:\s*(?:/|-|&|and|to)\s*(?:phase\s*)?([0-4]|iv|i{1,3})\b)?", re.I)
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
_TYPED = re.compile(r"^(drug|biological|device|procedure|radiation|behavioral|dietary supplement|genetic|other)\s*:\s*(.+)$", re.I)


@lru_cache(maxsize=1)
def labels() -> dict[str, str]:
    """Each label (folded) -> the field it introduces."""
    return {_fold(r["label"]): r["field"] for r in read_tsv(data_dir("data") / "pages" / "field-labels.tsv")}


def _fold(label: str) -> str:
    return " ".join(re.sub(r"\[[0-9]+\]", "", label.lower().replace("：", ":")).strip(" :*").split())


def _label(text: str) -> str | None:
    """The field a label names: the whole text, or either half of a bilingual "中文 / English" label."""
    if len(text) > 200:
        return None
    folded = _fold(text)
    if len(folded) > 70:
        return None
    found = labels().get(folded) or labels().get(re.sub(r"\s*\([^)]*\)$", "", folded))  # "Date of First Enrollment (India)"
    if found is None and "/" in folded:
        halves = [labels().get(_fold(h)) for h in folded.split("/")]
        found = next((h for h in halves if h), None)
    if found is None and _CJK.search(folded):  # a Chinese label and its English, run together ("注册号 registration number")
        found = labels().get(_fold(_CJK.sub(" ", folded))) or labels().get(_fold("".join(_CJK.findall(folded))))
    return found


def fields(lines: list[str]) -> dict[str, list[str]]:
    """The labelled fields of a page's lines: field -> its value lines, in order. A one-value field takes the line
    after each of its labels (a date or a count up to three: "Anticipated / Actual / 20/04/2020"); its reader takes the
    first that reads as its kind ("Overall trial status: Ongoing", no status, then "Recruitment status: Recruiting").
    A list field takes every line up to the next label or section heading. A table row saved as
    "label<TAB>value<TAB>value" gives its cells as value lines."""
    out: dict[str, list[str]] = {}
    current: str | None = None
    start = 0  # where the current label's values begin in out[current]
    for line in lines:
        field, values = _labelled(line)
        if field == _STOP:
            current = None
            continue
        if field:
            if field == current and not values:  # a bilingual label's second half: its English value follows
                out[current][start:] = [v for v in out[current][start:] if not _only_cjk(v)]
                continue
            current = field
            start = len(out.setdefault(field, []))
            out[field].extend(values)
            continue
        taken = len(out[current]) - start if current else 0
        if re.fullmatch(r"[^:：]{1,60}[:：]", line):
            current = None  # a label this table does not know ("Applicant:"): it ends the field before it
        elif current and current not in _MULTI and taken and _only_cjk(out[current][-1]) and not _CJK.search(line):
            out[current][-1] = line  # "预注册" then "Prospective registration": the English of a bilingual value
        elif current and (current in _MULTI or taken < _LINES.get(current, 1)):
            out[current].append(line)
    return {k: kept for k, v in out.items() if (kept := _english_if_any(_own_cells(k, v)))}


def _own_cells(field: str, values: list[str]) -> list[str]:
    """A list field's values, a cell labelled as this field ("Condition: X") as its value, one labelled as another
    field or a section ("Health Type: Patients") left out."""
    out = []
    for v in values:
        head, colon, rest = v.partition(":")
        other = _label(head) if colon else None
        if other is None:
            out.append(v)
        elif other == field and (value := vocab.clean(rest)):
            out.append(value)
    return out


def _english_if_any(values: list[str]) -> list[str]:
    """A bilingual field's values: the English ones where it has both."""
    latin = [v for v in values if not _only_cjk(v)]
    return latin or values


def _only_cjk(text: str) -> bool:
    return bool(_CJK.search(text)) and not re.search(r"[A-Za-z]{2}", text)


def _labelled(line: str) -> tuple[str | None, list[str]]:
    """(field, the values on the same line) when the line is or starts with a label. A label's "(Actual)" or
    "(Estimated)" ("Study Start (Actual)", "Enrollment (Estimated)") is given as a first value: it says which."""
    if field := _label(line):
        return field, _kind_of(line)
    head, tab, rest = line.partition("\t")
    if tab and (field := _label(head)):
        return field, _kind_of(head) + [c for cell in rest.split("\t") if (c := vocab.clean(cell))]
    for sep in (":", "："):
        head, found, rest = line.partition(sep)
        if found and (field := _label(head)):
            return field, _kind_of(head) + ([c] if (c := vocab.clean(rest)) else [])
    return None, []


def _kind_of(label: str) -> list[str]:
    m = re.search(r"\((actual|estimated|anticipated)\)\s*[:：]?\s*$", label, re.I)
    return [m[1].capitalize()] if m else []


def page_lines(text: str) -> list[str]:
    """Non-empty lines, white space collapsed within each tab-separated cell (a saved table's cells stay apart)."""
    return [line for raw in text.splitlines()
            if (line := "\t".join(c for cell in raw.split("\t") if (c := vocab.clean(vocab.unescape_markdown(cell)))))]


def read(text: str, source: Source) -> TrialRecord | None:
    """The record of a trial page in a layout of no parser of its own, or ``None`` when the page is not one: it names
    no trial id of its own, or fewer than ``MIN_FIELDS`` of its labelled fields read as their kind of value (a
    "Status:" that is no trial status does not count), or it is far longer than any registry page."""
    if len(text) > MAX_CHARS or text.count("\n") > MAX_LINES:
        return None
    lines = page_lines(text)
    found = fields(lines)
    own = _own_id(lines, found)
    if own is None:
        return None
    secondary = [rid for rid in _ids(found.get("secondary_ids", ())) if rid.id != own.id]
    nct = own.id if own.registry.key == "NCT" else next((r.id for r in secondary if r.registry.key == "NCT"), None)
    record = TrialRecord(
        source=source,
        nct_id=nct if nct and NCT_ID.fullmatch(nct) else None,
        registry_id=None if own.registry.key == "NCT" else own.id,
        secondary_ids=unique([*(r.id for r in secondary if r.id != nct), *_other_ids(found.get("secondary_ids", ()))]),
        acronym=_one(found, "acronym"),
        title=_one(found, "title"),
        official_title=_one(found, "official_title"),
        status=_mapped(found, "status", _STATUSES, vocab.STATUSES),
        phases=_phases(found.get("phases", ())),
        study_type=_mapped(found, "study_type", _STUDY_TYPES, vocab.STUDY_TYPES),
        enrollment=_enrollment(found),
        start_date=_date(found, "start_date", own.registry.day_first) or _period(found)[0],
        primary_completion_date=_date(found, "primary_completion_date", own.registry.day_first),
        completion_date=_date(found, "completion_date", own.registry.day_first) or _period(found)[1],
        last_updated=_date(found, "last_updated", own.registry.day_first),
        conditions=unique(c for c in _items(found.get("conditions", ())) if not _sentence(c)),
        interventions=tuple(_interventions(found.get("interventions", ()))),
        sponsors=tuple(_sponsors(found)),
        countries=unique(c for c in _items(found.get("countries", ()), ",") if vocab.country_code(c)),
        start_date_type=_date_type(found, "start_date"),
        completion_date_type=_date_type(found, "completion_date"),
        eligibility=Eligibility(min_age=vocab.parse_age(_one(found, "min_age")) or _ages(found)[0],
                                max_age=vocab.parse_age(_one(found, "max_age")) or _ages(found)[1],
                                healthy_volunteers=_yes_no(_one(found, "healthy_volunteers")),
                                sex=_mapped(found, "sex", _SEXES, vocab.SEXES),
                                inclusion=parse_criteria(found.get("inclusion", ())),
                                exclusion=parse_criteria(found.get("exclusion", ()))),
    )
    read_fields = [bool(getattr(record, f)) for f in _COUNTED] + [record.enrollment.count is not None,
                                                                  bool(record.eligibility.sex or record.eligibility.inclusion)]
    return _with_confidence(record, source) if sum(read_fields) >= MIN_FIELDS else None


def _with_confidence(record: TrialRecord, source: Source) -> TrialRecord:
    core = sum(record.enrollment.count is not None if f == "enrollment" else bool(getattr(record, f)) for f in CORE)
    sourced = Source(source.path, source.sha256, source.format, confidence=round(core / len(CORE), 2))
    return TrialRecord(**{**{f: getattr(record, f) for f in record.__dataclass_fields__}, "source": sourced})


def _ids(values: Iterable[str]) -> list[RegistryId]:
    out: dict[str, RegistryId] = {}
    for v in values:
        for rid in find_ids(v):
            out.setdefault(rid.id, rid)
    return list(out.values())


def _other_ids(values: Iterable[str]) -> list[str]:
    """Secondary ids that are no registry's (protocol numbers: they have a digit), one per line or ``;``."""
    return [part for v in values for part in _items([v]) if not find_ids(part) and re.search(r"[0-9]", part)]


def _own_id(lines: list[str], found: dict[str, list[str]]) -> RegistryId | None:
    labelled = _ids(found.get("trial_id", ()))
    if labelled:
        return labelled[0]
    everywhere = _ids(["\n".join(lines)])
    if len(everywhere) == 1:
        return everywhere[0]
    head = _ids(lines[:HEAD_LINES])
    return head[0] if head else None


def _latin(text: str) -> str:
    """A bilingual value's English ("正在进行 Recruiting" -> "Recruiting")."""
    return vocab.clean(_CJK.sub(" ", text)) or ""


def _one(found: dict[str, list[str]], field: str) -> str | None:
    values = found.get(field)
    return vocab.clean(values[0]) if values else None


def _mapped(found: dict[str, list[str]], field: str, words: dict[str, str], allowed: frozenset[str]) -> str | None:
    """The first of the field's values that is one of its words or enums."""
    for value in found.get(field, ()):
        text = _latin(value).lower().rstrip(".")
        if mapped := words.get(text) or vocab.to_enum(text, allowed):
            return mapped
    return None


def _phases(values: Iterable[str]) -> tuple[str, ...]:
    """The phases of the first value that names any."""
    for value in values:
        if found := _value_phases(value):
            return found
    return ()


def _value_phases(value: str) -> tuple[str, ...]:
    out: list[str] = []
    if value:
        text = _latin(value)
        if re.fullmatch(r"(?i)n/?a|not applicable", text):
            out.append("NA")
        for m in _PHASE.finditer(text):
            for n in filter(None, m.groups()):
                digit = _ROMAN.get(n.lower(), n)
                out.append("EARLY_PHASE1" if digit == "0" else f"PHASE{digit}")
    return unique(out)


def _enrollment(found: dict[str, list[str]]) -> Enrollment:
    lines = found.get("enrollment", [])
    m = next((m for v in lines if (m := re.search(r"\b([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)\b", v))), None)
    if not m:
        return Enrollment()
    words = " ".join(lines).lower()
    kind = "ACTUAL" if "actual" in words or "final" in words else "ESTIMATED" if re.search(r"anticipat|estimat|target|planned", words) else None
    return Enrollment(vocab.count(m[1]), kind)


def _date_type(found: dict[str, list[str]], field: str) -> str | None:
    """ACTUAL or ESTIMATED where the field's lines say exactly one of them ("Study Start (Actual)"; ANZCTR's
    "Anticipated / Actual / 20/04/2020" says both, and so neither)."""
    kinds = {vocab.date_type(v) for v in found.get(field, ()) if vocab.date_type(v)}
    return kinds.pop() if len(kinds) == 1 else None


def _ages(found: dict[str, list[str]]) -> tuple[str | None, str | None]:
    """An age range as pages write it: "18 Years to 75 Years (Adult)", "18 Years and older", "up to 17 Years"."""
    for value in found.get("ages", ()):
        if m := re.search(r"([0-9]+\s*\w+)\s*(?:to|-|–|~)\s*([0-9]+\s*\w+)", value):
            return vocab.parse_age(m[1]), vocab.parse_age(m[2])
        if m := re.search(r"([0-9]+\s*\w+)\s*(?:and|or)\s*(?:older|over|above)", value, re.I):
            return vocab.parse_age(m[1]), None
        if m := re.search(r"(?:up to|under|below)\s*([0-9]+\s*\w+)", value, re.I):
            return None, vocab.parse_age(m[1])
    return None, None


def _yes_no(value: str | None) -> bool | None:
    text = (value or "").strip().lower().rstrip(".")
    return True if text in ("yes", "y", "true") else False if text in ("no", "n", "false") else None


def _period(found: dict[str, list[str]]) -> tuple[str | None, str | None]:
    """A study period's two ISO dates ("从 From 2020-04-01 至 To 2023-12-31"), where the page gives one."""
    dates = [d for v in found.get("period", ()) for d in re.findall(r"\b[0-9]{4}-[0-9]{2}-[0-9]{2}\b", v)]
    return (vocab.parse_date(dates[0]), vocab.parse_date(dates[1])) if len(dates) == 2 else (None, None)


def _date(found: dict[str, list[str]], field: str, day_first: bool) -> str | None:
    """The first of a field's lines that is a date in a form that cannot be misread (ISO, or with the month's name;
    on the pages of a registry that writes dates day first, dd/mm/yyyy): else ``03/04/2020`` is left out, and
    ``20/04/2020`` is 20 April."""
    return next((d for v in found.get(field, ()) if (d := _one_date(v, day_first))), None)


def _one_date(value: str, day_first: bool) -> str | None:
    value = re.sub(r"(?i)^(actual|anticipated|estimated|planned)\s*[:-]?\s*|\s*\((actual|anticipated|estimated)\)$", "", value)
    if m := re.fullmatch(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})", value):
        day, month = int(m[1]), int(m[2])
        if day_first or day > 12 >= month:  # else only a day above 12 tells day/month from month/day
            return vocab.parse_date(f"{m[3]}-{month:02d}-{day:02d}")
        return None
    return vocab.parse_date(value[:10] if re.match(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value) else value)


def _items(values: Iterable[str], *extra_separators: str) -> list[str]:
    """List items: one per line, or separated by ``;`` (and ``extra_separators``), list bullets dropped."""
    pattern = "|".join(re.escape(s) for s in (";", *extra_separators))
    out = []
    for v in values:
        for part in re.split(pattern, v):
            if item := vocab.clean(re.sub(r"^(?:[0-9]{1,2}[.)]|[-*•·])\s*", "", part.strip())):
                out.append(item)
    return out


def _sentence(text: str) -> bool:
    """Prose, not a name: a sentence of more than twelve words (a heading's blurb, "Learn about the drugs ...")."""
    return text.endswith(".") and len(text.split()) > 12


def _interventions(values: Iterable[str]) -> list[Intervention]:
    out: dict[str, Intervention] = {}
    for item in (i for i in _items(values) if not _sentence(i)):
        m = _TYPED.match(item)
        name, kind = (m[2].strip(), vocab.to_enum(m[1], vocab.INTERVENTION_TYPES)) if m else (item, None)
        if name and name.lower() not in out and len(name) <= 200:
            out[name.lower()] = Intervention(name=name, type=kind)
    return list(out.values())


def _sponsors(found: dict[str, list[str]]) -> list[Sponsor]:
    out: dict[str, Sponsor] = {}
    lead = _one(found, "sponsor")
    if lead:
        out[lead.lower()] = Sponsor(lead, "LEAD")
    for name in _items(found.get("collaborators", ())):
        out.setdefault(name.lower(), Sponsor(name, "COLLABORATOR"))
    return list(out.values())

