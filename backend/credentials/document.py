"""The credential document of SPEC §1: who issues it, how it is laid out, and its format check.

``check_format`` is the verifier's first check: it says, field by field, what a document lacks
or holds wrongly. It does not judge the hash, the signature or the chain: later checks do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pycountry
from eth_utils.address import is_checksum_address, to_checksum_address

from backend.credentials.dates import parse_rfc3339
from backend.errors import InvalidInput, Problem

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
CREDENTIAL_TYPE = ["VerifiableCredential", "OpenBadgeCredential"]
SUBJECT_TYPE = ["AchievementSubject"]
ISSUER_TYPE = ["Profile"]
STATUS_TYPE = "RegistryRevocation"
PROOF_TYPE = "MerkleAnchorProof"
PROOF_VERSION = 1
PARTICIPATION = ("online", "onsite", "blended")

_UUID_URN = re.compile(r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
_HEX32 = re.compile(r"^0x[0-9a-f]{64}$")
_HEX32_ANY_CASE = re.compile(r"^0x[0-9a-fA-F]{64}$")
_SIGNATURE = re.compile(r"^0x[0-9a-fA-F]{130}$")
_DID_PKH = re.compile(r"^did:pkh:eip155:([1-9][0-9]*):(0x[0-9a-fA-F]{40})$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_SHA256_URN = re.compile(r"^urn:sha256:[0-9a-f]{64}$")


def issuer_did(chain_id: int, address: str) -> str:
    """``did:pkh:eip155:<chainId>:<EIP-55 address>``, the issuer's id in every credential."""
    return f"did:pkh:eip155:{chain_id}:{to_checksum_address(address)}"


def parse_issuer_did(did: str) -> tuple[int, str]:
    """The chain id and EIP-55 address in an issuer DID.

    Raises:
        ValueError: `did` is not a ``did:pkh:eip155`` DID with a checksummed address.
    """
    match = _DID_PKH.match(did) if isinstance(did, str) else None
    if match is None or not is_checksum_address(match.group(2)):
        raise ValueError(f"issuer.id must be did:pkh:eip155:<chainId>:<EIP-55 address>, got {did!r}")
    return int(match.group(1)), match.group(2)


def is_country_code(code: str) -> bool:
    return (
        isinstance(code, str)
        and len(code) == 2
        and code.isupper()
        and pycountry.countries.get(alpha_2=code) is not None
    )


@dataclass(frozen=True, slots=True)
class IssuerProfile:
    """The awarding body as credentials name it; its address signs and anchors the batches."""

    address: str
    name: str
    url: str
    country: str

    def __post_init__(self) -> None:
        problems = []
        if not self.name.strip():
            problems.append(Problem("the issuer's name is empty", field="issuer.name"))
        if not re.match(r"^https?://\S+$", self.url):
            problems.append(Problem(f"not an http(s) URL: {self.url!r}", field="issuer.url"))
        if not is_country_code(self.country):
            problems.append(
                Problem(f"not an ISO 3166-1 alpha-2 country code: {self.country!r}", field="issuer.country")
            )
        if problems:
            raise InvalidInput("the issuer profile is incomplete", problems)
        object.__setattr__(self, "address", to_checksum_address(self.address))

    def as_json(self, chain_id: int) -> dict[str, Any]:
        return {
            "id": issuer_did(chain_id, self.address),
            "type": list(ISSUER_TYPE),
            "name": self.name,
            "url": self.url,
            "country": self.country,
        }


def same_learner(documents: Sequence[Any]) -> tuple[str, str | None] | str:
    """The learner's (name, id) shared by every document, or what differs between them."""
    subjects = [d["credentialSubject"] for d in documents]
    ids = {s.get("id") for s in subjects}
    names = {" ".join(str(s["name"]).split()).casefold() for s in subjects}
    if ids - {None}:
        if len(ids) != 1:
            return f"the credentials name different learners: {', '.join(sorted(str(i) for i in ids))}"
    elif len(names) != 1:
        return (
            f"the credentials name different learners: {', '.join(sorted(str(s['name']) for s in subjects))}"
        )
    return subjects[0]["name"], subjects[0].get("id")


# ───────────────────────────── the format check ─────────────────────────────

_ANY_TEXT = re.compile(r"", re.DOTALL)


def _records(value: Any, **fields: re.Pattern[str]) -> bool:
    """Whether `value` is a non-empty list of objects whose `fields` are strings matching their
    patterns (``components``, ``evidence``)."""
    return (
        isinstance(value, list)
        and len(value) > 0
        and all(
            isinstance(item, dict)
            and all(
                isinstance(item.get(name), str) and pattern.match(item[name])
                for name, pattern in fields.items()
            )
            for item in value
        )
    )


