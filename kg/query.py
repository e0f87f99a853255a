"""Named and ad-hoc SPARQL queries over the store (or a remote SPARQL endpoint).

Named queries are the ``queries/*.rq`` files; their header names each parameter and its type.
Parameter values are turned into RDF terms (a drug name is resolved to the drug's IRI, a phase to
its enumeration individual, ...) and bound, never pasted into the query text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kg import iris
from kg.namespaces import XSD
from kg.normalize import fold
from kg.errors import KGError
from kg.resolve.conditions import resolve_condition
from kg.resolve.drugs import DrugResolver, Learned
from kg.resolve.sponsors import link as sponsor_link
from kg.resolve.sponsors import resolve_sponsor
from kg.resolve.targets import resolve_class, resolve_target
from kg.resources import data_dir
from kg.sources import vocab
from kg.sparql_text import refusal

PARAM_TYPES = ("drug", "sponsor", "condition", "country", "trial", "phase", "status", "hops", "count", "string", "target",
               "drug_class", "flag")
_YES, _NO = ("yes", "true", "1", "y", "on"), ("no", "false", "0", "n", "off")


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: str
    optional: bool
    description: str


@dataclass(frozen=True, slots=True)
class NamedQuery:
    name: str
    description: str
    params: tuple[Param, ...]
    returns: str
    text: str

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.params) or "none"
        raise KGError(f"query {self.name!r} has no parameter {name!r} (its parameters: {known})")


def parse_query_file(path: Path) -> NamedQuery:
    """A named query from its file: description, ``# param`` lines, ``# returns:`` line, text."""
    text = path.read_text(encoding="utf-8")
    description, params, returns = [], [], ""
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:].strip()
        if m := re.match(r"param\s+(\w+)\s+(\w+)(\s+optional)?\s*:\s*(.*)", body):
            if m[2] not in PARAM_TYPES:
                raise KGError(f"{path}: unknown parameter type {m[2]!r}")
            params.append(Param(m[1], m[2], bool(m[3]), m[4]))
        elif body.startswith("returns:"):
            returns = body.removeprefix("returns:").strip()
        else:
            description.append(body)
    return NamedQuery(path.stem, " ".join(description), tuple(params), returns, text)


@lru_cache(maxsize=1)
def named_queries() -> dict[str, NamedQuery]:
    return {p.stem: parse_query_file(p) for p in sorted(data_dir("queries").glob("*.rq"))}


def get(name: str) -> NamedQuery:
    queries = named_queries()
    if name not in queries:
        raise KGError(f"no named query {name!r} (kg query --list shows them)")
    return queries[name]


