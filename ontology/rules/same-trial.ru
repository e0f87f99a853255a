# owl:sameAs between two trial nodes that share a registration (one trial in two registries). A record that
# names its trial's NCT id is filed under that id already; this links the rest: an NCT record naming a EudraCT
# number whose EU CTR record names no NCT id, or two records of other registries naming each other.
PREFIX tkg: <https://w3id.org/trialkg/ontology#>
INSERT { GRAPH <https://w3id.org/trialkg/graph/inferred> { ?a <http://www.w3.org/2002/07/owl#sameAs> ?b } }
WHERE {
  { SELECT DISTINCT ?a ?b WHERE { GRAPH ?g { ?a tkg:registration ?r } GRAPH ?h { ?b tkg:registration ?r } FILTER(?a != ?b) } }
}
