"""Escaping shared by the web chat's HTML panels (sources, charts, documents)."""

from __future__ import annotations

import html


def escape(text: str) -> str:
    """HTML-escape text, including the characters Gradio's HTML templates would interpret ($, {, })."""
    return html.escape(text).replace("$", "&#36;").replace("{", "&#123;").replace("}", "&#125;")