@dataclass
class Binder:
    """Turns parameter values into RDF terms; notes values that named nothing."""

    resolver: DrugResolver | None = None  # made on first use (loading the drug dictionary costs ~0.3 s and 130 MB)
    notes: list[str] = field(default_factory=list)
    store: ox.Store | None = None  # the store asked whether a sponsor is in it (for "names nothing here" notes)
    learned: Callable[[], dict] | None = None  # the aliases a store's records taught, read when a drug is first resolved

    def drugs(self) -> DrugResolver:
        """The drug resolver, made when a parameter first needs one."""
        if self.resolver is None:
            self.resolver = DrugResolver(learned=Learned(self.learned) if self.learned else {})
        return self.resolver

    def term(self, param: Param, value: str) -> ox.NamedNode | ox.Literal:
        kind = param.type
        if kind == "drug":
            if self.resolver is None and self.store is not None and (unii := dictionary_drug(self.store, value)):
                return ox.NamedNode(iris.drug(unii=unii))  # the store's dictionary graph knows the name: no dictionary load
            r = self.drugs().resolve(value)
            if r.status == "resolved" and len(r.matches) == 1:
                return ox.NamedNode(iris.drug(unii=r.matches[0].local_id))
            self.notes.append(f"{param.name}={value!r} names no single drug ({r.status}): nothing matches")
            return ox.NamedNode(iris.drug(name=value))
        if kind == "target":
            if found := resolve_target(value):
                return ox.NamedNode(iris.target(found.symbol))
            self.notes.append(f"{param.name}={value!r} names no known target (HGNC symbol, id or common name): nothing matches")
            return ox.NamedNode(iris.target("unknown-" + value))
        if kind == "drug_class":
            if named := resolve_class(value):
                return ox.NamedNode(iris.drug_class(named.id))
            self.notes.append(f"{param.name}={value!r} names no known drug class: nothing matches")
            return ox.NamedNode(iris.drug_class("unknown-" + value))
        if kind == "sponsor":
            return self._sponsor(param, value)
        if kind == "condition":
            result = resolve_condition(value)
            if one := result.single:
                return ox.NamedNode(iris.mesh(one.local_id))
            if result.matches:
                names = "; ".join(m.label for m in result.matches)
                self.notes.append(f"{param.name}={value!r} names several conditions ({names}): give one of them; nothing matches")
            else:
                self.notes.append(f"{param.name}={value!r} names no known condition: nothing matches")
            return ox.NamedNode(iris.condition(value))
        if kind == "country":
            code = value.upper() if re.fullmatch(r"[A-Za-z]{2}", value) else vocab.country_code(value)
            return ox.NamedNode(iris.country(code) if code else iris.unknown_country(value))
        if kind == "trial":
            trial = ox.NamedNode(iris.trial(value.strip().upper()))
            if not re.fullmatch(r"NCT\d{8}", value.strip().upper()):
                self.notes.append(f"{param.name}={value!r} is not an NCT id (NCT and 8 digits): nothing matches")
            elif self.store is not None and next(self.store.quads_for_pattern(trial, None, None), None) is None:
                self.notes.append(f"{param.name}={value!r}: no such trial in the store: nothing matches")
            return trial
        if kind == "phase":
            phases = vocab.parse_phases(value) or (value.upper(),)
            return ox.NamedNode(iris.enum("phase", re.sub(r"\W", "_", phases[0])))
        if kind == "status":
            status = vocab.to_enum(value, vocab.STATUSES) or re.sub(r"\W", "_", value.upper())
            return ox.NamedNode(iris.enum("status", status))
        if kind == "count":
            if not _whole_number(value):
                raise KGError(f"{param.name} must be a whole number of 0 or more (got {value!r})")
            return ox.Literal(int(value.strip()))
        return ox.Literal(value)


    def _sponsor(self, param: Param, value: str) -> ox.NamedNode:
        found = sponsor_link(value)
        if found.status == "ambiguous":
            cands = "; ".join(m.label for m in resolve_sponsor(value).matches)
            self.notes.append(f"{param.name}={value!r} names several organisations ({cands}): give the full name")
        elif self.store is not None and not sponsors_trials(self.store, found.iri):
            what = found.label if found.status == "resolved" else "no known organisation"
            if sponsors_trials(self.store, found.iri, subsidiaries=True):
                self.notes.append(f"{param.name}={value!r} names {what}, whose subsidiaries sponsor the trials in the store: "
                                  "give subsidiaries=yes where the query takes it")
            else:
                self.notes.append(f"{param.name}={value!r} names {what}, which sponsors no trial in the store: nothing matches")
        return ox.NamedNode(found.iri)


def dictionary_drug(store: ox.Store, name: str) -> str | None:
    """The UNII of the one drug ``name`` names by the store's ``graph/dictionary``, where its alias keys are names the
    drug resolver answers with that drug alone (``kg.iris.ALIAS_KEY_RULE``, stated on the graph); None when the
    graph does not state that rule or no single drug has the name's key (the resolver is asked then)."""
    graph = ox.NamedNode(iris.DICTIONARY_GRAPH)
    text = f"""SELECT DISTINCT ?u WHERE {{ GRAPH {graph} {{
        {graph} <{iris.term("aliasKeyRule")}> {ox.Literal(iris.ALIAS_KEY_RULE)} .
        ?d <{iris.term("aliasKey")}> {ox.Literal(fold(name))} ; <{iris.term("unii")}> ?u }} }} LIMIT 2"""
    rows = list(store.query(text))  # type: ignore[arg-type]
    return rows[0]["u"].value if len(rows) == 1 else None


def flag(param: Param, value: str) -> bool:
    """A yes/no parameter's value."""
    v = value.strip().lower()
    if v not in _YES + _NO:
        raise KGError(f"{param.name} takes yes or no (got {value!r})")
    return v in _YES


def _whole_number(value: str) -> bool:
    """ASCII digits only (``str.isdigit`` also accepts ``²`` and ``٣``, which ``int`` refuses or reads otherwise)."""
    value = value.strip()
    return value.isascii() and value.isdigit()


def _hops_path(hops: int) -> str:
    """``?trial`` to ``?other`` within ``hops`` related-trial links (either direction), with the distance."""
    step = "(tkg:relatedTrial|^tkg:relatedTrial)"
    parts = [f"{{ ?trial {'/'.join([step] * n)} ?other . BIND({n} AS ?n) }}" for n in range(1, hops + 1)]
    return " UNION ".join(parts)


