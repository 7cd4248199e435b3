"""The batch builder reproduces the shared vectors and agrees with plain RFC 8785 everywhere."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.batches.builder import BatchContext, seal_batch
from backend.credentials.canonical import canonicalize, credential_digest
from backend.credentials.cohort import Evidence, Learner
from backend.credentials.document import IssuerProfile, check_format
from backend.credentials.template import parse_template
from backend.hashing import to_hex
from backend.merkle import verify_path
from backend.signing.eip712 import RegistryDomain, recover_batch_signer
from backend.signing.keys import IssuerKey
from tests.samples import TEMPLATE
from tests.vectors_data import ANVIL_KEY_0, VECTOR_FILES, load_vector

SIGNATURE = b"\x01" * 65


def vector_inputs(vector: dict[str, Any]) -> tuple[BatchContext, list[Learner], bytes]:
    """The issuer's inputs behind a vector: template, learners, and the ids and salts it drew."""
    first = vector["items"][0]["credential"]
    achievement = dict(first["credentialSubject"]["achievement"])
    urn = achievement.pop("id")
    for key in ("type", "achievementType"):
        achievement.pop(key)
    if "validUntil" in first:
        achievement["validUntil"] = first["validUntil"]
    issuer = first["issuer"]
    context = BatchContext(
        issuer=IssuerProfile(vector["issuer"], issuer["name"], issuer["url"], issuer["country"]),
        domain=RegistryDomain(vector["chainId"], vector["registry"]),
        template=parse_template(achievement),
        template_urn=urn,
        valid_from=first["validFrom"],
    )
    learners, randomness = [], b""
    for item in vector["items"]:
        credential = item["credential"]
        subject = credential["credentialSubject"]
        evidence = tuple(
            Evidence(e["id"].removeprefix("urn:sha256:"), e["name"]) for e in credential.get("evidence", [])
        )
        learners.append(
            Learner(
                subject["name"], subject_id=subject.get("id"), grade=subject.get("grade"), evidence=evidence
            )
        )
        randomness += uuid.UUID(credential["id"].removeprefix("urn:uuid:")).bytes + bytes.fromhex(
            credential["salt"][2:]
        )
    return context, learners, randomness


@pytest.mark.parametrize("name", VECTOR_FILES)
def test_builder_reproduces_vector_from_issuer_inputs(name: str) -> None:
    vector = load_vector(name)
    context, learners, randomness = vector_inputs(vector)

    sealed = seal_batch(context, learners, random_bytes=lambda n: randomness.ljust(n, b"\0"))
    signature = IssuerKey.unsafe_from_hex("0x" + ANVIL_KEY_0.hex()).sign_batch(
        context.domain, root=sealed.root, count=sealed.count
    )

    assert to_hex(sealed.root) == vector["root"]
    assert to_hex(signature) == vector["eip712"]["signature"]
    for index, item in enumerate(vector["items"]):
        assert canonicalize(sealed.document(index)).decode() == item["canonical"]
        assert to_hex(sealed.entries[index].digest) == item["digest"]
        assert sealed.credential(index, signature) == item["credential"]


NAMES = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).filter(str.strip)
LEARNERS = st.lists(
    st.builds(
        Learner,
        name=NAMES.map(lambda n: " ".join(n.split()) or "x"),
        subject_id=st.none()
        | st.just("did:example:123")
        | st.text(min_size=1, max_size=10).map(lambda t: "urn:x:" + t),
        grade=st.none() | st.text(max_size=12),
    ),
    min_size=1,
    max_size=12,
)


def sample_context() -> BatchContext:
    return BatchContext(
        issuer=IssuerProfile(
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
            "Université de Lorraine",
            "https://univ-lorraine.fr",
            "FR",
        ),
        domain=RegistryDomain(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3"),
        template=parse_template(TEMPLATE),
        template_urn="urn:microcred:template:ethics",
        valid_from="2026-12-03T10:00:00Z",
        valid_until="2031-12-03T10:00:00Z",
    )


@settings(max_examples=150, deadline=None)
@given(LEARNERS)
def test_composed_digest_equals_rfc8785_digest_and_every_proof_verifies(learners: list[Learner]) -> None:
    sealed = seal_batch(sample_context(), learners)

    for index in range(sealed.count):
        document = sealed.document(index)
        assert credential_digest(document) == sealed.entries[index].digest
        assert verify_path(sealed.root, sealed.entries[index].digest, sealed.tree.proof(index))


def test_every_credential_is_well_formed_and_unique() -> None:
    learners = [Learner(f"Learner {i}", email=f"l{i}@example.eu") for i in range(20)]
    sealed = seal_batch(sample_context(), learners)
    credentials = list(sealed.credentials(SIGNATURE))

    assert all(check_format(c) == [] for c in credentials)
    assert len({c["id"] for c in credentials}) == len({c["salt"] for c in credentials}) == 20
    assert [c["credentialStatus"]["index"] for c in credentials] == list(range(20))
    assert {c["proof"]["batchSize"] for c in credentials} == {20}
    assert all("email" not in str(c["credentialSubject"]) for c in credentials)


def test_batch_of_one_has_its_leaf_as_root_and_an_empty_path() -> None:
    sealed = seal_batch(sample_context(), [Learner("Zofia")])
    assert sealed.credential(0, SIGNATURE)["proof"]["path"] == []


def test_signature_over_root_recovers_the_issuer() -> None:
    key = IssuerKey.unsafe_from_hex("0x" + ANVIL_KEY_0.hex())
    context = sample_context()
    sealed = seal_batch(context, [Learner("Zofia"), Learner("Jan")])
    signature = key.sign_batch(context.domain, root=sealed.root, count=2)
    assert recover_batch_signer(context.domain, root=sealed.root, count=2, signature=signature) == key.address


def test_empty_batch_is_refused() -> None:
    with pytest.raises(ValueError, match="1 to"):
        seal_batch(sample_context(), [])
