"""Verification: the seven checks of SPEC §5, and what a verifier shows of a credential.

``checks`` is pure (document, chain facts and the time in; a report out); ``verifier`` reads the
chain facts with plain ``eth_call``s and never asks Microcred's database or service.
"""

from backend.verification.checks import CHECK_NAMES, Check, Report
from backend.verification.verifier import Verifier

__all__ = ["CHECK_NAMES", "Check", "Report", "Verifier"]
