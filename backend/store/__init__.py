"""Persistence: SQLModel tables on SQLite (default) or PostgreSQL, and the one ``Store`` that queries them."""

from backend.store.db import Store
from backend.store.models import BatchRow, BatchState, CredentialRow, IssuerRow, TemplateRow, row_id

__all__ = ["BatchRow", "BatchState", "CredentialRow", "IssuerRow", "Store", "TemplateRow", "row_id"]
