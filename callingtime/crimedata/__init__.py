"""The crime store: police.uk and Met recorded-crime files in DuckDB, and queries over it.

Plain Python: no Django. Geography comes from `callingtime.areas`.
"""
