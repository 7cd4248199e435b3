"""Every value of the shared conformance vectors, reproduced from the credentials alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.credentials.canonical import canonicalize, credential_digest
from backend.hashing import from_hex32, to_hex
from backend.merkle import MerkleTree, leaf_hash, verify_path
from backend.signing.eip712 import RegistryDomain, batch_hash, recover_batch_signer, sign_batch
from tests.vectors_data import ANVIL_KEY_0, VECTOR_FILES, VECTORS_DIR, load_vector

# Where the vectors come from: the spec's shared folder beside this checkout (there in CI).
SHARED_VECTORS = Path(__file__).resolve().parents[3] / "shared" / "vectors"


def test_all_three_vector_files_are_present() -> None:
    assert VECTOR_FILES == ["batch-1.json", "batch-3-with-evidence.json", "batch-5.json"]


@pytest.mark.skipif(not SHARED_VECTORS.is_dir(), reason=f"no shared vectors at {SHARED_VECTORS}")
def test_copied_vectors_are_identical_to_the_shared_ones() -> None:
    shared = sorted(p.name for p in SHARED_VECTORS.iterdir())
    assert sorted(p.name for p in VECTORS_DIR.iterdir()) == shared
    for name in shared:
        assert (VECTORS_DIR / name).read_bytes() == (SHARED_VECTORS / name).read_bytes(), name


@pytest.mark.parametrize("name", VECTOR_FILES)
def test_canonical_digest_and_leaf_reproduced(name: str) -> None:
    for item in load_vector(name)["items"]:
        credential = item["credential"]
        body = {k: v for k, v in credential.items() if k != "proof"}

        assert canonicalize(body).decode("utf-8") == item["canonical"]
        assert to_hex(credential_digest(credential)) == item["digest"]
        assert to_hex(leaf_hash(credential_digest(credential))) == item["leaf"]


@pytest.mark.parametrize("name", VECTOR_FILES)
def test_root_and_every_path_reproduced(name: str) -> None:
    vector = load_vector(name)
    tree = MerkleTree([credential_digest(item["credential"]) for item in vector["items"]])

    assert to_hex(tree.root) == vector["root"]
    for index, item in enumerate(vector["items"]):
        assert [to_hex(node) for node in tree.proof(index)] == item["path"]
        assert item["credential"]["proof"]["path"] == item["path"]
        assert verify_path(tree.root, from_hex32(item["digest"]), tree.proof(index))


@pytest.mark.parametrize("name", VECTOR_FILES)
def test_eip712_digest_and_signature_reproduced(name: str) -> None:
    vector = load_vector(name)
    domain = RegistryDomain(vector["chainId"], vector["registry"])
    root, count = from_hex32(vector["root"]), len(vector["items"])
    assert vector["eip712"]["domain"] == domain.as_eip712()

    signature = sign_batch(ANVIL_KEY_0, domain, root=root, count=count)

    assert to_hex(batch_hash(domain, root=root, count=count)) == vector["eip712"]["digest"]
    assert to_hex(signature) == vector["eip712"]["signature"]
    assert recover_batch_signer(domain, root=root, count=count, signature=signature) == vector["issuer"]
    for item in vector["items"]:
        assert item["credential"]["proof"]["issuerSignature"] == vector["eip712"]["signature"]
