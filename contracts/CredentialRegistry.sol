// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";

import {ICredentialRegistry} from "./ICredentialRegistry.sol";

/**
 * @title CredentialRegistry
 * @notice Anchors Merkle roots of micro-credential batches for registered issuers and records
 * their revocation. Not upgradeable and not pausable: an address is a promise that what it says
 * today it will say in ten years.
 *
 * What this contract does NOT do for you: it never sees a credential. It cannot tell whether a
 * digest belongs to a well-formed document, whether the document's dates are current, or whether
 * the signature inside the document is the issuer's; a verifier checks those off-chain (see
 * docs/verify-without-us.md). It also does not stop a registrar from revoking any batch: that is
 * the key-compromise escape hatch, and governance owns the registrar role.
 */
contract CredentialRegistry is ICredentialRegistry, AccessControl, EIP712 {
    using BitMaps for BitMaps.BitMap;

    /// @notice Role that admits issuers, activates and deactivates them, and may revoke any batch.
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    /// @notice EIP-712 type hash of the batch an issuer signs.
    bytes32 public constant BATCH_TYPEHASH = keccak256("Batch(bytes32 root,uint32 count)");

    /// @dev Highest valid revocation reason (5, HolderRequest).
    uint8 private constant _MAX_REASON = 5;

    uint8 private constant _VALID = 0;
    uint8 private constant _UNKNOWN_BATCH = 1;
    uint8 private constant _INVALID_PROOF = 2;
    uint8 private constant _BATCH_REVOKED = 3;
    uint8 private constant _CREDENTIAL_REVOKED = 4;
    uint8 private constant _INDEX_OUT_OF_RANGE = 5;

    struct Issuer {
        string name;
        string url;
        bool active;
        uint64 registeredAt;
    }

    /// @dev First slot (issuer, anchoredAt, count) is all an anchor writes: 20 + 8 + 4 bytes.
    /// The second slot is written only when the whole batch is revoked.
    struct Batch {
        address issuer;
        uint64 anchoredAt;
        uint32 count;
        uint64 revokedAt;
        uint8 revocationReason;
    }

    mapping(address issuer => Issuer record) private _issuers;
    mapping(bytes32 root => Batch record) private _batches;
    mapping(bytes32 root => BitMaps.BitMap revoked) private _revoked;

    /// @param admin The alliance's governance: receives `DEFAULT_ADMIN_ROLE` and `REGISTRAR_ROLE`.
    constructor(address admin) EIP712("CredentialRegistry", "1") {
        if (admin == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(REGISTRAR_ROLE, admin);
    }

    // ─────────────────────────── issuer registry ───────────────────────────

    /// @inheritdoc ICredentialRegistry
    function registerIssuer(address issuer, string calldata name, string calldata url)
        external
        onlyRole(REGISTRAR_ROLE)
    {
        if (issuer == address(0)) revert ZeroAddress();
        if (bytes(name).length == 0) revert EmptyIssuerName();

        Issuer storage record = _issuers[issuer];
        bool isNew = record.registeredAt == 0;
        record.name = name;
        record.url = url;
        if (isNew) {
            record.active = true;
            // A uint64 of seconds outlasts the chain: no overflow before the year 584 billion.
            record.registeredAt = uint64(block.timestamp);
        }

        emit IssuerRegistered(issuer, name, url);
        if (isNew) emit IssuerActiveSet(issuer, true);
    }

    /// @inheritdoc ICredentialRegistry
    function setIssuerActive(address issuer, bool active) external onlyRole(REGISTRAR_ROLE) {
        Issuer storage record = _issuers[issuer];
        if (record.registeredAt == 0) revert UnknownIssuer(issuer);
        if (record.active == active) return;

        record.active = active;

        emit IssuerActiveSet(issuer, active);
    }

    /// @inheritdoc ICredentialRegistry
    function issuers(address issuer)
        external
        view
        returns (string memory name, string memory url, bool active, uint64 registeredAt)
    {
        Issuer storage record = _issuers[issuer];
        return (record.name, record.url, record.active, record.registeredAt);
    }

    // ───────────────────────────── anchoring ─────────────────────────────

    /// @inheritdoc ICredentialRegistry
    function anchor(bytes32 root, uint32 count) external {
        _anchor(root, count, msg.sender);
    }

    /// @inheritdoc ICredentialRegistry
    function anchorSigned(bytes32 root, uint32 count, address issuer, bytes calldata signature) external {
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(BATCH_TYPEHASH, root, count)));
        (address signer, ECDSA.RecoverError failure,) = ECDSA.tryRecover(digest, signature);
        if (failure != ECDSA.RecoverError.NoError || signer != issuer) revert InvalidSignature(issuer, signer);
        _anchor(root, count, issuer);
    }

    function _anchor(bytes32 root, uint32 count, address issuer) private {
        if (!_issuers[issuer].active) revert IssuerNotActive(issuer);
        if (count == 0) revert EmptyBatch();
        Batch storage batch = _batches[root];
        if (batch.anchoredAt != 0) revert BatchExists(root);

        batch.issuer = issuer;
        batch.anchoredAt = uint64(block.timestamp);
        batch.count = count;

        emit BatchAnchored(root, issuer, count);
    }

    // ───────────────────────────── revocation ─────────────────────────────

    /// @inheritdoc ICredentialRegistry
    function revokeBatch(bytes32 root, uint8 reason) external {
        Batch storage batch = _authorizedBatch(root, reason);
        if (batch.revokedAt != 0) return;

        batch.revokedAt = uint64(block.timestamp);
        batch.revocationReason = reason;

        emit BatchRevoked(root, reason);
    }

    /// @inheritdoc ICredentialRegistry
    function revokeCredentials(bytes32 root, uint256[] calldata indexes, uint8 reason) external {
        uint32 count = _authorizedBatch(root, reason).count;
        BitMaps.BitMap storage revoked = _revoked[root];
        for (uint256 i = 0; i < indexes.length; ++i) {
            uint256 index = indexes[i];
            if (index >= count) revert IndexOutOfRange(root, index, count);
            if (revoked.get(index)) continue;

            revoked.set(index);

            emit CredentialRevoked(root, index, reason);
        }
    }

    /// @dev The batch `root`, once the caller is known to be allowed to revoke in it for `reason`.
    function _authorizedBatch(bytes32 root, uint8 reason) private view returns (Batch storage batch) {
        if (reason > _MAX_REASON) revert InvalidReason(reason);
        batch = _batches[root];
        if (batch.anchoredAt == 0) revert UnknownBatch(root);
        if (msg.sender != batch.issuer && !hasRole(REGISTRAR_ROLE, msg.sender)) {
            revert NotBatchIssuer(root, msg.sender);
        }
    }

    // ───────────────────────────── reading ─────────────────────────────

    /// @inheritdoc ICredentialRegistry
    function batches(bytes32 root)
        external
        view
        returns (address issuer, uint64 anchoredAt, uint64 revokedAt, uint32 count, uint8 revocationReason)
    {
        Batch storage batch = _batches[root];
        return (batch.issuer, batch.anchoredAt, batch.revokedAt, batch.count, batch.revocationReason);
    }

    /// @inheritdoc ICredentialRegistry
    function isRevoked(bytes32 root, uint256 index) external view returns (bool) {
        Batch storage batch = _batches[root];
        if (batch.anchoredAt == 0) revert UnknownBatch(root);
        if (index >= batch.count) revert IndexOutOfRange(root, index, batch.count);
        return batch.revokedAt != 0 || _revoked[root].get(index);
    }

    /// @inheritdoc ICredentialRegistry
    function verify(bytes32 root, bytes32 digest, uint256 index, bytes32[] calldata path)
        external
        view
        returns (uint8 status)
    {
        Batch storage batch = _batches[root];
        if (batch.anchoredAt == 0) return _UNKNOWN_BATCH;
        if (index >= batch.count) return _INDEX_OUT_OF_RANGE;
        // The leaf of OpenZeppelin's StandardMerkleTree for the encoding ["bytes32"].
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(digest))));
        if (!MerkleProof.verifyCalldata(path, root, leaf)) return _INVALID_PROOF;
        if (batch.revokedAt != 0) return _BATCH_REVOKED;
        if (_revoked[root].get(index)) return _CREDENTIAL_REVOKED;
        return _VALID;
    }
}
