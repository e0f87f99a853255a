# Sponsor-drug links: each sponsor (lead or collaborator, placeholders left out), each drug its trials give,
# the number of trials linking them, and one display label for each sponsor and drug (the least, in code
# point order, of the labels the documents give it). Labels are taken as distinct (entity, label) pairs first:
# a shared entity is described in every document naming it.
PREFIX tkg: <https://w3id.org/trialkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
INSERT { GRAPH <https://w3id.org/trialkg/graph/summary> {
  _:n a tkg:SponsorDrugCount ; tkg:countedSponsor ?o ; tkg:countedDrug ?d ; tkg:trialCount ?trials .
  ?o rdfs:label ?lo . ?d rdfs:label ?ld } }
WHERE {
  { SELECT ?o ?d (COUNT(?t) AS ?trials) WHERE {
      { SELECT DISTINCT ?t ?o ?d WHERE { GRAPH ?g {
          ?t ?rel ?o . VALUES ?rel { tkg:leadSponsor tkg:collaborator tkg:sponsor }
          ?t tkg:intervention ?i . ?i tkg:drug ?d } } } }
    GROUP BY ?o ?d }
  FILTER NOT EXISTS { GRAPH ?x { ?o tkg:isPlaceholder true } }  # updates see no union default graph: GRAPH everywhere
  { SELECT ?o (MIN(?l1) AS ?lo) WHERE { SELECT DISTINCT ?o ?l1 WHERE { GRAPH ?h { ?o a tkg:Organization ; rdfs:label ?l1 } } }
    GROUP BY ?o }
  { SELECT ?d (MIN(?l2) AS ?ld) WHERE { SELECT DISTINCT ?d ?l2 WHERE { GRAPH ?k { ?d a tkg:Drug ; skos:prefLabel ?l2 } } }
    GROUP BY ?d }
}
