"""The browser view that ``kg serve`` answers beside its SPARQL endpoint: server-rendered pages (search, drug,
trial, sponsor, condition, target and class pages, a SPARQL editor) and entity IRIs dereferenced by content
negotiation. Read-only, like the endpoint; every asset ships in the package (``templates/``, ``static/``)."""
