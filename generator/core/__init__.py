"""The data core: errors and their Chinese messages, the YAML loader, the models, the
site-data loader (validation and registrations), identity numbers and phones, review rules,
progress, the second process (worker) and safe writes.

May import: nothing else of ours, and none of MkDocs, WeasyPrint, gspread, Jinja2 or click.
"""
