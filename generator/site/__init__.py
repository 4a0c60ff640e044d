"""The public site: rendering, pages, chart, search, photos, open data, the privacy
guard, the build pipeline and mkdocs_plugin (the only module that imports MkDocs).

May import: generator.core, generator.paperwork.
"""
