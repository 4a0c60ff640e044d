"""Staff operations on records: approve, reject, new records and projects, stats.

May import: generator.core, generator.paperwork.
"""
