"""A fact's source page as an image, with the snippet's box highlighted (pypdfium2 + Pillow)."""

from __future__ import annotations

import math
from pathlib import Path

import streamlit as st
from PIL import Image, ImageDraw

SCALE = 2.0  # render at 144 dpi: sharp on screen, small enough to send


def _box(values: tuple) -> tuple[float, float, float, float] | None:
    try:
        box = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        return None
    if len(box) != 4 or not all(math.isfinite(v) for v in box) or box[2] <= box[0] or box[3] <= box[1]:
        return None
    return box  # type: ignore[return-value]


@st.cache_data(show_spinner="正在渲染原文页面…", max_entries=64)
def page_image(path: str, page: int, box: tuple | None = None, scale: float = SCALE) -> Image.Image | None:
    """Page ``page`` (1-based) of the PDF at ``path``, with ``box`` (x0, top, x1, bottom in points
    from the top-left) outlined; None when the file is not a readable PDF."""
    import pypdfium2 as pdfium

    p = Path(path)
    if not p.is_file() or p.suffix.lower() != ".pdf":
        return None
    try:
        pdf = pdfium.PdfDocument(str(p))
    except Exception:  # encrypted, damaged: the table still shows the snippet
        return None
    try:
        if not 1 <= page <= len(pdf):
            return None
        img = pdf[page - 1].render(scale=scale).to_pil().convert("RGB")
    finally:
        pdf.close()
    b = _box(box) if box else None
    if b:
        x0, top, x1, bottom = (v * scale for v in b)
        pad = 3 * scale
        overlay = Image.new("RGBA", img.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        draw.rectangle(
            [x0 - pad, top - pad, x1 + pad, bottom + pad],
            fill=(255, 214, 0, 70),
            outline=(230, 57, 70, 255),
            width=max(2, int(1.5 * scale)),
        )
        img = Image.alpha_composite(img.convert("RGBA"), overlay).convert("RGB")
    return img


def crop_around(
    img: Image.Image, box: tuple | None, scale: float = SCALE, margin: float = 160
) -> Image.Image:
    """The band of the page around the highlighted box (whole width), for a close-up."""
    b = _box(box) if box else None
    if not b:
        return img
    top = max(0, int((b[1] - margin) * scale))
    bottom = min(img.height, int((b[3] + margin) * scale))
    return img.crop((0, top, img.width, bottom))
