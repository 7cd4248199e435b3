"""Revocation: of credentials (many of one batch in one transaction) and of whole batches."""
