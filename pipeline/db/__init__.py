"""Database access: schema (SQLAlchemy models), engines, and migrations (Alembic)."""
