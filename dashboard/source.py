"""A fact's source page as an image, with the snippet's box highlighted (pypdfium2 + Pillow).

The original comes from the store (its bytes are in the database, so a dashboard on any machine with
the database address can show it): :meth:`~extract.store.Store.original_path` materialises it once in a
local cache folder and pypdfium2 opens that file, reading only the pages it renders.
"""

from __future__ import annotations

import math

import streamlit as st
from PIL import Image, ImageDraw

from extract.store import Store

from . import data

SCALE = 2.0  # render at 144 dpi: sharp on screen, small enough to send


def _box(values: tuple) -> tuple[float, float, float, float] | None:
    try:
        box = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        return None
    if len(box) != 4 or not all(math.isfinite(v) for v in box) or box[2] <= box[0] or box[3] <= box[1]:
        return None
    return box


def has_original(url: str, sha256: str) -> bool:
    """Whether the store at ``url`` holds the original of the document with this sha256."""
    return bool(sha256) and data.get_store(url).has_original(sha256)


@st.cache_data(show_spinner="正在渲染原文页面…", max_entries=64)
def page_image(
    url: str, sha256: str, page: int, box: tuple | None = None, scale: float = SCALE
) -> Image.Image | None:
    """:func:`render_page` from the store at ``url``, cached."""
    return render_page(data.get_store(url), sha256, page, box, scale)


def render_page(
    store: Store, sha256: str, page: int, box: tuple | None = None, scale: float = SCALE
) -> Image.Image | None:
    """Page ``page`` (1-based) of the stored original with this sha256, with ``box`` (x0, top, x1, bottom
    in points from the top-left) outlined; None when no original is stored or it is not a readable PDF."""
    import pypdfium2 as pdfium

    info = store.original_info(sha256)
    if info is None or info[1] != ".pdf":
        return None
    path = store.original_path(sha256)
    if path is None:  # deleted meanwhile
        return None
    try:
        pdf = pdfium.PdfDocument(str(path))
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
