"""Data only (no code): this folder ships as the package kg.queries, read with importlib.resources (see kg/resources.py)."""
