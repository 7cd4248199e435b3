"""Keccak-256, the one hash of the format: digests, Merkle leaves and nodes, EIP-712."""

from __future__ import annotations

from sha3 import keccak_256

HASH_SIZE = 32


def keccak256(data: bytes) -> bytes:
    """Ethereum's Keccak-256 (the original Keccak padding, not NIST SHA3-256)."""
    digest: bytes = keccak_256(data).digest()
    return digest


def to_hex(value: bytes) -> str:
    """`value` as ``0x``-prefixed lowercase hex, the way the format writes every hash."""
    return "0x" + value.hex()


def from_hex32(text: str, *, what: str = "hash") -> bytes:
    """Parse a ``0x``-prefixed 32-byte hex string; the error names `what` and quotes the value."""
    if not isinstance(text, str) or not text.startswith("0x") or len(text) != 2 + 2 * HASH_SIZE:
        raise ValueError(f"{what} must be 0x followed by 64 hex digits, got {text!r}")
    try:
        return bytes.fromhex(text[2:])
    except ValueError:
        raise ValueError(f"{what} must be 0x followed by 64 hex digits, got {text!r}") from None
