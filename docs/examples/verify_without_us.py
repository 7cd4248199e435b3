"""Verify a Microcred credential with nothing from Microcred: the file, an RPC URL and the ABI.

    pip install web3 rfc8785
    python verify_without_us.py credential.json https://rpc.example 0xYourAllianceRegistry

Exit 0 when valid, 1 when not. Dependencies: web3.py (with eth-account) and rfc8785.
"""

import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import rfc8785
from eth_account import Account
from eth_account.messages import encode_typed_data
from web3 import Web3

ABI = json.loads((Path(__file__).parent.parent / "abi" / "CredentialRegistry.abi.json").read_text())


def keccak(data: bytes) -> bytes:
    return bytes(Web3.keccak(data))


def verify(credential: dict, rpc_url: str, trusted_registry: str) -> list[str]:
    """The problems found; an empty list means the credential is valid."""
    body = {k: v for k, v in credential.items() if k != "proof"}
    proof, status = credential["proof"], credential["credentialStatus"]

    # 1–2. integrity: digest = keccak256(JCS(document without proof)); leaf = keccak256(keccak256(digest));
    # each step hashes the pair in ascending order (OpenZeppelin MerkleProof).
    digest = keccak(rfc8785.dumps(body))
    node = keccak(keccak(digest))
    for sibling in proof["path"]:
        other = bytes.fromhex(sibling[2:])
        node = keccak(min(node, other) + max(node, other))
    if "0x" + node.hex() != proof["root"].lower():
        return ["integrity: the document does not match its proof"]

    # 3. signature: EIP-712 Batch(bytes32 root,uint32 count) in the registry's domain.
    chain_id, registry = status["chainId"], status["registry"]
    issuer = credential["issuer"]["id"].split(":")[-1]
    if credential["issuer"]["id"] != f"did:pkh:eip155:{chain_id}:{issuer}":
        return ["signature: issuer.id and credentialStatus name different chains"]
    typed = {
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"},
            ],
            "Batch": [{"name": "root", "type": "bytes32"}, {"name": "count", "type": "uint32"}],
        },
        "primaryType": "Batch",
        "domain": {
            "name": "CredentialRegistry",
            "version": "1",
            "chainId": chain_id,
            "verifyingContract": registry,
        },
        "message": {"root": proof["root"], "count": proof["batchSize"]},
    }
    signer = Account.recover_message(
        encode_typed_data(full_message=typed), signature=proof["issuerSignature"]
    )
    if signer != issuer:
        return [f"signature: signed by {signer}, not by the issuer {issuer}"]

    # Only the registry your alliance publishes can tell you who the issuers are.
    if Web3.to_checksum_address(registry) != Web3.to_checksum_address(trusted_registry):
        return [f"anchor: registry {registry} is not the trusted one"]
    w3 = Web3(Web3.HTTPProvider(rpc_url))
    if w3.eth.chain_id != chain_id:
        return [
            f"unavailable: {rpc_url} serves chain {w3.eth.chain_id}, the credential is on chain {chain_id}"
        ]
    contract = w3.eth.contract(address=registry, abi=ABI)
    root = bytes.fromhex(proof["root"][2:])

    # 4. anchor: the batch exists, by this issuer, of this size, and the index is inside it.
    batch_issuer, anchored_at, revoked_at, count, reason = contract.functions.batches(root).call()
    if anchored_at == 0:
        return ["anchor: the batch root is not anchored"]
    if batch_issuer != issuer or count != proof["batchSize"] or status["index"] >= count:
        return ["anchor: the registry's batch does not match the proof"]

    # 5. issuer: registered (an issuer made inactive later still counts for what it issued before).
    name, url, active, registered_at = contract.functions.issuers(issuer).call()
    if registered_at == 0:
        return ["issuer: not a registered issuer"]

    # 6. revocation: the contract's own verify() also re-checks the proof on chain.
    verdict = contract.functions.verify(
        root, digest, status["index"], [bytes.fromhex(p[2:]) for p in proof["path"]]
    ).call()
    names = [
        "valid",
        "unknown batch",
        "invalid proof",
        "batch revoked",
        "credential revoked",
        "index out of range",
    ]
    if verdict != 0:
        return [f"revocation: {names[verdict]}"]

    # 7. validity period.
    now = datetime.now(timezone.utc)
    if now < datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00")):
        return ["validity: not valid yet"]
    if "validUntil" in credential and now >= datetime.fromisoformat(
        credential["validUntil"].replace("Z", "+00:00")
    ):
        return ["validity: expired"]
    print(
        f"valid: “{credential['name']}” for {credential['credentialSubject']['name']}, issued by {name} ({url})"
    )
    return []


if __name__ == "__main__":
    path, rpc, registry = sys.argv[1:4]
    problems = verify(json.loads(Path(path).read_text(encoding="utf-8")), rpc, registry)
    for problem in problems:
        print(problem)
    sys.exit(1 if problems else 0)
