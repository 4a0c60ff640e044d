"""Online submissions (Google Sheet, CSV, XLSX) → validated YAML records for review."""
