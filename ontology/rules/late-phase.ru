# tkg:LatePhaseTrial: a trial in phase 3 or phase 4.
PREFIX tkg: <https://w3id.org/trialkg/ontology#>
INSERT { GRAPH <https://w3id.org/trialkg/graph/inferred> { ?t a tkg:LatePhaseTrial } }
WHERE { GRAPH ?g { ?t a tkg:Trial ; tkg:phase ?p } VALUES ?p { tkg:phase_PHASE3 tkg:phase_PHASE4 } }
