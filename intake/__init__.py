"""Online submissions (Google Sheet, CSV, XLSX) → validated YAML records for review.

May import: generator.core only (the `volunteers` command in generator.cli imports intake, not
the other way round); intake holds no click: `volunteers intake` lives in generator/cli/intake.py.
"""
