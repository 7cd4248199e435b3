"""What the pages show of a verification report: plain values for the templates, so that the
templates hold no logic beyond loops and conditions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from backend.credentials.dates import parse_rfc3339
from backend.verification import Report

CHECK_LABELS = {
    "format": "Well formed",
    "integrity": "Unchanged since issued",
    "signature": "Signed by the issuer",
    "anchor": "Anchored on the blockchain",
    "issuer": "Issuer registered",
    "revocation": "Not revoked",
    "validity": "Within its validity period",
    "evidence": "Certified document matches",
    "components": "Component valid, same learner",
}
VERDICTS = {
    "valid": ("Valid", "✔", "This micro-credential is genuine: every check passed."),
    "invalid": ("Not valid", "✘", "This credential failed a check: do not rely on it."),
    "revoked": ("Revoked", "⊘", "The issuer has revoked this credential."),
    "expired": ("Expired", "⌛", "This credential was genuine but its validity period has ended."),
    "not-yet-valid": (
        "Not yet valid",
        "⌛",
        "This credential is genuine but its validity period has not begun.",
    ),
    "pending": (
        "Being anchored",
        "…",
        "The issuer has issued this credential and is anchoring it on the blockchain: "
        "check again in a minute.",
    ),
    "unavailable": (
        "Cannot check now",
        "?",
        "The blockchain could not be reached, so the registry checks were not made. Nothing is known "
        "to be wrong: try again later.",
    ),
}
PARTICIPATION = {"online": "Online", "onsite": "On site", "blended": "Blended (online and on site)"}


@dataclass
class ReportView:
    verdict: str
    label: str
    icon: str
    summary: str
    checks: list[dict[str, Any]]
    notices: list[str]
    certificate: dict[str, Any] | None
    revocation: dict[str, str] | None = None
    replaced_by: str | None = None
    unavailable_reason: str | None = None
    downloads: dict[str, str] = field(default_factory=dict)
    checked_at: str = ""
    anchor: dict[str, Any] | None = None


def _date(text: Any) -> str:
    try:
        moment = parse_rfc3339(text)
    except ValueError:
        return str(text)
    return f"{moment.day} {moment:%B %Y}"


def report_view(
    report: Report, *, downloads: dict[str, str] | None = None, pending: bool = False
) -> ReportView:
    """What the page shows of `report`; `pending` when the service knows the credential's batch
    is sealed but not yet on the chain, so a missing anchor is no reason for alarm."""
    failed = report.failed
    verdict = "pending" if pending and failed is not None and failed.name == "anchor" else report.verdict
    label, icon, summary = VERDICTS[verdict]
    body = report.as_json()
    checks = [
        {
            "name": c.name,
            "label": CHECK_LABELS.get(c.name, c.name),
            "state": {True: "passed", False: "failed", None: "not checked"}[c.ok],
            "detail": c.detail,
        }
        for c in [*report.checks, *report.extra_checks]
    ]
    revocation = None
    if "revocation" in body:
        found = body["revocation"]
        revocation = {
            "reason": found["reason"].replace("_", " "),
            "date": _date(found["revokedAt"]),
            "scope": "the whole batch" if found["scope"] == "batch" else "this credential",
        }
    anchor = None
    if report.facts is not None and report.facts.batch is not None:
        anchor = {
            "when": datetime.fromtimestamp(report.facts.batch.anchored_at, UTC).strftime(
                "%d %B %Y, %H:%M UTC"
            ),
            "transaction": report.facts.anchor_transaction,
            "confirmations": body.get("chain", {}).get("confirmations"),
        }
    return ReportView(
        verdict=verdict,
        label=label,
        icon=icon,
        summary=summary,
        checks=checks,
        notices=list(report.notices),
        certificate=certificate_view(report),
        revocation=revocation,
        replaced_by=report.replaced_by,
        unavailable_reason=report.unavailable_reason,
        downloads=downloads or {},
        checked_at=report.checked_at.strftime("%d %B %Y, %H:%M:%S UTC"),
        anchor=anchor,
    )


def certificate_view(report: Report) -> dict[str, Any] | None:
    """The credential as a readable certificate; None when it is too broken to show."""
    document = report.document
    if not isinstance(document, dict) or not isinstance(document.get("credentialSubject"), dict):
        return None
    subject = document["credentialSubject"]
    achievement: dict[str, Any] = (
        subject["achievement"] if isinstance(subject.get("achievement"), dict) else {}
    )
    issuer: dict[str, Any] = document["issuer"] if isinstance(document.get("issuer"), dict) else {}
    workload: dict[str, Any] = (
        achievement["workload"] if isinstance(achievement.get("workload"), dict) else {}
    )
    registered = report.facts.issuer.name if report.facts and report.facts.issuer.registered else None
    hours = f"{workload.get('hours')} hours" if workload.get("hours") is not None else "—"
    if isinstance(workload.get("ects"), int | float):
        hours += f" · {workload['ects']:g} ECTS"
    rows = [
        ("Notional workload", hours),
        ("EQF level", str(achievement["eqfLevel"]) if "eqfLevel" in achievement else "not applicable"),
        ("Assessment", achievement.get("assessment", "—")),
        (
            "Participation",
            PARTICIPATION.get(
                str(achievement.get("participation")), str(achievement.get("participation", "—"))
            ),
        ),
        ("Quality assurance", achievement.get("qualityAssurance", "—")),
    ]
    if subject.get("grade"):
        rows.append(("Grade", subject["grade"]))
    if achievement.get("identityVerification"):
        rows.append(("Identity verification", achievement["identityVerification"]))
    if achievement.get("prerequisites"):
        rows.append(("Prerequisites", "; ".join(map(str, achievement["prerequisites"]))))
    if achievement.get("stackableInto"):
        rows.append(("Stacks into", "; ".join(map(str, achievement["stackableInto"]))))
    if document.get("validUntil"):
        rows.append(("Valid until", _date(document["validUntil"])))
    return {
        "title": document.get("name", ""),
        "learner": subject.get("name", ""),
        "issuer": registered or issuer.get("name", ""),
        "issuer_as_written": issuer.get("name", ""),
        "issuer_url": issuer.get("url", ""),
        "country": issuer.get("country", ""),
        "issued": _date(document.get("validFrom", "")),
        "description": achievement.get("description"),
        "outcomes": [str(o) for o in achievement.get("learningOutcomes", [])]
        if isinstance(achievement.get("learningOutcomes"), list)
        else [],
        "rows": rows,
        "components": [c.get("id") for c in subject.get("components", []) if isinstance(c, dict)],
        "evidence": [e.get("name") for e in document.get("evidence", []) if isinstance(e, dict)],
        "replaces": document.get("replaces"),
        "id": document.get("id", ""),
    }
