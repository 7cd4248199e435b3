// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title ICredentialRegistry
 * @notice The public face of Microcred's registry: the roots of credential batches, who anchored
 * them, and what has been revoked. Everything a verifier needs is readable here, with nothing
 * from the issuer's servers.
 *
 * A batch is a Merkle tree of credential digests (see docs/format.md): the leaf of a credential
 * is `keccak256(keccak256(digest))` and inner nodes hash their two children in ascending order,
 * exactly as OpenZeppelin's `StandardMerkleTree` with leaf encoding `["bytes32"]`.
 *
 * Revocation reasons are plain `uint8` codes: 0 Unspecified, 1 IssuedInError, 2 Superseded,
 * 3 Misconduct, 4 KeyCompromise, 5 HolderRequest. Any other value is refused.
 */
interface ICredentialRegistry {
    // ───────────────────────────── errors ─────────────────────────────

    /// @dev An issuer, registrar or admin address is the zero address.
    error ZeroAddress();

    /// @dev `registerIssuer` was given an empty name.
    error EmptyIssuerName();

    /// @dev `issuer` has never been registered.
    error UnknownIssuer(address issuer);

    /// @dev `issuer` is not registered, or was made inactive, and so cannot anchor a batch.
    error IssuerNotActive(address issuer);

    /// @dev A batch must hold at least one credential.
    error EmptyBatch();

    /// @dev `root` was anchored before; a root is anchored once.
    error BatchExists(bytes32 root);

    /// @dev No batch with `root` has been anchored.
    error UnknownBatch(bytes32 root);

    /// @dev `signature` over the batch does not recover `issuer` (it recovered `signer`, or
    /// nothing at all when `signer` is the zero address).
    error InvalidSignature(address issuer, address signer);

    /// @dev `account` is neither the issuer of batch `root` nor a registrar.
    error NotBatchIssuer(bytes32 root, address account);

    /// @dev `index` is not a position in batch `root`, which holds `count` credentials.
    error IndexOutOfRange(bytes32 root, uint256 index, uint32 count);

    /// @dev `reason` is not one of the revocation reasons 0–5.
    error InvalidReason(uint8 reason);

    // ───────────────────────────── events ─────────────────────────────

    /// @dev `issuer` was registered, or its `name` and `url` were updated by a registrar.
    event IssuerRegistered(address indexed issuer, string name, string url);

    /// @dev `issuer` was made active (it may anchor) or inactive (it may not anchor anything new).
    event IssuerActiveSet(address indexed issuer, bool active);

    /// @dev A batch of `count` credentials with Merkle root `root` was anchored for `issuer`.
    event BatchAnchored(bytes32 indexed root, address indexed issuer, uint32 count);

    /// @dev Every credential of batch `root` was revoked for `reason`.
    event BatchRevoked(bytes32 indexed root, uint8 reason);

    /// @dev The credential at position `index` of batch `root` was revoked for `reason`.
    event CredentialRevoked(bytes32 indexed root, uint256 indexed index, uint8 reason);

    // ─────────────────────────── issuer registry ───────────────────────────

    /**
     * @notice Admits `issuer`, or updates the `name` and `url` of an issuer already admitted.
     * A new issuer starts active; an update keeps its active flag and registration time.
     *
     * Requirements:
     * - the caller has `REGISTRAR_ROLE`;
     * - `issuer` is not the zero address and `name` is not empty.
     *
     * Emits {IssuerRegistered}, and {IssuerActiveSet} when the issuer is new.
     */
    function registerIssuer(address issuer, string calldata name, string calldata url) external;

    /**
     * @notice Allows (`active` true) or stops (`active` false) `issuer` anchoring new batches.
     * Batches it anchored before stay valid unless they are revoked.
     *
     * Requirements:
     * - the caller has `REGISTRAR_ROLE`;
     * - `issuer` is registered.
     *
     * Emits {IssuerActiveSet} when the flag changes; setting the current value does nothing.
     */
    function setIssuerActive(address issuer, bool active) external;

