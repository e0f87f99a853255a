# Trials per country and phase: a trial counts in every country it has a site in (or states) and in every
# phase it states; a trial stating no phase (e.g. observational) is counted under its country alone.
# One display label (the least of those the documents give) and the ISO 3166-1 code of each country.
PREFIX tkg: <https://w3id.org/trialkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT { GRAPH <https://w3id.org/trialkg/graph/summary> {
  _:n a tkg:CountryPhaseCount ; tkg:countedCountry ?c ; tkg:countedPhase ?p ; tkg:trialCount ?trials .
  ?c rdfs:label ?lc ; tkg:iso3166Alpha2 ?iso } }
WHERE {
  { SELECT ?c ?p (COUNT(?t) AS ?trials) WHERE {
      { SELECT DISTINCT ?t ?c ?p WHERE { GRAPH ?g { ?t a tkg:Trial ; tkg:country ?c OPTIONAL { ?t tkg:phase ?p } } } } }
    GROUP BY ?c ?p }
  { SELECT ?c (MIN(?l) AS ?lc) WHERE { SELECT DISTINCT ?c ?l WHERE { GRAPH ?h { ?c a tkg:Country ; rdfs:label ?l } } }
    GROUP BY ?c }
  OPTIONAL { SELECT DISTINCT ?c ?iso WHERE { GRAPH ?k { ?c tkg:iso3166Alpha2 ?iso } } }
}
