"""The RDF vocabularies trialkg writes and reads, each namespace defined once."""

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
ROR = "https://ror.org/"
SH = "http://www.w3.org/ns/shacl#"
QB = "http://purl.org/linked-data/cube#"  # the W3C Data Cube vocabulary: outcome results as data sets of observations

# the usual prefix of each, for SPARQL text and serializations
PREFIXES = {"rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS, "dcterms": DCT, "prov": PROV, "schema": SCHEMA, "qb": QB}


def sparql_prefixes(*names: str) -> str:
    """``PREFIX`` lines for these prefixes (``PREFIXES``' names)."""
    return "".join(f"PREFIX {n}: <{PREFIXES[n]}>\n" for n in names)
