"""The reports a Commission reads: equal treatment of every mission and outlet, and the
centres' daily figures. Every figure is computed by the database (counts, medians and
percentiles in SQL, the same on SQLite and PostgreSQL); nothing here names a person."""
