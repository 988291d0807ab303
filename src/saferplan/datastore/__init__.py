"""The data store: import provenance (Django records) and columnar facts (Parquet, DuckDB)."""
