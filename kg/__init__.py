"""trialkg: a knowledge graph of clinical trials, drugs and sponsors.

The package is laid out in the order data flows through it:
source page/record -> ``kg.sources`` (parse) -> ``kg.sources.model`` (typed record) ->
normalize/resolve -> RDF -> validate -> store -> query/export/analyze.
"""

__version__ = "0.6.0"

# What a document's graph holds is a function of the document and of this version: bump it with every change to
# the parsers, the mapping to RDF, the resolution data or the shapes (tests/test_mapping_version.py fails until
# you do), and write what changed in CHANGELOG.md. Each document records the version that made it; a build
# reprocesses stored documents made by another version, so a fix reaches existing stores.
MAPPING_VERSION = "11"


def __getattr__(name: str):
    """``kg.open(store)``, the Python API (``kg.api``), imported only when first used: importing ``kg`` stays cheap and
    loads no later stage."""
    if name == "open":
        from kg.api import open as open_graph

        return open_graph
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
