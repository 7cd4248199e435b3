"""``Verifier``: reads the registry a credential names, with plain ``eth_call``s, and decides.

It needs nothing from Microcred but an RPC URL per chain and the registries it trusts: it never
touches the issuer's database or service, so the command line, the API and anyone's copy of this
code reach the same verdict. A registry it does not trust fails the `anchor` check: otherwise
anyone could deploy a look-alike registry and "register" themselves as a university.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from eth_utils.address import to_checksum_address

from backend.chain.client import RegistryClient
from backend.chain.endpoint import shown_rpc_url
from backend.credentials.canonical import credential_digest
from backend.credentials.dates import utc_now
from backend.credentials.document import same_learner
from backend.errors import ChainUnavailable, RegistryError, RpcError
from backend.hashing import to_hex
from backend.verification.checks import (
    ChainFacts,
    Check,
    Claims,
    Report,
    check_against_chain,
    check_document,
    decide,
    not_run,
)

ClientFactory = Callable[[str, str], RegistryClient]
EvidenceFile = tuple[str, bytes]


class Verifier:
    def __init__(
        self,
        rpc_urls: Mapping[int, str],
        *,
        default_rpc: str | None = None,
        trusted_registries: Collection[str] | None = None,
        timeout: float = 10.0,
        from_block: int = 0,
        clock: Callable[[], datetime] = utc_now,
        client_factory: ClientFactory | None = None,
    ) -> None:
        """`rpc_urls` maps chain ids to JSON-RPC URLs. `trusted_registries` None trusts any
        registry (a third party's own choice); a set trusts only those addresses."""
        self.rpc_urls = dict(rpc_urls)
        self.default_rpc = default_rpc
        self.trusted = (
            None if trusted_registries is None else {to_checksum_address(r) for r in trusted_registries}
        )
        self.timeout = timeout
        self.from_block = from_block
        self.clock = clock
        self._factory = client_factory or (
            lambda url, registry: RegistryClient.connect(url, registry, timeout=timeout)
        )
        self._clients: dict[tuple[str, str], RegistryClient] = {}

    def __repr__(self) -> str:
        trusted = sorted(self.trusted) if self.trusted else "any"
        default = shown_rpc_url(self.default_rpc) if self.default_rpc else None
        return f"Verifier(chains={sorted(self.rpc_urls)}, default={default}, trusted={trusted})"

    def verify(
        self, document: Any, *, evidence: Sequence[EvidenceFile] = (), components: Sequence[Any] = ()
    ) -> Report:
        """The report of SPEC §5 for `document`; with `evidence`, also whether those files are the
        documents the credential certifies; with `components` (credential documents), whether a
        stacked credential's components are the ones it lists, valid, and the same learner's."""
        checks, claims = check_document(document)
        report = Report(
            status="invalid", checks=checks, document=document, claims=claims, checked_at=self.clock()
        )
        if claims is None or checks[-1].ok is False:
            report.checks += not_run(checks, reason="not checked: an earlier check failed")
            return report
        self._check_chain(report, claims)
        report.extra_checks += evidence_checks(document, evidence, report.notices)
        report.extra_checks += component_checks(document, components, self, report.notices)
        if report.status == "valid" and any(c.ok is False for c in report.extra_checks):
            report.status = "invalid"
        return report

    def _check_chain(self, report: Report, claims: Claims) -> None:
        if self.trusted is not None and claims.registry not in self.trusted:
            report.checks.append(
                Check(
                    "anchor",
                    False,
                    f"registry {claims.registry} is not one this verifier trusts "
                    f"({', '.join(sorted(self.trusted))}): its issuer list cannot be relied on",
                )
            )
            report.checks += not_run(report.checks, reason="not checked: an earlier check failed")
            return
        url = self.rpc_urls.get(claims.chain_id, self.default_rpc)
        if url is None:
            self._unavailable(
                report,
                f"this verifier reads no RPC for chain {claims.chain_id} (it has {sorted(self.rpc_urls)})",
            )
            return
        try:
            facts = self._read_facts(self._client(url, claims.registry), claims, report.notices)
        except (ChainUnavailable, RpcError) as err:
            self._unavailable(report, str(err))
            return
        except _ChainMismatch as err:
            self._unavailable(report, str(err))
            return
        except RegistryError as err:
            if err.name != "NoContract":
                raise
            report.checks.append(
                Check(
                    "anchor",
                    False,
                    f"there is no registry contract at {claims.registry} on chain {claims.chain_id}",
                )
            )
            report.checks += not_run(report.checks, reason="not checked: an earlier check failed")
            return
        report.facts = facts
        if self.trusted is None:
            report.notices.append(
                f"the registry was taken as the credential names it ({claims.registry}): "
                "check that it is the one your alliance publishes"
            )
        chain_checks, notices = check_against_chain(claims, facts, now=report.checked_at)
        report.checks += chain_checks
        report.notices += notices
        report.checks += not_run(report.checks, reason="not checked: an earlier check failed")
        report.status = decide(report.checks, unavailable=False)

    def _unavailable(self, report: Report, reason: str) -> None:
        report.status = "unavailable"
        report.unavailable_reason = reason
        report.checks += not_run(report.checks, reason=f"not checked: the chain cannot be read ({reason})")

    def _client(self, url: str, registry: str) -> RegistryClient:
        key = (url, registry)
        if key not in self._clients:
            self._clients[key] = self._factory(url, registry)
        return self._clients[key]

    def _read_facts(self, client: RegistryClient, claims: Claims, notices: list[str]) -> ChainFacts:
        """What the registry says, by ``eth_call``: these decide the verdict. The events add the
        anchoring transaction and a revocation's reason and date; a node that will not search its
        logs (public RPCs limit the block range) costs those details, noted, not the verdict."""
        if client.chain_id != claims.chain_id:
            raise _ChainMismatch(
                f"the RPC at {shown_rpc_url(client.rpc_url)} serves chain {client.chain_id}, "
                f"the credential is on chain {claims.chain_id}"
            )
        block = client.block_number()
        batch = client.batch(claims.root)
        issuer = client.issuer(claims.issuer)
        if batch is None or claims.index >= batch.count:
            return ChainFacts(block, batch, issuer, index_revoked=False)
        revoked = bool(batch.revoked_at) or client.is_revoked(claims.root, claims.index)
        try:
            revocations = (
                tuple(client.revocations(claims.root, index=claims.index, from_block=self.from_block))
                if revoked
                else ()
            )
            anchor = client.anchor_event(claims.root, from_block=self.from_block)
        except (ChainUnavailable, RpcError) as err:
            notices.append(
                f"the node would not search the registry's events ({err}), so the anchoring "
                "transaction and any revocation's reason and date are not shown; set "
                "MICROCRED_REGISTRY_FROM_BLOCK to the registry's deployment block to narrow the search"
            )
            revocations, anchor = (), None
        return ChainFacts(
            block_number=block,
            batch=batch,
            issuer=issuer,
            index_revoked=revoked,
            revocations=revocations,
            anchor_transaction=anchor[0] if anchor else None,
            anchor_block=anchor[1] if anchor else None,
        )


class _ChainMismatch(Exception):
    pass


def evidence_checks(document: Any, files: Sequence[EvidenceFile], notices: list[str]) -> list[Check]:
    """Whether `files` are the documents the credential certifies (SPEC §1 ``evidence``)."""
    declared = {e["id"].removeprefix("urn:sha256:"): e["name"] for e in document.get("evidence", [])}
    if not files:
        if declared:
            notices.append(
                f"this credential certifies {len(declared)} document(s) ({', '.join(declared.values())}); "
                "add the file(s) to confirm they are the ones certified"
            )
        return []
    if not declared:
        return [Check("evidence", False, "the credential certifies no document, so no file can match it")]
    checks = []
    for name, content in files:
        digest = hashlib.sha256(content).hexdigest()
        if digest in declared:
            checks.append(
                Check(
                    "evidence",
                    True,
                    f"{name} is the document certified as “{declared[digest]}” (SHA-256 {digest[:16]}…)",
                )
            )
        else:
            checks.append(
                Check(
                    "evidence",
                    False,
                    f"{name} (SHA-256 {digest[:16]}…) is not a document this credential certifies",
                )
            )
    return checks


def component_checks(
    document: Any, files: Sequence[Any], verifier: Verifier, notices: list[str]
) -> list[Check]:
    """For a stacked credential: each component file given is listed by id and digest, is valid
    now, and is held by the same learner."""
    listed = {c["id"]: c["digest"] for c in document.get("credentialSubject", {}).get("components", [])}
    if not listed:
        return [Check("components", False, "this credential lists no components")] if files else []
    given = {f.get("id"): f for f in files if isinstance(f, dict)}
    missing = [cid for cid in listed if cid not in given]
    if missing:
        notices.append(f"{len(missing)} of {len(listed)} components were not given, so they were not checked")
    checks = []
    for cid, component in given.items():
        if cid not in listed:
            checks.append(Check("components", False, f"{cid} is not a component of this credential"))
            continue
        if to_hex(credential_digest(component)) != listed[cid]:
            checks.append(
                Check("components", False, f"{cid} is not the document stacked (its digest differs)")
            )
            continue
        report = verifier.verify(component)
        if report.status != "valid":
            ok = None if report.status == "unavailable" else False
            checks.append(Check("components", ok, f"{cid} is {report.verdict}"))
            continue
        if isinstance(same_learner([document, component]), str):
            checks.append(Check("components", False, f"{cid} belongs to another learner"))
            continue
        checks.append(Check("components", True, f"{cid} is valid and held by the same learner"))
    return checks
