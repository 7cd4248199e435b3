"""The issuer's EIP-712 signature over a batch (SPEC §3) and where issuer keys come from."""
