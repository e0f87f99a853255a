# tkg:RecruitingTrial: a trial some source gives the overall status RECRUITING.
PREFIX tkg: <https://w3id.org/trialkg/ontology#>
INSERT { GRAPH <https://w3id.org/trialkg/graph/inferred> { ?t a tkg:RecruitingTrial } }
WHERE { GRAPH ?g { ?t a tkg:Trial ; tkg:status tkg:status_RECRUITING } }
