from __future__ import annotations

from typing import Any

import ape
from eth_utils import keccak

REGISTRAR_ROLE = keccak(b"REGISTRAR_ROLE")
DEFAULT_ADMIN_ROLE = b"\x00" * 32


def test_constructor_gives_admin_both_roles(registry: Any, admin: Any, stranger: Any) -> None:
    assert registry.REGISTRAR_ROLE() == REGISTRAR_ROLE
    assert registry.hasRole(DEFAULT_ADMIN_ROLE, admin)
    assert registry.hasRole(REGISTRAR_ROLE, admin)
    assert not registry.hasRole(REGISTRAR_ROLE, stranger)


def test_constructor_rejects_zero_admin(project: Any, admin: Any) -> None:
    with ape.reverts(project.CredentialRegistry.ZeroAddress):
        admin.deploy(project.CredentialRegistry, "0x" + "00" * 20)


def test_register_issuer_records_and_emits(registry: Any, admin: Any, issuer: Any, chain: Any) -> None:
    receipt = registry.registerIssuer(issuer, "PUT", "https://put.poznan.pl", sender=admin)

    name, url, active, registered_at = registry.issuers(issuer)
    assert (name, url, active) == ("PUT", "https://put.poznan.pl", True)
    assert registered_at == chain.blocks[receipt.block_number].timestamp
    assert receipt.events == [
        registry.IssuerRegistered(issuer=issuer, name="PUT", url="https://put.poznan.pl"),
        registry.IssuerActiveSet(issuer=issuer, active=True),
    ]


def test_register_issuer_again_updates_name_and_keeps_state(registered: Any, admin: Any, issuer: Any) -> None:
    _, _, _, registered_at = registered.issuers(issuer)
    registered.setIssuerActive(issuer, False, sender=admin)

    receipt = registered.registerIssuer(
        issuer, "Politechnika Poznańska", "https://put.poznan.pl/pl", sender=admin
    )

    assert registered.issuers(issuer) == (
        "Politechnika Poznańska",
        "https://put.poznan.pl/pl",
        False,
        registered_at,
    )
    assert receipt.events == [
        registered.IssuerRegistered(
            issuer=issuer, name="Politechnika Poznańska", url="https://put.poznan.pl/pl"
        )
    ]


def test_unknown_issuer_reads_as_empty(registry: Any, stranger: Any) -> None:
    assert registry.issuers(stranger) == ("", "", False, 0)


def test_register_issuer_requires_registrar(registry: Any, stranger: Any, issuer: Any) -> None:
    with ape.reverts(registry.AccessControlUnauthorizedAccount, account=stranger, neededRole=REGISTRAR_ROLE):
        registry.registerIssuer(issuer, "PUT", "https://put.poznan.pl", sender=stranger)


def test_register_issuer_rejects_zero_address_and_empty_name(registry: Any, admin: Any, issuer: Any) -> None:
    with ape.reverts(registry.ZeroAddress):
        registry.registerIssuer("0x" + "00" * 20, "PUT", "", sender=admin)
    with ape.reverts(registry.EmptyIssuerName):
        registry.registerIssuer(issuer, "", "https://put.poznan.pl", sender=admin)


def test_granted_registrar_can_register(registry: Any, admin: Any, registrar: Any, issuer: Any) -> None:
    registry.grantRole(REGISTRAR_ROLE, registrar, sender=admin)

    registry.registerIssuer(issuer, "PUT", "https://put.poznan.pl", sender=registrar)

    assert registry.issuers(issuer)[2] is True


def test_set_issuer_active_toggles_and_emits_on_change_only(registered: Any, admin: Any, issuer: Any) -> None:
    off = registered.setIssuerActive(issuer, False, sender=admin)
    again = registered.setIssuerActive(issuer, False, sender=admin)
    on = registered.setIssuerActive(issuer, True, sender=admin)

    assert off.events == [registered.IssuerActiveSet(issuer=issuer, active=False)]
    assert again.events == []
    assert on.events == [registered.IssuerActiveSet(issuer=issuer, active=True)]
    assert registered.issuers(issuer)[2] is True


def test_set_issuer_active_rejects_unknown_issuer(registry: Any, admin: Any, stranger: Any) -> None:
    with ape.reverts(registry.UnknownIssuer, issuer=stranger):
        registry.setIssuerActive(stranger, True, sender=admin)


def test_set_issuer_active_requires_registrar(registered: Any, issuer: Any) -> None:
    with ape.reverts(registered.AccessControlUnauthorizedAccount):
        registered.setIssuerActive(issuer, False, sender=issuer)
