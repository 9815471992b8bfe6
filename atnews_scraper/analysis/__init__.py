"""Read-only analysis of stored articles: filters, fields, formats, search, stats, charts.

The `atnews query | search | export | stats | show` commands are thin wrappers over these modules.
"""
