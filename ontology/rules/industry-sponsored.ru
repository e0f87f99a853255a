# tkg:IndustrySponsoredTrial: a trial whose lead sponsor is of class INDUSTRY.
# (The sponsors first, each once: a sponsor is described in every document that names it, and joining
# each trial with every such description made this rule the slowest step of an ingest.)
PREFIX tkg: <https://w3id.org/trialkg/ontology#>
INSERT { GRAPH <https://w3id.org/trialkg/graph/inferred> { ?t a tkg:IndustrySponsoredTrial } }
WHERE {
  { SELECT DISTINCT ?o WHERE { GRAPH ?h { ?o tkg:sponsorClass tkg:sponsorClass_INDUSTRY } } }
  GRAPH ?g { ?t tkg:leadSponsor ?o ; a tkg:Trial }
}
