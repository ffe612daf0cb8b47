"""Prefect flows and the ``newsflow`` CLI: the only code that imports Prefect."""
