"""Staff operations: approve, reject, new records and projects, stats; publishing the built site.

May import: generator.core, generator.paperwork.
"""
