"""Microcred: issue EU micro-credentials in Merkle batches anchored on an Ethereum registry,
and verify them anywhere."""

__version__ = "0.1.0"
