"""trialkg: a knowledge graph of clinical trials, drugs and sponsors.

The package is laid out in the order data flows through it:
source page/record -> ``kg.sources`` (parse) -> ``kg.model`` (typed record) ->
normalize/resolve -> RDF -> validate -> store -> query/export/analyze.
"""

__version__ = "0.1.0"
