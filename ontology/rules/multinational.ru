# tkg:MultinationalTrial: a trial with sites (or stated countries) in two or more countries.
PREFIX tkg: <https://w3id.org/trialkg/ontology#>
INSERT { GRAPH <https://w3id.org/trialkg/graph/inferred> { ?t a tkg:MultinationalTrial } }
WHERE {
  { SELECT ?t WHERE { GRAPH ?g { ?t a tkg:Trial ; tkg:country ?c } }
    GROUP BY ?t HAVING (COUNT(DISTINCT ?c) >= 2) }
}
