"""EIP-712 typed data of a batch: ``Batch(bytes32 root,uint32 count)`` in the registry's domain.

The domain is always explicit: name ``CredentialRegistry``, version ``1``, the chain id and the
registry address. The same signature is what ``anchorSigned`` checks on-chain and what every
credential of the batch carries as ``proof.issuerSignature``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from eth_account import Account
from eth_account.messages import SignableMessage, encode_typed_data
from eth_utils.address import to_checksum_address

from backend.hashing import keccak256

DOMAIN_NAME = "CredentialRegistry"
DOMAIN_VERSION = "1"
BATCH_TYPES: dict[str, list[dict[str, str]]] = {
    "EIP712Domain": [
        {"name": "name", "type": "string"},
        {"name": "version", "type": "string"},
        {"name": "chainId", "type": "uint256"},
        {"name": "verifyingContract", "type": "address"},
    ],
    "Batch": [{"name": "root", "type": "bytes32"}, {"name": "count", "type": "uint32"}],
}
MAX_BATCH_SIZE = 2**32 - 1
SIGNATURE_SIZE = 65


class RegistryDomain(NamedTuple):
    """Where a batch is anchored: the chain and the registry contract on it."""

    chain_id: int
    registry: str

    def as_eip712(self) -> dict[str, Any]:
        return {
            "name": DOMAIN_NAME,
            "version": DOMAIN_VERSION,
            "chainId": self.chain_id,
            "verifyingContract": to_checksum_address(self.registry),
        }


def batch_typed_data(domain: RegistryDomain, *, root: bytes, count: int) -> dict[str, Any]:
    """The full EIP-712 message of a batch, as wallets and ``eth_signTypedData_v4`` take it."""
    if not 1 <= count <= MAX_BATCH_SIZE:
        raise ValueError(f"a batch holds 1 to {MAX_BATCH_SIZE} credentials, got {count!r}")
    return {
        "types": BATCH_TYPES,
        "primaryType": "Batch",
        "domain": domain.as_eip712(),
        "message": {"root": root, "count": count},
    }


def batch_signable(domain: RegistryDomain, *, root: bytes, count: int) -> SignableMessage:
    return encode_typed_data(full_message=batch_typed_data(domain, root=root, count=count))


def batch_hash(domain: RegistryDomain, *, root: bytes, count: int) -> bytes:
    """The 32-byte EIP-712 hash that is signed: ``keccak256(0x1901 ‖ domainSeparator ‖ structHash)``."""
    message = batch_signable(domain, root=root, count=count)
    return keccak256(b"\x19" + message.version + message.header + message.body)


def sign_batch(private_key: bytes, domain: RegistryDomain, *, root: bytes, count: int) -> bytes:
    """The issuer's 65-byte signature (r ‖ s ‖ v, v in {27, 28}) of the batch."""
    signed = Account.sign_message(batch_signable(domain, root=root, count=count), private_key)
    return bytes(signed.signature)


def recover_batch_signer(domain: RegistryDomain, *, root: bytes, count: int, signature: bytes) -> str:
    """The EIP-55 address that produced `signature` over the batch.

    Raises:
        ValueError: the signature is not 65 bytes or recovers no address.
    """
    if len(signature) != SIGNATURE_SIZE:
        raise ValueError(f"an issuer signature is {SIGNATURE_SIZE} bytes, got {len(signature)}")
    try:
        return str(
            Account.recover_message(batch_signable(domain, root=root, count=count), signature=signature)
        )
    except Exception as err:  # eth-keys raises several types for malformed signatures
        raise ValueError(f"the issuer signature recovers no address: {err}") from err
