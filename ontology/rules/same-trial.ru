# owl:sameAs between two trial nodes that share a registration (one trial in two registries), both ways. A record
# that names its trial's NCT id is filed under that id already; this links the rest: an NCT record naming a EudraCT
# number whose EU CTR record names no NCT id, or two records of other registries naming each other. Two nodes that
# both have NCT ids are two trials by ClinicalTrials.gov's own numbering, whatever secondary id they share (an
# extension study naming its parent's EudraCT number): never linked, as a wrong merge is worse than a missed one.
# The non-NCT side is selected first: Oxigraph then joins a handful of rows, not every registration (0.1 s at 100k).
PREFIX tkg: <https://w3id.org/trialkg/ontology#>
INSERT { GRAPH <https://w3id.org/trialkg/graph/inferred> {
  ?a <http://www.w3.org/2002/07/owl#sameAs> ?b . ?b <http://www.w3.org/2002/07/owl#sameAs> ?a } }
WHERE {
  { SELECT DISTINCT ?a ?r WHERE {
      GRAPH ?g { ?a tkg:trialId ?id . ?a tkg:registration ?r } FILTER(!STRSTARTS(?id, "NCT")) } }
  GRAPH ?h { ?b tkg:registration ?r } FILTER(?a != ?b)
}
