"""What resolving a name gives, for every kind of name: one result type.

In the spirit of gilda's ``ScoredMatch``: a drug, a drug class, a target, a MeSH condition and an
organisation are each a ``Match`` (a namespaced id, a label, the tier that found it, a score, the
part of the text that matched, the source of the fact, and the namespace's own record as ``entity``),
and a name resolves to a ``Resolution`` (resolved, ambiguous, unresolved, not_a_drug or class). The
graph builder's contract with the resolvers (``DrugLink``, ``ClassLink``, ``Resolver``) lives here too,
beside what produces it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from kg.sources.model import Intervention

E = TypeVar("E")


@dataclass(frozen=True, slots=True)
class Match(Generic[E]):
    """One scored candidate for a name."""

    id: str  # "unii:...", "class:...", "hgnc:...", "mesh:...", "ror:..." or "known:..."
    label: str
    method: str  # the tier that matched
    score: float
    matched: str = ""  # the part of the text that matched
    source: str = ""  # where the fact came from, when the table says
    entity: E | None = None  # the namespace's own record (a substance, an organisation, a target ...)
    flags: frozenset[str] = frozenset()  # e.g. "misspelling": the matched text is a known misspelling

    @property
    def local_id(self) -> str:
        """The id without its namespace (the UNII of a drug, the MeSH id of a condition)."""
        return self.id.partition(":")[2]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "label": self.label, "method": self.method, "score": self.score,
                               "matched": self.matched}
        if self.source:
            out["source"] = self.source
        return out


@dataclass(frozen=True, slots=True)
class Resolution(Generic[E]):
    """The answer for one name: ``matches`` are the match (resolved), the candidates (ambiguous, none chosen), or a
    class's members (class)."""

    text: str
    status: str  # resolved | ambiguous | unresolved | not_a_drug | class
    matches: tuple[Match[E], ...] = ()
    note: str = ""
    qualifiers: tuple[str, ...] = ()  # conditions: stage, setting, severity stated with the name
    kinds: tuple[str, ...] = ()  # drugs: parts that name no drug (Comparator, Procedure, DrugClass)
    named_class: Match[Any] | None = None  # drugs: the class the name names as a whole ("PD-1 inhibitor")

    @property
    def single(self) -> Match[E] | None:
        """The one match of a resolved name, else ``None``."""
        return self.matches[0] if self.status == "resolved" and len(self.matches) == 1 else None

    def to_dict(self, details: Callable[[Match[E]], dict[str, Any]] | None = None) -> dict[str, Any]:
        """JSON-ready; ``details`` adds a kind's own facts to each match (a drug's UNII, an organisation's parents)."""
        out: dict[str, Any] = {"text": self.text, "status": self.status,
                               "matches": [m.to_dict() | (details(m) if details else {}) for m in self.matches]}
        if self.note:
            out["note"] = self.note
        if self.qualifiers:
            out["qualifiers"] = list(self.qualifiers)
        if self.kinds:
            out["not_drug_parts"] = list(self.kinds)
        if self.named_class:
            out["class"] = self.named_class.to_dict()
        return out


@dataclass(frozen=True, slots=True)
class DrugLink:
    """A resolved drug for an intervention mention, with how it was resolved (what the graph builder writes)."""

    drug_iri: str
    label: str
    method: str
    score: float
    matched: str
    unii: str | None = None
    misspelling: bool = False
    aliases: tuple[tuple[str, bool], ...] = ()  # spellings this record gives the drug: (text, is a misspelling)


@dataclass(frozen=True, slots=True)
class ClassLink:
    """An intervention that names a drug class and no drug ("PD-1 inhibitor of investigator's choice")."""

    class_iri: str
    label: str
    matched: str


# A resolver maps one intervention to its drug links, when it is not a drug a kind (``"Comparator"``,
# ``"Procedure"``, ``"DrugClass"``), and the class it names when it names no drug; ``kg.resolve.linker`` provides one.
Resolver = Callable[[Intervention], tuple[list[DrugLink], str | None, ClassLink | None]]
