"""The learner's PDF certificate: every Annex I element in readable form, a QR code opening the
credential's page, and the credential JSON itself attached, so that the PDF alone verifies.

Drawn with fpdf2 in DejaVu Sans (Latin, Greek, Cyrillic) with Droid Sans Fallback for the
scripts DejaVu lacks (CJK), both from Debian's font packages; read back with pypdf.

What the PDF does NOT prove by itself: the printed text is for people; a verifier checks the
attached JSON (``extract_credential``), never the drawing.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from backend.credentials.dates import parse_rfc3339
from backend.credentials.files import credential_bytes, load_credential
from backend.documents.qr import qr_image
from backend.errors import ConfigurationError, InvalidInput, MalformedInput

ATTACHMENT_NAME = "credential.json"
FONT_DIRS = (Path("/usr/share/fonts/truetype"), Path("/usr/share/fonts"))
FONT_FILES = {
    "regular": ("dejavu/DejaVuSans.ttf",),
    "bold": ("dejavu/DejaVuSans-Bold.ttf",),
    "fallback": ("droid/DroidSansFallbackFull.ttf", "droid/DroidSansFallback.ttf"),
}
PARTICIPATION = {"online": "Online", "onsite": "On site", "blended": "Blended (online and on site)"}
INK, MUTED, ACCENT, RULE = (25, 30, 40), (95, 100, 110), (0, 82, 147), (200, 205, 212)


def _font(kind: str) -> Path | None:
    for folder in FONT_DIRS:
        for name in FONT_FILES[kind]:
            if (folder / name).is_file():
                return folder / name
    return None


def _long_date(text: str) -> str:
    moment: datetime = parse_rfc3339(text)
    return f"{moment.day} {moment:%B %Y}"


class _Certificate(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        regular, bold = _font("regular"), _font("bold")
        if regular is None or bold is None:
            raise ConfigurationError(
                "the PDF needs DejaVu Sans: install Debian's fonts-dejavu-core (make fonts)"
            )
        self.add_font("DejaVu", "", str(regular))
        self.add_font("DejaVu", "B", str(bold))
        fallback = _font("fallback")
        if fallback is not None:
            self.add_font("Fallback", "", str(fallback))
            self.set_fallback_fonts(["Fallback"], exact_match=False)
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(auto=True, margin=22)
        self.footer_text = ""

    def footer(self) -> None:
        self.set_y(-16)
        self.set_font("DejaVu", "", 7)
        self.set_text_color(*MUTED)
        self.multi_cell(0, 3.2, self.footer_text, align="C")


def render_certificate(document: dict[str, Any], *, share_url: str, verify_url: str) -> bytes:
    """The A4 certificate of `document`, with a QR code of `share_url` and the JSON attached."""
    subject = document["credentialSubject"]
    achievement = subject["achievement"]
    issuer = document["issuer"]
    pdf = _Certificate()
    pdf.set_title(f"{document['name']} — {subject['name']}")
    pdf.set_author(issuer["name"])
    pdf.set_subject("EU micro-credential")
    pdf.set_creator("Microcred")
    pdf.footer_text = (
        f"Credential {document['id']} · issuer {issuer['id']} · "
        f"registry {document['credentialStatus']['registry']} "
        f"on chain {document['credentialStatus']['chainId']} · "
        f"batch root {document['proof']['root']}"
    )
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    # Header: who awards it, then the title and the learner.
    pdf.set_fill_color(*ACCENT)
    pdf.rect(0, 0, pdf.w, 6, style="F")
    pdf.set_y(14)
    pdf.set_font("DejaVu", "B", 11)
    pdf.set_text_color(*ACCENT)
    pdf.cell(width - 40, 6, issuer["name"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 8.5)
    pdf.set_text_color(*MUTED)
    pdf.cell(width - 40, 5, f"{issuer['url']} · {issuer['country']}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.image(qr_image(share_url), x=pdf.w - pdf.r_margin - 34, y=11, w=34, h=34)
    pdf.set_y(30)
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(width - 40, 5, "MICRO-CREDENTIAL", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(10)
    pdf.set_text_color(*INK)
    pdf.set_font("DejaVu", "B", 20)
    pdf.multi_cell(width, 9, document["name"], new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 10)
    pdf.set_text_color(*MUTED)
    pdf.cell(width, 6, "awarded to", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(width, 8, subject["name"], new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.set_font("DejaVu", "", 10)
    dates = f"Issued {_long_date(document['validFrom'])}"
    if "validUntil" in document:
        dates += f" · valid until {_long_date(document['validUntil'])}"
    if subject.get("grade"):
        dates += f" · grade {subject['grade']}"
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(width, 6, dates, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(4)
    pdf.set_draw_color(*RULE)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(4)

    if achievement.get("description"):
        _paragraph(pdf, width, achievement["description"])
    _heading(pdf, width, "Learning outcomes")
    for outcome in achievement["learningOutcomes"]:
        _bullet(pdf, width, outcome)
    pdf.ln(2)

    workload = achievement["workload"]
    hours = f"{workload['hours']} hours"
    if "ects" in workload:
        hours += f" · {workload['ects']:g} ECTS credits"
    rows = [
        ("Notional workload", hours),
        ("Level", f"EQF level {achievement['eqfLevel']}" if "eqfLevel" in achievement else "not applicable"),
        ("Type of assessment", achievement["assessment"]),
        (
            "Form of participation",
            PARTICIPATION.get(achievement["participation"], achievement["participation"]),
        ),
        ("Quality assurance", achievement["qualityAssurance"]),
    ]
    if achievement.get("identityVerification"):
        rows.append(("Identity verification", achievement["identityVerification"]))
    if achievement.get("prerequisites"):
        rows.append(("Prerequisites", "; ".join(achievement["prerequisites"])))
    if achievement.get("criteria", {}).get("narrative"):
        rows.append(("Criteria", achievement["criteria"]["narrative"]))
    if achievement.get("stackableInto"):
        rows.append(("Stacks into", "; ".join(achievement["stackableInto"])))
    if subject.get("components"):
        rows.append(("Made of", "; ".join(c["id"] for c in subject["components"])))
    if document.get("evidence"):
        rows.append(("Certifies", "; ".join(f"{e['name']} ({e['id'][:24]}…)" for e in document["evidence"])))
    if document.get("replaces"):
        rows.append(("Replaces", document["replaces"]))
    for label, value in rows:
        _row(pdf, width, label, str(value))

    pdf.ln(5)
    pdf.set_font("DejaVu", "", 8.5)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(
        width,
        4.5,
        "This certificate carries its credential as an attached file (credential.json), anchored on a "
        f"public blockchain registry. Scan the QR code, or drop this PDF on {verify_url}, to check that "
        "it is genuine, unchanged and not revoked.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
        align="L",
    )
    pdf.embed_file(
        bytes=credential_bytes(document),
        basename=ATTACHMENT_NAME,
        desc="The verifiable micro-credential (Microcred format, version 1)",
        modification_date=parse_rfc3339(document["validFrom"]),
    )
    return bytes(pdf.output())


def _heading(pdf: FPDF, width: float, text: str) -> None:
    pdf.set_font("DejaVu", "B", 10.5)
    pdf.set_text_color(*ACCENT)
    pdf.cell(width, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _paragraph(pdf: FPDF, width: float, text: str) -> None:
    pdf.set_font("DejaVu", "", 9.5)
    pdf.set_text_color(*INK)
    pdf.multi_cell(width, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(2)


def _bullet(pdf: FPDF, width: float, text: str) -> None:
    pdf.set_font("DejaVu", "", 9.5)
    pdf.set_text_color(*INK)
    pdf.cell(5, 5, "•")
    pdf.multi_cell(width - 5, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")


def _row(pdf: FPDF, width: float, label: str, value: str) -> None:
    pdf.set_font("DejaVu", "B", 9)
    pdf.set_text_color(*MUTED)
    y = pdf.get_y()
    pdf.multi_cell(48, 5, label, new_x=XPos.RIGHT, new_y=YPos.TOP, align="L")
    pdf.set_xy(pdf.l_margin + 50, y)
    pdf.set_font("DejaVu", "", 9.5)
    pdf.set_text_color(*INK)
    pdf.multi_cell(width - 50, 5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(1.2)


def extract_credential(data: bytes, *, source: str = "the PDF") -> Any:
    """The credential JSON attached to a certificate made by ``render_certificate``.

    Raises:
        MalformedInput: `data` is not a readable PDF.
        InvalidInput: the PDF carries no credential attachment.
    """
    try:
        attachments = PdfReader(io.BytesIO(data)).attachments
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as err:
        raise MalformedInput(f"{source} is not a readable PDF: {err}") from None
    if ATTACHMENT_NAME in attachments:
        return load_credential(attachments[ATTACHMENT_NAME][0], source=f"{source} ({ATTACHMENT_NAME})")
    for name, contents in attachments.items():
        if name.lower().endswith(".json"):
            return load_credential(contents[0], source=f"{source} ({name})")
    raise InvalidInput(
        f"{source} carries no credential: a Microcred certificate has it attached as {ATTACHMENT_NAME}"
    )
