"""Batches: building and sealing a cohort's credentials (pure), and issuing them (store + chain)."""
