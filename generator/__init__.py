"""The site and paperwork engine, in layers (see each subpackage's docstring and README).

core (data, validation, identity) ← paperwork (PDF, XLSX, archive) ← site (pages, the MkDocs
plugin) and staff (commands on records) ← cli (the `volunteers` command). A layer imports only
the ones to its left; tests/test_layers.py enforces it.
"""
