"""The `volunteers` command, one module per command group.

May import: anything (generator's layers and intake).
"""
