"""The registry client: every read and write the service makes to ``CredentialRegistry``.

web3.py underneath; callers see our types and our errors. Connection failures become
``ChainUnavailable``, the contract's custom errors are decoded by name into ``RegistryError``
subclasses, and nothing here logs or keeps a private key beyond the signing call.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

import requests
from eth_abi.abi import decode as abi_decode
from eth_account.signers.local import LocalAccount
from eth_utils.abi import function_signature_to_4byte_selector
from eth_utils.address import to_checksum_address
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import (
    BadFunctionCallOutput,
    ContractCustomError,
    ContractLogicError,
    TimeExhausted,
    Web3RPCError,
)
from web3.logs import DISCARD

from backend.chain.artifacts import load_artifact
from backend.errors import REGISTRY_ERRORS, ChainUnavailable, RegistryError, RpcError, TransactionFailed

T = TypeVar("T")

REASONS = (
    "unspecified",
    "issued_in_error",
    "superseded",
    "misconduct",
    "key_compromise",
    "holder_request",
)
VERIFY_STATUSES = (
    "valid",
    "unknown_batch",
    "invalid_proof",
    "batch_revoked",
    "credential_revoked",
    "index_out_of_range",
)


class IssuerRecord(NamedTuple):
    name: str
    url: str
    active: bool
    registered_at: int

    @property
    def registered(self) -> bool:
        return self.registered_at != 0


@dataclass(frozen=True, slots=True)
class BatchRecord:
    issuer: str
    anchored_at: int
    revoked_at: int
    count: int
    revocation_reason: int


@dataclass(frozen=True, slots=True)
class Revocation:
    """A revocation read from the registry's events: of a whole batch (`index` None) or one credential."""

    reason: int
    index: int | None
    block_number: int
    timestamp: int
    tx_hash: str

    @property
    def reason_name(self) -> str:
        return REASONS[self.reason] if self.reason < len(REASONS) else f"reason {self.reason}"


class Receipt(NamedTuple):
    tx_hash: str
    block_number: int
    gas_used: int
    # Indexes this transaction newly revoked (its ``CredentialRevoked`` events). An index that
    # was revoked before emits nothing and keeps its first reason, so it is not among them.
    revoked_indexes: tuple[int, ...] = ()


# How often a send is built anew when the node says its nonce was taken, and the node's words
# for that (geth, Anvil, Nethermind, Besu and the hosted RPCs in front of them use these).
_NONCE_ATTEMPTS = 5
_NONCE_CONFLICTS = ("nonce too low", "replacement transaction underpriced", "nonce has already been used")


def _is_nonce_conflict(err: RpcError) -> bool:
    return any(words in err.reason.lower() for words in _NONCE_CONFLICTS)


def _error_decoders(abi: list[dict[str, Any]]) -> dict[bytes, tuple[str, list[str], list[str]]]:
    decoders = {}
    for item in abi:
        if item.get("type") != "error":
            continue
        types = [i["type"] for i in item["inputs"]]
        names = [i["name"] for i in item["inputs"]]
        selector = function_signature_to_4byte_selector(f"{item['name']}({','.join(types)})")
        decoders[selector] = (item["name"], names, types)
    return decoders


