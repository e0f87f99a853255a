"""SHACL validation: the engines (``engines.py``: the ``shacl`` package by default, pyshacl as the reference), the
project-side date and time checks (``datatypes.py``), trialkg's shapes on documents and the store (``documents.py``),
and any RDF files against any shapes (``files.py``, ``kg validate --data``)."""
