"""The one place that makes PDFs (S18). Nothing else imports WeasyPrint.

The URL fetcher serves only our own static files: http(s), file: and data: URLs that reach
the renderer from content are refused, so user text cannot make the server fetch anything.
"""

import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders

logger = logging.getLogger(__name__)

STATIC_SCHEME_HOST = "http://static.invalid"


class RefusedURL(ValueError):
    pass


def static_only_fetcher(url: str) -> dict:
    """Serve `STATIC_URL` paths from the static files; refuse everything else."""
    parsed = urlparse(url)
    prefix = f"{STATIC_SCHEME_HOST}{settings.STATIC_URL}"
    if not url.startswith(prefix) or parsed.query or ".." in parsed.path:
        raise RefusedURL(f"The PDF renderer does not fetch {parsed.scheme or 'relative'} URLs")
    relative = unquote(url[len(prefix) :])
    found = finders.find(relative)
    if not found:
        raise RefusedURL("No such static file")
    path = Path(found)
    mime = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2"}.get(
        path.suffix.lower(), "application/octet-stream"
    )
    return {"string": path.read_bytes(), "mime_type": mime, "redirected_url": url}


def render_pdf(html: str) -> bytes:
    """HTML (already rendered by a Django template, so escaped) to an A4, tagged PDF."""
    from weasyprint import HTML

    def document():
        return HTML(
            string=html,
            base_url=f"{STATIC_SCHEME_HOST}{settings.STATIC_URL}",
            url_fetcher=static_only_fetcher,
        )

    try:
        return document().write_pdf(pdf_tags=True, custom_metadata=True)
    except ValueError:
        # WeasyPrint's tagging can fail where a table's caption and rows land on different
        # pages; an untagged PDF with the same content is better than none.
        logger.warning("Tagged PDF failed; rendering untagged", exc_info=True)
        return document().write_pdf(custom_metadata=True)