def check_format(document: Any) -> list[Problem]:
    """Everything §1 and §3 require that `document` lacks or holds wrongly; empty when well formed."""
    if not isinstance(document, dict):
        return [Problem(f"a credential is a JSON object, got {type(document).__name__}")]
    problems: list[Problem] = []

    def need(condition: bool, path: str, message: str) -> bool:
        if not condition:
            problems.append(Problem(message, field=path))
        return condition

    def text(container: Any, key: str, path: str, *, optional: bool = False) -> None:
        value: Any = container.get(key) if isinstance(container, dict) else None
        if value is None and optional:
            return
        need(
            isinstance(value, str) and value.strip() != "", path, f"must be a non-empty string, got {value!r}"
        )

    def strings(
        container: dict[str, Any], key: str, path: str, *, optional: bool = False, non_empty: bool = False
    ) -> None:
        value: Any = container.get(key)
        if value is None and optional:
            return
        ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
        need(
            ok and (not non_empty or len(value) > 0),
            path,
            f"must be a {'non-empty ' if non_empty else ''}list of strings, got {value!r}",
        )

    need(document.get("@context") == CONTEXT, "@context", f"must be {CONTEXT!r}")
    need(
        isinstance(document.get("id"), str) and bool(_UUID_URN.match(document["id"])),
        "id",
        f"must be urn:uuid:<uuid4>, got {document.get('id')!r}",
    )
    need(document.get("type") == CREDENTIAL_TYPE, "type", f"must be {CREDENTIAL_TYPE!r}")
    text(document, "name", "name")
    salt: Any = document.get("salt")
    need(
        isinstance(salt, str) and bool(_HEX32.match(salt)),
        "salt",
        f"must be 0x and 64 lowercase hex digits, got {salt!r}",
    )
    for key in ("validFrom", "validUntil"):
        if key in document or key == "validFrom":
            try:
                parse_rfc3339(document.get(key), what=key)
            except ValueError as err:
                problems.append(Problem(str(err), field=key))

    issuer: Any = document.get("issuer")
    if need(isinstance(issuer, dict), "issuer", "must be an object"):
        try:
            parse_issuer_did(issuer.get("id"))
        except ValueError as err:
            problems.append(Problem(str(err), field="issuer.id"))
        need(issuer.get("type") == ISSUER_TYPE, "issuer.type", f"must be {ISSUER_TYPE!r}")
        text(issuer, "name", "issuer.name")
        text(issuer, "url", "issuer.url")
        need(
            is_country_code(issuer.get("country")),
            "issuer.country",
            f"must be an ISO 3166-1 alpha-2 code, got {issuer.get('country')!r}",
        )

    subject: Any = document.get("credentialSubject")
    if need(isinstance(subject, dict), "credentialSubject", "must be an object"):
        need(subject.get("type") == SUBJECT_TYPE, "credentialSubject.type", f"must be {SUBJECT_TYPE!r}")
        text(subject, "name", "credentialSubject.name")
        if "id" in subject:
            need(
                isinstance(subject["id"], str) and bool(_URI.match(subject["id"])),
                "credentialSubject.id",
                f"must be a DID or URI, got {subject['id']!r}",
            )
        text(subject, "grade", "credentialSubject.grade", optional=True)
        if "components" in subject:
            need(
                _records(subject["components"], id=_UUID_URN, digest=_HEX32),
                "credentialSubject.components",
                "must be a non-empty list of {id: urn:uuid:…, digest: 0x…}",
            )
        _check_achievement(subject.get("achievement"), need, text, strings)
        achievement: Any = subject.get("achievement")
        if isinstance(achievement, dict):
            need(
                achievement.get("name") == document.get("name"),
                "name",
                "must equal credentialSubject.achievement.name",
            )

    status: Any = document.get("credentialStatus")
    if need(isinstance(status, dict), "credentialStatus", "must be an object"):
        need(status.get("type") == STATUS_TYPE, "credentialStatus.type", f"must be {STATUS_TYPE!r}")
        chain_id: Any = status.get("chainId")
        need(
            _is_int(chain_id) and chain_id > 0,
            "credentialStatus.chainId",
            f"must be a positive integer, got {chain_id!r}",
        )
        registry: Any = status.get("registry")
        need(
            isinstance(registry, str) and is_checksum_address(registry),
            "credentialStatus.registry",
            f"must be an EIP-55 address, got {registry!r}",
        )
        index: Any = status.get("index")
        need(
            _is_int(index) and index >= 0, "credentialStatus.index", f"must be an integer ≥ 0, got {index!r}"
        )

    if "replaces" in document:
        need(
            isinstance(document["replaces"], str) and bool(_UUID_URN.match(document["replaces"])),
            "replaces",
            "must be the urn:uuid of the credential it corrects",
        )
    if "evidence" in document:
        need(
            _records(document["evidence"], id=_SHA256_URN, name=_ANY_TEXT),
            "evidence",
            "must be a non-empty list of {id: urn:sha256:<64 hex>, name: file name}",
        )

    proof: Any = document.get("proof")
    if need(isinstance(proof, dict), "proof", "must be an object: the batch proof"):
        need(proof.get("type") == PROOF_TYPE, "proof.type", f"must be {PROOF_TYPE!r}")
        need(
            proof.get("version") == PROOF_VERSION and _is_int(proof.get("version")),
            "proof.version",
            f"must be {PROOF_VERSION}",
        )
        root: Any = proof.get("root")
        need(
            isinstance(root, str) and bool(_HEX32_ANY_CASE.match(root)),
            "proof.root",
            f"must be 0x and 64 hex digits, got {root!r}",
        )
        path: Any = proof.get("path")
        need(
            isinstance(path, list) and all(isinstance(p, str) and _HEX32_ANY_CASE.match(p) for p in path),
            "proof.path",
            "must be a list of 0x… 32-byte hashes",
        )
        size: Any = proof.get("batchSize")
        need(
            _is_int(size) and 1 <= size < 2**32,
            "proof.batchSize",
            f"must be an integer from 1 to 2^32−1, got {size!r}",
        )
        signature: Any = proof.get("issuerSignature")
        need(
            isinstance(signature, str) and bool(_SIGNATURE.match(signature)),
            "proof.issuerSignature",
            "must be 0x and 130 hex digits (65 bytes)",
        )
        if "anchorTransaction" in proof:
            need(
                isinstance(proof["anchorTransaction"], str)
                and bool(_HEX32_ANY_CASE.match(proof["anchorTransaction"])),
                "proof.anchorTransaction",
                "must be a 0x… transaction hash",
            )
        position: Any = status.get("index") if isinstance(status, dict) else None
        if _is_int(size) and _is_int(position) and position >= size:
            problems.append(
                Problem(f"index {position} is outside a batch of {size}", field="credentialStatus.index")
            )
    return problems


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_achievement(achievement: Any, need: Any, text: Any, strings: Any) -> None:
    base = "credentialSubject.achievement"
    if not need(isinstance(achievement, dict), base, "must be an object"):
        return
    text(achievement, "id", f"{base}.id")
    need(achievement.get("type") == ["Achievement"], f"{base}.type", "must be ['Achievement']")
    need(
        achievement.get("achievementType") == "MicroCredential",
        f"{base}.achievementType",
        "must be 'MicroCredential'",
    )
    text(achievement, "name", f"{base}.name")
    strings(achievement, "learningOutcomes", f"{base}.learningOutcomes", non_empty=True)
    workload: Any = achievement.get("workload")
    if need(isinstance(workload, dict), f"{base}.workload", "must be {hours: int, ects?: number}"):
        hours: Any = workload.get("hours")
        need(
            _is_int(hours) and hours >= 1,
            f"{base}.workload.hours",
            f"must be a whole number ≥ 1, got {hours!r}",
        )
        if "ects" in workload:
            ects: Any = workload["ects"]
            need(
                isinstance(ects, int | float) and not isinstance(ects, bool) and ects >= 0,
                f"{base}.workload.ects",
                f"must be a number ≥ 0, got {ects!r}",
            )
    if "eqfLevel" in achievement:
        level: Any = achievement["eqfLevel"]
        need(
            _is_int(level) and 1 <= level <= 8,
            f"{base}.eqfLevel",
            f"must be a whole number from 1 to 8, got {level!r}",
        )
    text(achievement, "assessment", f"{base}.assessment")
    need(
        achievement.get("participation") in PARTICIPATION,
        f"{base}.participation",
        f"must be one of {', '.join(PARTICIPATION)}, got {achievement.get('participation')!r}",
    )
    text(achievement, "qualityAssurance", f"{base}.qualityAssurance")
    for key in ("prerequisites", "stackableInto"):
        strings(achievement, key, f"{base}.{key}", optional=True)
    for key in ("identityVerification", "description"):
        text(achievement, key, f"{base}.{key}", optional=True)