def prepare(query: NamedQuery, values: dict[str, str], binder: Binder) -> tuple[str, dict[str, ox.NamedNode | ox.Literal]]:
    """The query text (optional lines kept or dropped, hops expanded) and the bindings."""
    for name in values:
        query.param(name)
    for name, value in values.items():
        if not value.strip():
            raise KGError(f"--param {name}= is empty: give a value (or leave the parameter out)")
    values = {k: v for k, v in values.items() if query.param(k).type != "flag" or flag(query.param(k), v)}
    missing = [p.name for p in query.params if not p.optional and p.name not in values]
    if missing:
        raise KGError(f"query {query.name!r} needs --param {missing[0]}=VALUE")
    lines: list[tuple[str, str | None]] = []  # (line, the parameter whose own optional line it is)
    for line in query.text.splitlines():
        own = None
        if m := re.search(r"#([?!])\s*(\w+)\s*$", line):
            if (m[2] in values) != (m[1] == "?"):  # "#? p": only with p given; "#! p": only without
                continue
            line, own = line[:m.start()].rstrip(), m[2] if m[1] == "?" else None
        lines.append((line, own))
    bindings: dict[str, ox.NamedNode | ox.Literal] = {}
    for p in query.params:
        if p.name not in values:
            continue
        if p.type in ("hops", "flag"):
            continue
        bindings[p.name] = binder.term(p, values[p.name])
    text = "\n".join(_inline_own(lines, bindings))
    if "%HOPS%" in text:
        raw = values.get("hops", "1")
        if not _whole_number(raw) or not 1 <= int(raw) <= 5:
            raise KGError(f"hops must be a whole number from 1 to 5 (got {raw!r})")
        text = text.replace("%HOPS%", _hops_path(int(raw)))
    return text, bindings


def _inline_own(lines: list[tuple[str, str | None]], bindings: dict[str, ox.NamedNode | ox.Literal]) -> list[str]:
    """The lines, each parameter that appears only in its own optional lines (``#? p``) written into them as its term
    (and so dropped from ``bindings``): Oxigraph joins an outer ``VALUES`` block with a pattern only after it has
    enumerated the pattern's every match (minutes for a condition at 100k studies), a term in the pattern is used as
    it is evaluated. The term is serialized by pyoxigraph, so it stays one term whatever it contains."""
    out = [line for line, _ in lines]
    for name in list(bindings):
        where = [k for k, (line, _) in enumerate(lines) if _variable(name).search(line)]
        if where and all(lines[k][1] == name for k in where):
            term = bindings.pop(name)
            for k in where:
                out[k] = written_in(out[k], name, term)
    return out


def _variable(name: str) -> re.Pattern:
    return re.compile(rf"[?$]{re.escape(name)}\b")


def written_in(text: str, name: str, term: ox.NamedNode | ox.Literal) -> str:
    """The text with the variable ``?name`` (or ``$name``) written as the term, serialized by pyoxigraph so that it
    stays one term whatever it contains."""
    written = str(term)
    return _variable(name).sub(lambda _m: written, text)


def paged(text: str, sort: str | None = None, limit: int | None = None, offset: int = 0) -> str:
    """The query (its parameters already bound) sorted by a column (``-column``: descending) and cut to a page: the
    query becomes a subquery of ``SELECT *`` with its own order and page, so aggregates and the query's own ORDER BY
    keep their meaning."""
    if limit is not None and limit < 0 or offset < 0:
        raise KGError("--limit and --offset take whole numbers of 0 or more")
    if sort is None and limit is None and not offset:
        return text
    order = ""
    if sort is not None:
        column = sort.removeprefix("-")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", column):
            raise KGError(f"--sort takes a column name, '-' before it for descending (got {sort!r})")
        order = f" ORDER BY {'DESC(?' + column + ')' if sort.startswith('-') else '?' + column}"
    page = (f" LIMIT {int(limit)}" if limit is not None else "") + (f" OFFSET {int(offset)}" if offset else "")
    if not order and not re.search(r"\b(?:LIMIT|OFFSET)\s+\d+\s*$", text, re.I):
        return f"{text.rstrip()}\n{page.strip()}\n"  # its own order kept as it is
    prologue = re.match(r"(?:\s*(?:#[^\n]*|PREFIX\s+[\w-]*:\s*<[^>]*>|BASE\s*<[^>]*>))*\s*", text, re.I)
    head = prologue[0] if prologue else ""
    columns = " ".join(f"?{c}" for c in projection(text)) or "*"
    return f"{head}SELECT {columns} WHERE {{ {{\n{text[len(head):]}\n}} }}{order}{page}"


