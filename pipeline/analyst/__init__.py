"""The analyst layer: lookup tables, views, exports, the report and the table browser.

Plain functions over a SQLAlchemy engine, testable without Prefect; ``flows/cli/analyst.py``
is the command line over them. The views themselves are created by Alembic migrations
(``db/migrations/versions``); :mod:`.views` describes their columns for the code that reads
them.
"""
