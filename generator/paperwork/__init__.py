"""The paperwork: PDFs (the only WeasyPrint user) and their fonts, the printable
forms and the notice, the roster layout, XLSX workbooks, the archive.

May import: generator.core.
"""
