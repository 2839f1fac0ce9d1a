"""The read side: what the CLI, the dashboard, the notebook and `export` read.

Every reader goes through `store.reading` (read-only, never in the writer's way) and takes
its answer through `read.query`; the queries live in `read/sql/`.
"""
