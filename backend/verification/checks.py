"""The checks of SPEC §5, in order, as pure functions: a document, chain facts and `now` in,
a ``Report`` out.

1. format  2. integrity  3. signature  4. anchor  5. issuer  6. revocation  7. validity

The outcome is ``valid`` when all pass, ``invalid`` naming the first that fails, and
``unavailable`` when the chain could not be read: a verifier never calls a credential invalid
because a node did not answer. After the first failure the later checks are reported as not
run (``ok`` None), so a reader sees exactly what was and was not established.

What this module does NOT do: it reads nothing. The caller fetches ``ChainFacts`` from the
registry named in the credential (``verifier.py``), after deciding it trusts that registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from backend.chain.client import REASONS, BatchRecord, IssuerRecord, Revocation
from backend.credentials.canonical import credential_digest
from backend.credentials.dates import parse_rfc3339
from backend.credentials.document import check_format, parse_issuer_did
from backend.hashing import from_hex32, to_hex
from backend.merkle import leaf_hash, process_path
from backend.signing.eip712 import RegistryDomain, recover_batch_signer

WELL_FORMED = "the document has every field a micro-credential and its proof must have"
CHECK_NAMES = ("format", "integrity", "signature", "anchor", "issuer", "revocation", "validity")
Status = Literal["valid", "invalid", "unavailable"]


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool | None  # None: not run (an earlier check failed, or the chain was unreachable)
    detail: str

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class Claims:
    """What a well-formed credential says about itself, parsed once by the offline checks."""

    credential_id: str
    digest: bytes
    root: bytes
    path: tuple[bytes, ...]
    index: int
    batch_size: int
    signature: bytes
    issuer: str
    chain_id: int
    registry: str
    valid_from: datetime
    valid_until: datetime | None


@dataclass(frozen=True, slots=True)
class ChainFacts:
    """What the registry says about a credential's batch, read at `block_number`."""

    block_number: int
    batch: BatchRecord | None
    issuer: IssuerRecord
    index_revoked: bool
    revocations: tuple[Revocation, ...] = ()
    anchor_transaction: str | None = None
    anchor_block: int | None = None