def projection(text: str) -> list[str]:
    """The variables a SELECT query projects, in order (``(expr AS ?x)`` gives x); empty for ``SELECT *``."""
    m = re.search(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(.*?)\bWHERE\b", text, re.I | re.S)
    if not m:
        return []
    out, depth, k, clause = [], 0, 0, m[1]
    while k < len(clause):
        ch = clause[k]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch in "?$" and (v := re.match(r"[?$](\w+)", clause[k:])):
            before = clause[:k].rstrip()
            if depth == 0 or re.search(r"\bAS$", before, re.I):
                out.append(v[1])
            k += len(v[0])
            continue
        k += 1
    return list(dict.fromkeys(out))


def with_values(text: str, bindings: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """The query with its parameters bound by ``VALUES`` blocks at the start of its outer WHERE.

    The terms are serialized by pyoxigraph (quotes, newlines and backslashes escaped, IRIs validated),
    so a value stays one RDF term whatever it contains. (Oxigraph's own pre-binding only binds
    projected variables, which aggregate queries do not project.) One block per variable, not one
    row of several: the same bindings, and Virtuoso 7.2 fails to compile the multi-variable form."""
    if not bindings:
        return text
    block = " ".join(f"VALUES ?{k} {{ {v} }}" for k, v in bindings.items())
    m = re.search(r"\bWHERE\s*\{", text, re.I)
    if not m:
        raise KGError("cannot bind parameters: the query has no WHERE clause")
    return text[:m.end()] + f"\n  {block}\n" + text[m.end():]


def select(store: ox.Store, text: str, bindings: dict | None = None, typed: bool = False) -> tuple[list[str], list[list[Any]]]:
    """Run a query on the embedded store over the union of the named graphs: its columns and rows
    (``rows``). Too deep a nesting is refused before the engine parses it; every engine error, also one
    raised while the rows are read (a SERVICE host that refuses the connection), is one ``KGError`` line."""
    if why := refusal(text, read_only=False):
        raise KGError(why)
    try:
        return rows(store.query(with_values(text, bindings or {}), use_default_graph_as_union=True), typed)
    except SyntaxError as exc:
        raise KGError(f"SPARQL syntax error: {exc}") from None
    except (OSError, RuntimeError, ValueError) as exc:
        raise KGError(f"query failed: {' '.join(str(exc).split())}") from None


def sponsors_trials(store: ox.Store, iri: str, subsidiaries: bool = False) -> bool:
    """Whether the organisation (or, with ``subsidiaries``, one below it) sponsors a trial of the store."""
    node = ox.NamedNode(iri)
    pattern = f"?t tkg:leadSponsor|tkg:collaborator|tkg:sponsor ?o . ?o tkg:parentOrganization+ {node}" if subsidiaries \
        else f"?t tkg:leadSponsor|tkg:collaborator|tkg:sponsor {node}"
    return bool(store.query(f"PREFIX tkg: <{iris.ONTOLOGY}> ASK {{ GRAPH ?g {{ {pattern} }} }}"))


_NUMBERS = {XSD + t: int for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")} | \
    {XSD + "decimal": float, XSD + "double": float, XSD + "float": float}


def typed_value(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> Any:
    """A term as a Python value by its datatype: whole numbers as int, decimals as float, booleans as bool, else text."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        kind = term.datatype.value
        try:
            if kind in _NUMBERS:
                return _NUMBERS[kind](term.value)
        except ValueError:
            return term.value
        if kind == XSD + "boolean":
            return term.value in ("true", "1")
    return term.value


def rows(results: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, typed: bool = False) -> tuple[list[str], list[list[Any]]]:
    """Column names and rows of a SELECT result (plain strings, or with ``typed`` Python values by datatype; None where
    a variable is unbound); triples for CONSTRUCT; [[bool]] for ASK."""
    if isinstance(results, ox.QuerySolutions):
        names = [v.value for v in results.variables]
        if typed:
            return names, [[typed_value(s[n]) for n in names] for s in results]
        return names, [[(s[n].value if s[n] is not None else None) for n in names] for s in results]
    if isinstance(results, ox.QueryBoolean):
        return ["result"], [[str(bool(results)).lower()]]
    return ["subject", "predicate", "object"], [[str(t.subject), str(t.predicate), str(t.object)] for t in results]