    /// @notice The registry record of `issuer`; `registeredAt` is 0 for an address never registered.
    function issuers(address issuer)
        external
        view
        returns (string memory name, string memory url, bool active, uint64 registeredAt);

    // ───────────────────────────── anchoring ─────────────────────────────

    /**
     * @notice Anchors a batch of `count` credentials whose Merkle root is `root`, issued by the caller.
     *
     * Requirements:
     * - the caller is a registered, active issuer;
     * - `count` is at least 1;
     * - `root` has not been anchored before.
     *
     * Emits {BatchAnchored}.
     */
    function anchor(bytes32 root, uint32 count) external;

    /**
     * @notice Anchors a batch on behalf of `issuer`, who signed it; anyone may send this
     * transaction and pay for it. The signature is EIP-712 over `Batch(bytes32 root,uint32 count)`
     * in the domain `CredentialRegistry`, version `1`, this chain and this contract: the same
     * signature that every credential of the batch carries as `proof.issuerSignature`.
     *
     * Requirements:
     * - `signature` is a 65-byte ECDSA signature by `issuer` of the batch;
     * - `issuer` is a registered, active issuer;
     * - `count` is at least 1;
     * - `root` has not been anchored before.
     *
     * Emits {BatchAnchored}.
     */
    function anchorSigned(bytes32 root, uint32 count, address issuer, bytes calldata signature) external;

    // ───────────────────────────── revocation ─────────────────────────────

    /**
     * @notice Revokes every credential of batch `root`. Revoking a batch already revoked
     * changes nothing: its first revocation time and reason stay.
     *
     * Requirements:
     * - batch `root` exists;
     * - the caller is its issuer (active or not) or has `REGISTRAR_ROLE`;
     * - `reason` is 0–5.
     *
     * Emits {BatchRevoked} the first time.
     */
    function revokeBatch(bytes32 root, uint8 reason) external;

    /**
     * @notice Revokes the credentials at `indexes` of batch `root`, in one transaction.
     * An index already revoked changes nothing and emits nothing; a revoked index can never
     * be reinstated.
     *
     * Requirements:
     * - batch `root` exists;
     * - the caller is its issuer (active or not) or has `REGISTRAR_ROLE`;
     * - every index is below the batch's count;
     * - `reason` is 0–5.
     *
     * Emits {CredentialRevoked} for each index newly revoked.
     */
    function revokeCredentials(bytes32 root, uint256[] calldata indexes, uint8 reason) external;

    // ───────────────────────────── reading ─────────────────────────────

    /// @notice The record of batch `root`; `anchoredAt` is 0 when it was never anchored and
    /// `revokedAt` is 0 while the batch as a whole is not revoked.
    function batches(bytes32 root)
        external
        view
        returns (address issuer, uint64 anchoredAt, uint64 revokedAt, uint32 count, uint8 revocationReason);

    /**
     * @notice Whether the credential at `index` of batch `root` is revoked, alone or with its batch.
     *
     * Requirements:
     * - batch `root` exists and `index` is below its count.
     */
    function isRevoked(bytes32 root, uint256 index) external view returns (bool);

    /**
     * @notice Checks a credential against the registry. Pass the credential's digest (not its
     * leaf: this function hashes the leaf itself), its index in the batch and its Merkle path.
     * Never reverts.
     * @return status 0 Valid, 1 UnknownBatch, 2 InvalidProof, 3 BatchRevoked, 4 CredentialRevoked,
     * 5 IndexOutOfRange; checked in the order UnknownBatch, IndexOutOfRange, InvalidProof,
     * BatchRevoked, CredentialRevoked.
     */
    function verify(bytes32 root, bytes32 digest, uint256 index, bytes32[] calldata path)
        external
        view
        returns (uint8 status);
}