@dataclass(slots=True)
class Report:
    """Every check and what they established; ``as_json`` is the API's and the CLI's report."""

    status: Status
    checks: list[Check]
    document: Any = None
    claims: Claims | None = None
    facts: ChainFacts | None = None
    notices: list[str] = field(default_factory=list)
    unavailable_reason: str | None = None
    checked_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    extra_checks: list[Check] = field(default_factory=list)
    replaced_by: str | None = None

    @property
    def failed(self) -> Check | None:
        return next((c for c in [*self.checks, *self.extra_checks] if c.ok is False), None)

    @property
    def verdict(self) -> str:
        """The state a person sees: valid, invalid, revoked, expired, not-yet-valid or unavailable."""
        failed = self.failed
        if self.status == "unavailable":
            return "unavailable"
        if failed is None:
            return "valid"
        if failed.name == "revocation":
            return "revoked"
        if failed.name == "validity":
            return "not-yet-valid" if "not valid before" in failed.detail else "expired"
        return "invalid"

    @property
    def revocation(self) -> Revocation | None:
        if self.facts is None or self.claims is None:
            return None
        return revocation_of(self.claims, self.facts)

    def as_json(self) -> dict[str, Any]:
        failed = self.failed
        body: dict[str, Any] = {
            "status": self.status,
            "verdict": self.verdict,
            "failedCheck": failed.name if failed is not None and self.status == "invalid" else None,
            "checks": [c.as_json() for c in self.checks],
            "checkedAt": self.checked_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "notices": list(self.notices),
        }
        if self.extra_checks:
            body["additionalChecks"] = [c.as_json() for c in self.extra_checks]
        if self.unavailable_reason is not None:
            body["unavailableReason"] = self.unavailable_reason
        if self.claims is not None:
            body["credential"] = {
                "id": self.claims.credential_id,
                "digest": to_hex(self.claims.digest),
                "root": to_hex(self.claims.root),
                "index": self.claims.index,
                "issuer": self.claims.issuer,
                "chainId": self.claims.chain_id,
                "registry": self.claims.registry,
            }
        if self.facts is not None:
            body["chain"] = _facts_json(self.facts)
        revocation = self.revocation
        if revocation is not None:
            body["revocation"] = {
                "scope": "batch" if revocation.index is None else "credential",
                "reason": revocation.reason_name,
                "revokedAt": datetime.fromtimestamp(revocation.timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "transaction": revocation.tx_hash,
            }
        if self.replaced_by is not None:
            body["replacedBy"] = self.replaced_by
        return body


def _facts_json(facts: ChainFacts) -> dict[str, Any]:
    body: dict[str, Any] = {"blockNumber": facts.block_number}
    if facts.batch is not None:
        body["anchoredAt"] = datetime.fromtimestamp(facts.batch.anchored_at, UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        body["batchCount"] = facts.batch.count
    if facts.anchor_transaction is not None:
        body["anchorTransaction"] = facts.anchor_transaction
    if facts.anchor_block is not None:
        body["anchorBlock"] = facts.anchor_block
        body["confirmations"] = facts.block_number - facts.anchor_block + 1
    body["issuerName"] = facts.issuer.name
    body["issuerUrl"] = facts.issuer.url
    body["issuerActive"] = facts.issuer.active
    return body


# ───────────────────────────── checks 1–3: the document alone ─────────────────────────────


def check_document(document: Any) -> tuple[list[Check], Claims | None]:
    """`format`, `integrity` and `signature`: what can be known without the chain."""
    problems = check_format(document)
    if problems:
        shown = "; ".join(str(p) for p in problems[:5]) + ("; …" if len(problems) > 5 else "")
        return [Check("format", False, f"{len(problems)} problem(s): {shown}")], None
    status, proof = document["credentialStatus"], document["proof"]
    chain_id, issuer = parse_issuer_did(document["issuer"]["id"])
    try:
        digest = credential_digest(document)
    except ValueError as err:
        return [
            Check("format", True, WELL_FORMED),
            Check("integrity", False, f"the document has no RFC 8785 canonical form, so no digest: {err}"),
        ], None
    claims = Claims(
        credential_id=document["id"],
        digest=digest,
        root=from_hex32(proof["root"]),
        path=tuple(from_hex32(node) for node in proof["path"]),
        index=status["index"],
        batch_size=proof["batchSize"],
        signature=bytes.fromhex(proof["issuerSignature"][2:]),
        issuer=issuer,
        chain_id=status["chainId"],
        registry=status["registry"],
        valid_from=parse_rfc3339(document["validFrom"]),
        valid_until=parse_rfc3339(document["validUntil"]) if "validUntil" in document else None,
    )
    checks = [Check("format", True, WELL_FORMED)]

    reached = process_path(leaf_hash(claims.digest), claims.path)
    if reached != claims.root:
        checks.append(
            Check(
                "integrity",
                False,
                f"the credential's digest {to_hex(claims.digest)} does not lead to the root along its "
                "path: the document was changed after it was issued, or the proof belongs to another one",
            )
        )
        return checks, claims
    checks.append(
        Check("integrity", True, f"digest {to_hex(claims.digest)} reaches root {to_hex(claims.root)}")
    )

    if chain_id != claims.chain_id:
        checks.append(
            Check(
                "signature",
                False,
                f"issuer.id names chain {chain_id} but credentialStatus names chain {claims.chain_id}",
            )
        )
        return checks, claims
    domain = RegistryDomain(claims.chain_id, claims.registry)
    try:
        signer = recover_batch_signer(
            domain, root=claims.root, count=claims.batch_size, signature=claims.signature
        )
    except ValueError as err:
        checks.append(Check("signature", False, str(err)))
        return checks, claims
    if signer != issuer:
        checks.append(
            Check(
                "signature",
                False,
                f"the batch signature was made by {signer}, not by the issuer {issuer} named in issuer.id",
            )
        )
        return checks, claims
    checks.append(
        Check("signature", True, f"the batch root is signed by {issuer} (EIP-712, chain {claims.chain_id})")
    )
    return checks, claims


# ───────────────────────────── checks 4–7: against the chain ─────────────────────────────


def check_against_chain(claims: Claims, facts: ChainFacts, *, now: datetime) -> tuple[list[Check], list[str]]:
    """`anchor`, `issuer`, `revocation` and `validity`, from facts read off the registry."""
    checks: list[Check] = []
    notices: list[str] = []
    batch = facts.batch
    if batch is None:
        return [
            Check(
                "anchor",
                False,
                f"no batch with root {to_hex(claims.root)} is anchored in registry {claims.registry}",
            )
        ], notices
    if batch.issuer != claims.issuer:
        return [
            Check(
                "anchor",
                False,
                f"the batch was anchored by {batch.issuer}, not by the issuer {claims.issuer}",
            )
        ], notices
    if batch.count != claims.batch_size:
        return [
            Check(
                "anchor",
                False,
                f"the registry records {batch.count} credentials in the batch, "
                f"the proof says {claims.batch_size}",
            )
        ], notices
    if claims.index >= batch.count:
        return [
            Check("anchor", False, f"index {claims.index} is outside the batch of {batch.count}")
        ], notices
    anchored = datetime.fromtimestamp(batch.anchored_at, UTC).strftime("%Y-%m-%d %H:%M UTC")
    checks.append(Check("anchor", True, f"batch of {batch.count} anchored by the issuer on {anchored}"))

    issuer = facts.issuer
    if not issuer.registered:
        checks.append(
            Check(
                "issuer", False, f"{claims.issuer} is not a registered issuer of registry {claims.registry}"
            )
        )
        return checks, notices
    checks.append(Check("issuer", True, f"registered issuer “{issuer.name}” ({issuer.url or 'no URL'})"))
    if not issuer.active:
        notices.append(
            f"“{issuer.name}” no longer issues through this registry (made inactive); "
            "credentials it issued before stay valid"
        )

    if batch.revoked_at or facts.index_revoked:
        revocation = revocation_of(claims, facts)
        if revocation is not None:
            reason, when = revocation.reason_name, revocation.timestamp
        else:
            reason = REASONS[batch.revocation_reason] if batch.revoked_at else "unknown"
            when = batch.revoked_at
        scope = "the whole batch was" if batch.revoked_at else "this credential was"
        date = datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%d %H:%M UTC") if when else "an unknown date"
        checks.append(
            Check("revocation", False, f"{scope} revoked on {date}, reason: {reason.replace('_', ' ')}")
        )
        return checks, notices
    checks.append(Check("revocation", True, "neither the credential nor its batch is revoked"))

    if now < claims.valid_from:
        checks.append(Check("validity", False, f"not valid before {claims.valid_from:%Y-%m-%d %H:%M UTC}"))
    elif claims.valid_until is not None and now >= claims.valid_until:
        checks.append(Check("validity", False, f"expired on {claims.valid_until:%Y-%m-%d %H:%M UTC}"))
    else:
        until = f"until {claims.valid_until:%Y-%m-%d}" if claims.valid_until else "with no expiry"
        checks.append(Check("validity", True, f"valid since {claims.valid_from:%Y-%m-%d}, {until}"))
    return checks, notices


def revocation_of(claims: Claims, facts: ChainFacts) -> Revocation | None:
    """The revocation that counts for the credential: its batch's, else its own, the first one."""
    whole = [r for r in facts.revocations if r.index is None]
    own = [r for r in facts.revocations if r.index == claims.index]
    found = whole or own
    return found[0] if found else None


def not_run(after: list[Check], *, reason: str) -> list[Check]:
    """The checks after those in `after`, each reported as not run for `reason`."""
    done = {c.name for c in after}
    return [Check(name, None, reason) for name in CHECK_NAMES if name not in done]


def decide(checks: list[Check], *, unavailable: bool) -> Status:
    if any(c.ok is False for c in checks):
        return "invalid"
    if unavailable:
        return "unavailable"
    return "valid" if all(c.ok for c in checks) and len(checks) == len(CHECK_NAMES) else "invalid"