class RegistryClient:
    """One registry on one chain. Reads are plain ``eth_call``s; writes wait for their receipt
    and then for `confirmations` more blocks."""

    def __init__(
        self,
        w3: Web3,
        registry: str,
        *,
        rpc_url: str = "",
        confirmations: int = 0,
        tx_timeout: float = 120.0,
        poll_interval: float = 0.2,
    ) -> None:
        artifact = load_artifact()
        self.w3 = w3
        self.address = to_checksum_address(registry)
        self.rpc_url = rpc_url
        self.confirmations = confirmations
        self.tx_timeout = tx_timeout
        self.poll_interval = poll_interval
        self.contract: Contract = w3.eth.contract(address=self.address, abi=artifact.abi)
        self._errors = _error_decoders(artifact.abi)
        self._chain_id: int | None = None
        self._send_locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    @classmethod
    def connect(cls, rpc_url: str, registry: str, *, timeout: float = 10.0, **options: Any) -> RegistryClient:
        """A client over HTTP JSON-RPC at `rpc_url`; nothing is sent until the first call."""
        w3 = Web3(Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": timeout}))
        return cls(w3, registry, rpc_url=rpc_url, **options)

    # ───────────────────────────── plumbing ─────────────────────────────

    def _call(self, action: Callable[[], T]) -> T:
        """Run one RPC interaction, translating transport failures and custom errors."""
        try:
            return action()
        except ContractCustomError as err:
            raise self.decode_error(err.data) from err
        except ContractLogicError as err:
            raise RegistryError("Revert", {"message": err.message or str(err)}) from err
        except BadFunctionCallOutput as err:  # nothing (or not a registry) at the address
            raise RegistryError("NoContract", {"registry": self.address}) from err
        except requests.HTTPError as err:  # 429, 502…: the node is there but not serving us
            status = err.response.status_code if err.response is not None else "?"
            raise ChainUnavailable(self.rpc_url or "the RPC endpoint", f"HTTP {status}") from err
        except (requests.RequestException, ConnectionError, TimeoutError, OSError) as err:
            raise ChainUnavailable(self.rpc_url or "the RPC endpoint", type(err).__name__) from err
        except Web3RPCError as err:
            raise RpcError(self.rpc_url or "the RPC endpoint", err.message or str(err)) from err

    def decode_error(self, data: Any) -> RegistryError:
        """Our error for the revert data of a custom error, e.g. ``BatchExists(root)``."""
        raw = bytes.fromhex(data[2:]) if isinstance(data, str) and data.startswith("0x") else b""
        decoder = self._errors.get(raw[:4])
        if decoder is None:
            return RegistryError("Unknown", {"data": data})
        name, names, types = decoder
        values = abi_decode(types, raw[4:])
        args = {
            n: ("0x" + v.hex() if isinstance(v, bytes) else v) for n, v in zip(names, values, strict=True)
        }
        return REGISTRY_ERRORS.get(name, RegistryError)(name, args)

    @property
    def chain_id(self) -> int:
        if self._chain_id is None:
            self._chain_id = self._call(lambda: int(self.w3.eth.chain_id))
        return self._chain_id

    def block_number(self) -> int:
        return self._call(lambda: int(self.w3.eth.block_number))

    def block_timestamp(self, number: int) -> int:
        return int(self._call(lambda: self.w3.eth.get_block(number))["timestamp"])

    def has_code(self) -> bool:
        """Whether a contract is deployed at the registry address on this chain."""
        return len(self._call(lambda: self.w3.eth.get_code(self.address))) > 0

    # ───────────────────────────── reads ─────────────────────────────

    def issuer(self, address: str) -> IssuerRecord:
        name, url, active, registered_at = self._call(
            lambda: self.contract.functions.issuers(to_checksum_address(address)).call()
        )
        return IssuerRecord(name, url, active, registered_at)

    def batch(self, root: bytes) -> BatchRecord | None:
        """The batch record, or None when `root` was never anchored."""
        record = BatchRecord(*self._call(lambda: self.contract.functions.batches(root).call()))
        return record if record.anchored_at else None

    def verify(self, root: bytes, digest: bytes, index: int, path: Sequence[bytes]) -> str:
        """The contract's own verdict, by name (see ``VERIFY_STATUSES``)."""
        status = self._call(lambda: self.contract.functions.verify(root, digest, index, list(path)).call())
        return VERIFY_STATUSES[status]

    def is_revoked(self, root: bytes, index: int) -> bool:
        return bool(self._call(lambda: self.contract.functions.isRevoked(root, index).call()))

    def revocations(self, root: bytes, *, index: int | None = None, from_block: int = 0) -> list[Revocation]:
        """Revocations of batch `root` from the events: the batch's own, and each credential's
        (only `index`'s when given), oldest first."""
        batch_logs = self._call(
            lambda: self.contract.events.BatchRevoked.get_logs(
                from_block=from_block, argument_filters={"root": root}
            )
        )
        filters: dict[str, Any] = {"root": root}
        if index is not None:
            filters["index"] = index
        credential_logs = self._call(
            lambda: self.contract.events.CredentialRevoked.get_logs(
                from_block=from_block, argument_filters=filters
            )
        )
        found = [(log, None) for log in batch_logs] + [
            (log, int(log["args"]["index"])) for log in credential_logs
        ]
        timestamps: dict[int, int] = {}
        result = []
        for log, idx in found:
            number = int(log["blockNumber"])
            if number not in timestamps:
                timestamps[number] = self.block_timestamp(number)
            result.append(
                Revocation(
                    int(log["args"]["reason"]),
                    idx,
                    number,
                    timestamps[number],
                    "0x" + log["transactionHash"].hex(),
                )
            )
        return sorted(result, key=lambda r: (r.block_number, r.index if r.index is not None else -1))

    def anchor_event(self, root: bytes, *, from_block: int = 0) -> tuple[str, int] | None:
        """The transaction hash and block of the batch's anchoring, or None."""
        logs = self._call(
            lambda: self.contract.events.BatchAnchored.get_logs(
                from_block=from_block, argument_filters={"root": root}
            )
        )
        if not logs:
            return None
        return "0x" + logs[0]["transactionHash"].hex(), int(logs[0]["blockNumber"])

    # ───────────────────────────── writes ─────────────────────────────

    def register_issuer(self, sender: LocalAccount, issuer: str, name: str, url: str) -> Receipt:
        return self._transact(
            sender, self.contract.functions.registerIssuer(to_checksum_address(issuer), name, url)
        )

    def set_issuer_active(self, sender: LocalAccount, issuer: str, active: bool) -> Receipt:
        return self._transact(
            sender, self.contract.functions.setIssuerActive(to_checksum_address(issuer), active)
        )

    def anchor(self, sender: LocalAccount, root: bytes, count: int) -> Receipt:
        return self.wait(self.submit_anchor(sender, root, count))

    def submit_anchor(self, sender: LocalAccount, root: bytes, count: int) -> str:
        """Send ``anchor(root, count)`` from the issuer itself; returns the transaction hash."""
        return self._submit(sender, self.contract.functions.anchor(root, count))

    def anchor_signed(
        self, relayer: LocalAccount, root: bytes, count: int, *, issuer: str, signature: bytes
    ) -> Receipt:
        return self.wait(self.submit_anchor_signed(relayer, root, count, issuer=issuer, signature=signature))

    def submit_anchor_signed(
        self, relayer: LocalAccount, root: bytes, count: int, *, issuer: str, signature: bytes
    ) -> str:
        """Send ``anchorSigned`` from a relayer that pays the gas; returns the transaction hash."""
        call = self.contract.functions.anchorSigned(root, count, to_checksum_address(issuer), signature)
        return self._submit(relayer, call)

    def revoke_credentials(
        self, sender: LocalAccount, root: bytes, indexes: Sequence[int], reason: int
    ) -> Receipt:
        return self._transact(sender, self.contract.functions.revokeCredentials(root, list(indexes), reason))

    def revoke_batch(self, sender: LocalAccount, root: bytes, reason: int) -> Receipt:
        return self._transact(sender, self.contract.functions.revokeBatch(root, reason))

    def _transact(self, sender: LocalAccount, call: Any) -> Receipt:
        return self.wait(self._submit(sender, call))

    def _submit(self, sender: LocalAccount, call: Any) -> str:
        """Sign and send `call`; a revert is detected (and decoded) while estimating gas, before
        anything is sent.

        Sends from one account go one at a time through this client, so concurrent batches each
        take the next nonce. A nonce another process took between our read and our send (the CLI
        beside the service, a second instance) is refused by the node; the call is then rebuilt
        with a fresh nonce, a few times. A rebuilt anchor cannot land twice: the registry refuses
        a root it already holds (``BatchExists``)."""

        def send() -> str:
            tx = call.build_transaction(
                {
                    "from": sender.address,
                    "nonce": self.w3.eth.get_transaction_count(sender.address, "pending"),
                    "chainId": self.chain_id,
                }
            )
            signed = sender.sign_transaction(tx)
            return "0x" + self.w3.eth.send_raw_transaction(signed.raw_transaction).hex()

        attempt = 1
        with self._sender_lock(sender.address):
            while True:
                try:
                    return self._call(send)
                except RpcError as err:
                    if attempt == _NONCE_ATTEMPTS or not _is_nonce_conflict(err):
                        raise
                time.sleep(self.poll_interval * attempt)
                attempt += 1

    def _sender_lock(self, address: str) -> threading.Lock:
        with self._locks_guard:
            return self._send_locks.setdefault(address, threading.Lock())

    def wait(self, tx_hash: str) -> Receipt:
        """Wait for `tx_hash` to be mined and then confirmed by `confirmations` more blocks."""
        receipt = self.wait_for_receipt(tx_hash)
        self.wait_for_confirmations(tx_hash, receipt.block_number)
        return receipt

    def wait_for_receipt(self, tx_hash: str, *, timeout: float | None = None) -> Receipt:
        """The receipt of `tx_hash` once mined.

        Raises:
            TransactionFailed: it reverted, or was not mined within `timeout` (default `tx_timeout`).
        """
        limit = self.tx_timeout if timeout is None else timeout
        try:
            receipt = self._call(
                lambda: self.w3.eth.wait_for_transaction_receipt(
                    tx_hash,  # type: ignore[arg-type]
                    timeout=limit,
                    poll_latency=self.poll_interval,
                )
            )
        except TimeExhausted as err:
            raise TransactionFailed(tx_hash, f"not mined within {limit:g} s") from err
        if receipt["status"] != 1:
            raise TransactionFailed(tx_hash, "reverted", reverted=True)
        revoked = self.contract.events.CredentialRevoked().process_receipt(receipt, errors=DISCARD)
        return Receipt(
            tx_hash,
            int(receipt["blockNumber"]),
            int(receipt["gasUsed"]),
            tuple(int(event["args"]["index"]) for event in revoked),
        )

    def wait_for_confirmations(self, tx_hash: str, mined: int) -> None:
        """Return once `confirmations` blocks stand on block `mined`."""
        deadline = time.monotonic() + self.tx_timeout
        while self.confirmations and self.block_number() < mined + self.confirmations:
            if time.monotonic() > deadline:
                raise TransactionFailed(tx_hash, f"not confirmed by {self.confirmations} blocks in time")
            time.sleep(self.poll_interval)

    def transaction_known(self, tx_hash: str) -> bool:
        """Whether the node knows `tx_hash` (pending or mined); False once it was dropped."""
        from web3.exceptions import TransactionNotFound

        try:
            self._call(lambda: self.w3.eth.get_transaction(tx_hash))  # type: ignore[arg-type]
        except TransactionNotFound:
            return False
        return True


def deploy_registry(w3: Web3, deployer: LocalAccount, *, admin: str, rpc_url: str = "") -> str:
    """Deploy a new registry with `admin` as governance; returns its address."""
    artifact = load_artifact()
    factory = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    try:
        tx = factory.constructor(to_checksum_address(admin)).build_transaction(
            {"from": deployer.address, "nonce": w3.eth.get_transaction_count(deployer.address, "pending")}
        )
        signed = deployer.sign_transaction(tx)
        tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
        receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=120)
    except (requests.ConnectionError, requests.Timeout) as err:  # their text quotes the URL
        raise ChainUnavailable(rpc_url or "the RPC endpoint", type(err).__name__) from err
    except Web3RPCError as err:
        raise RpcError(rpc_url or "the RPC endpoint", err.message or str(err)) from err
    if receipt["status"] != 1 or not receipt["contractAddress"]:
        raise TransactionFailed("0x" + bytes(tx_hash).hex(), "deployment reverted")
    return str(receipt["contractAddress"])
