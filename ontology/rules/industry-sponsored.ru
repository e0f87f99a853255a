# tkg:IndustrySponsoredTrial: a trial whose lead sponsor is of class INDUSTRY.
PREFIX tkg: <https://w3id.org/trialkg/ontology#>
INSERT { GRAPH <https://w3id.org/trialkg/graph/inferred> { ?t a tkg:IndustrySponsoredTrial } }
WHERE { GRAPH ?g { ?t a tkg:Trial ; tkg:leadSponsor ?o } GRAPH ?h { ?o tkg:sponsorClass tkg:sponsorClass_INDUSTRY } }
