"""The verifier's pages in Chromium: upload, paste, QR link, and every outcome a person sees."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from backend.hashing import from_hex32
from tests.e2e.conftest import ARTIFACTS, Site


def upload(page: Page, site: Site, path: Path) -> None:
    page.goto(f"{site.url}/verify")
    page.set_input_files("#file", str(path))
    page.get_by_role("button", name="Verify").click()


def save(tmp_path: Path, document: dict[str, object], name: str = "credential.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_valid_credential_file_shows_valid_and_the_certificate(
    page: Page, site: Site, tmp_path: Path
) -> None:
    upload(page, site, save(tmp_path, site.issued.credentials[0]))

    verdict = page.locator(".verdict")
    expect(verdict).to_have_attribute("data-verdict", "valid")
    expect(verdict.get_by_role("heading")).to_have_text("Valid")
    certificate = page.locator(".certificate")
    expect(certificate).to_contain_text("Wiśniewska, Zofia")
    expect(certificate).to_contain_text("Politechnika Poznańska")
    expect(certificate).to_contain_text("Explains the obligations that the EU AI Act")
    expect(certificate).to_contain_text("50 hours · 2.5 ECTS")
    expect(certificate).to_contain_text("5.0 (bardzo dobry)")
    expect(page.locator(".check-passed")).to_have_count(7)


def test_tampered_credential_shows_which_check_failed(page: Page, site: Site, tmp_path: Path) -> None:
    forged = copy.deepcopy(site.issued.credentials[1])
    forged["credentialSubject"]["grade"] = "5.0"
    upload(page, site, save(tmp_path, forged))

    expect(page.locator(".verdict")).to_have_attribute("data-verdict", "invalid")
    expect(page.locator(".verdict h1")).to_have_text("Not valid")
    failed = page.locator('.check[data-check="integrity"]')
    expect(failed).to_have_class("check check-failed")
    expect(failed).to_contain_text("failed")
    expect(page.locator(".check-not-checked")).to_have_count(5)


def test_revoked_credential_shows_reason_and_date(page: Page, site: Site, tmp_path: Path) -> None:
    root = from_hex32(site.issued.batch.root or "")
    site.registry.registry.revoke_credentials(site.registry.issuer, root, [3], 1)

    upload(page, site, save(tmp_path, site.issued.credentials[3]))

    expect(page.locator(".verdict")).to_have_attribute("data-verdict", "revoked")
    expect(page.locator(".verdict h1")).to_have_text("Revoked")
    expect(page.locator(".revocation")).to_contain_text("Reason: issued in error")


def test_pasted_json_is_verified(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/verify")
    page.get_by_text("…or paste the credential JSON").click()
    page.fill("textarea[name=json]", json.dumps(site.issued.credentials[2], ensure_ascii=False))
    page.get_by_role("button", name="Verify").click()
    expect(page.locator(".verdict")).to_have_attribute("data-verdict", "valid")


def test_pdf_certificate_is_verified_from_the_pdf_itself(page: Page, site: Site, tmp_path: Path) -> None:
    credential_id = site.issued.credentials[0]["id"]
    pdf = page.request.get(f"{site.url}/api/v1/credentials/{credential_id}.pdf").body()
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)

    upload(page, site, path)

    expect(page.locator(".verdict")).to_have_attribute("data-verdict", "valid")
    expect(page.locator(".certificate")).to_contain_text(str(credential_id))


def test_nothing_chosen_says_what_to_do(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/verify")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("choose a credential file")


def test_qr_link_page_verifies_live_and_offers_downloads(page: Page, site: Site) -> None:
    credential_id = site.issued.credentials[1]["id"]
    page.goto(f"{site.url}/v/{credential_id}")

    expect(page.locator(".verdict")).to_have_attribute("data-verdict", "valid")
    expect(page.locator(".checked-at")).to_contain_text("Checked live")
    downloads = page.locator(".downloads a")
    expect(downloads).to_have_count(3)
    assert (
        page.request.get(f"{site.url}{downloads.nth(0).get_attribute('href')}").json()["id"] == credential_id
    )


def test_unknown_id_says_so_and_offers_the_upload(page: Page, site: Site) -> None:
    response = page.goto(f"{site.url}/v/urn:uuid:00000000-0000-4000-8000-000000000000")
    assert response is not None
    assert response.status == 404
    expect(page.locator(".verdict h1")).to_have_text("Unknown credential")
    expect(page.locator("#file")).to_be_attached()


def test_drop_a_file_on_the_box(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/verify")
    text = json.dumps(site.issued.credentials[0], ensure_ascii=False)
    transfer = page.evaluate_handle(
        """text => { const dt = new DataTransfer();
                     dt.items.add(new File([text], "dropped.json", {type: "application/json"}));
                     return dt; }""",
        text,
    )
    page.dispatch_event("#drop", "drop", {"dataTransfer": transfer})
    expect(page.locator(".verdict")).to_have_attribute("data-verdict", "valid")


def test_page_fits_a_phone(browser: Browser, site: Site) -> None:
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    page.goto(f"{site.url}/v/{site.issued.credentials[0]['id']}")
    width = page.evaluate("document.documentElement.scrollWidth")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone-credential-page.png"), full_page=True)
    context.close()
    assert width <= 375


def test_superseded_credential_page_links_to_its_replacement(page: Page, site: Site) -> None:
    from backend.lifecycle.supersede import Correction, supersede
    from backend.revocation.service import RevocationService
    from backend.store import row_id

    (issuer,) = site.issuance.store.issuers()
    old = site.issued.credentials[0]
    revocation = RevocationService(site.registry.registry, site.issuance.keys, store=site.issuance.store)
    new, _ = supersede(
        site.issuance,
        revocation,
        issuer_id=row_id(issuer),
        credential_id=old["id"],
        correction=Correction(grade="4.0"),
    )

    page.goto(f"{site.url}/v/{old['id']}")
    expect(page.locator(".verdict")).to_have_attribute("data-verdict", "revoked")
    expect(page.locator(".revocation")).to_contain_text("Reason: superseded")
    page.get_by_role("link", name="see the new credential").click()

    expect(page).to_have_url(f"{site.url}/v/{new['id']}")
    expect(page.locator(".verdict")).to_have_attribute("data-verdict", "valid")
    expect(page.locator(".certificate")).to_contain_text(f"Replaces{old['id']}")


def test_api_docs_render_without_a_network(page: Page, site: Site) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{site.url}/docs")

    expect(page.locator(".opblock-summary-path", has_text="/api/v1/verify")).to_be_visible()
    assert all(url.startswith(site.url) for url in requested), [
        u for u in requested if not u.startswith(site.url)
    ]


def test_chain_out_of_reach_shows_cannot_check_now_not_invalid(
    page: Page, site: Site, offline: str, tmp_path: Path
) -> None:
    credential = site.issued.credentials[2]  # one no other page test revokes or supersedes
    upload(page, site._replace(url=offline), save(tmp_path, credential))

    verdict = page.locator(".verdict")
    expect(verdict).to_have_attribute("data-verdict", "unavailable")
    expect(verdict.get_by_role("heading")).to_have_text("Cannot check now")
    expect(verdict).to_contain_text("Nothing is known to be wrong")
    expect(page.locator(".check-passed")).to_have_count(3)
    expect(page.locator(".check-failed")).to_have_count(0)
    expect(verdict).not_to_contain_text("replaces this one")
    expect(page.locator(".certificate")).to_contain_text(credential["credentialSubject"]["name"])
