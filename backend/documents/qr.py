"""QR codes of a credential's share link, ``<public URL>/v/<credential id>``."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M


def share_url(public_url: str, credential_id: str) -> str:
    """The page a credential's QR code opens: it verifies the credential live."""
    return f"{public_url.rstrip('/')}/v/{credential_id}"


def _code(data: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_image(data: str) -> Image.Image:
    """A PIL image of the QR code (black on white)."""
    image: Image.Image = _code(data).make_image(fill_color="black", back_color="white").get_image()
    return image


def qr_png(data: str) -> bytes:
    out = io.BytesIO()
    qr_image(data).save(out, format="PNG")
    return out.getvalue()


def qr_svg(data: str) -> bytes:
    image = _code(data).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()
