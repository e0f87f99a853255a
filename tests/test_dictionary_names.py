"""``kg query`` binds a drug name from the store's ``graph/dictionary`` without loading the dictionary
(``kg.query.dictionary_drug``): its answer is the resolver's for every name of the graph, as written, upper- and
lower-case; a graph that does not state its alias-key rule is never read so; ambiguous and unknown names go to the
resolver."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg import iris
from kg import query as q
from kg.resolve.drugs import DrugResolver
from kg.store import TrialStore

SKOS = "http://www.w3.org/2004/02/skos/core#"


def _names(db: ox.Store) -> list[str]:
    graph = ox.NamedNode(iris.DICTIONARY_GRAPH)
    text = (f"SELECT DISTINCT ?n WHERE {{ GRAPH {graph} {{ ?d <{iris.term('unii')}> ?u ; ?p ?n }} "
            f"VALUES ?p {{ <{SKOS}prefLabel> <{SKOS}altLabel> <{SKOS}hiddenLabel> }} }}")
    return [r["n"].value for r in db.query(text)]  # type: ignore[union-attr]


def test_the_dictionary_graph_answers_as_the_resolver(seed_store: Path) -> None:
    resolver = DrugResolver()
    with TrialStore(seed_store, read_only=True) as store:
        db = store.oxigraph
        names = _names(db)
        answered = 0
        for name in names:
            for written in (name, name.upper(), name.lower()):
                got = q.dictionary_drug(db, written)
                if got is None:
                    continue
                answered += 1
                found = resolver.resolve(written)
                assert found.status == "resolved" and [m.local_id for m in found.matches] == [got], written
    assert len(names) > 100 and answered > 0.8 * 3 * len(names)


def test_a_binder_binds_a_dictionary_name_without_the_dictionary(seed_store: Path) -> None:
    with TrialStore(seed_store, read_only=True) as store:
        binder = q.Binder(store=store.oxigraph, learned=store.learned_aliases)
        assert binder.term(q.get("trials-by-drug").param("drug"), "JS-001") == ox.NamedNode(iris.drug(unii="8JXN261VVA"))
        assert binder.resolver is None  # neither the dictionary nor the learned aliases were read
        binder.term(q.get("trials-by-drug").param("drug"), "toripalimab 240 mg")  # not a dictionary name as written
        assert binder.resolver is not None and binder.notes == []


def test_a_dictionary_graph_without_its_rule_is_not_read(tmp_path: Path, seed_store: Path) -> None:
    """A store whose dictionary graph was made before the rule (its keys may name a drug the resolver calls
    ambiguous) is asked nothing: the resolver answers."""
    db = ox.Store()
    graph = ox.NamedNode(iris.DICTIONARY_GRAPH)
    with TrialStore(seed_store, read_only=True) as store:
        db.extend(store.oxigraph.quads_for_pattern(None, None, None, graph))
    assert q.dictionary_drug(db, "toripalimab") == "8JXN261VVA"
    db.remove(ox.Quad(graph, ox.NamedNode(iris.term("aliasKeyRule")), ox.Literal(iris.ALIAS_KEY_RULE), graph))
    assert q.dictionary_drug(db, "toripalimab") is None
