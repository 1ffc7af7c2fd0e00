"""The one place that makes PDFs (S18). Nothing else imports WeasyPrint.

The URL fetcher serves only our own static files, found through the staticfiles storage that
wrote their URLs (so collectstatic's hashed names resolve in production): http(s), file: and
data: URLs that reach the renderer from content are refused, so user text cannot make the
server fetch anything.

A PDF is made whole or not at all: if one of our own files (the stylesheet, a font, an image)
does not load, or the PDF cannot be tagged for accessibility, `render_pdf` raises
`PdfRenderError` with a message an officer can read, instead of returning a degraded PDF.
"""

import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation

logger = logging.getLogger(__name__)

STATIC_SCHEME_HOST = "http://static.invalid"
MIME_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
}


class RefusedURL(ValueError):
    pass


class PdfRenderError(Exception):
    """The PDF could not be made properly; the message is safe to show."""


def _static_prefix() -> str:
    return f"{STATIC_SCHEME_HOST}{settings.STATIC_URL}"


def static_file_bytes(name: str) -> bytes | None:
    """The content of the static file `name` as `{% static %}` named it, or None.

    The storage that made the URL resolves it: with the manifest storage of production that is
    the collected, hashed file under STATIC_ROOT, and nothing else. Without a manifest
    (development and tests, where nothing need be collected) the finders look in the source
    folders first, as the development server does.
    """
    storage = staticfiles_storage
    if not isinstance(storage, ManifestFilesMixin):
        found = finders.find(name)
        if found:
            return Path(found).read_bytes()
    try:
        if storage.exists(name):
            with storage.open(name) as handle:
                return handle.read()
    except (SuspiciousFileOperation, NotImplementedError):
        pass
    return None


def static_only_fetcher(url: str) -> dict:
    """Serve `STATIC_URL` paths from our static files; refuse everything else."""
    parsed = urlparse(url)
    prefix = _static_prefix()
    if not url.startswith(prefix) or parsed.query or ".." in parsed.path:
        raise RefusedURL(f"The PDF renderer does not fetch {parsed.scheme or 'relative'} URLs")
    name = unquote(url[len(prefix) :])
    content = static_file_bytes(name)
    if content is None:
        raise RefusedURL(f"No such static file: {name}")
    mime = MIME_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")
    return {"string": content, "mime_type": mime, "redirected_url": url}


class _LoadProblems(logging.Handler):
    """Collects WeasyPrint's reports of a stylesheet or font that did not load (it logs them and
    carries on with a serif font and no page furniture)."""

    FATAL = ("Failed to load stylesheet", "Font-face")

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.problems: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith(self.FATAL):
            self.problems.append(record.getMessage())


def _fetcher(prefix: str, missing: list[str]):
    """`static_only_fetcher` in the shape WeasyPrint (70 and later) calls: a URLFetcher whose
    `fetch` answers with a URLFetcherResponse. Our own files that do not load are noted in
    `missing`; anything else refused is skipped, never fetched."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            try:
                found = static_only_fetcher(url)
            except RefusedURL:
                if url.startswith(prefix):
                    missing.append(unquote(url[len(prefix) :]))
                raise
            return URLFetcherResponse(
                found["redirected_url"], found["string"], {"Content-Type": found["mime_type"]}
            )

    return StaticOnlyFetcher()


def render_pdf(html: str) -> bytes:
    """HTML (already rendered by a Django template, so escaped) to an A4, tagged PDF.

    Raises PdfRenderError if one of our static files fails to load or tagging fails.
    """
    from weasyprint import HTML

    missing: list[str] = []
    prefix = _static_prefix()

    watch = _LoadProblems()
    weasy_logger = logging.getLogger("weasyprint")
    weasy_logger.addHandler(watch)
    try:
        document = HTML(string=html, base_url=prefix, url_fetcher=_fetcher(prefix, missing)).render()
        if missing or watch.problems:
            raise PdfRenderError(
                "The PDF could not load its "
                + ", ".join(sorted(set(missing)) or watch.problems[:1])
                + ". Check that the static files are collected (manage.py collectstatic), then try again."
            )
        try:
            return document.write_pdf(pdf_tags=True, custom_metadata=True)
        except Exception as exc:
            logger.exception("The PDF could not be tagged")
            raise PdfRenderError(
                "The PDF could not be tagged for accessibility (screen readers). "
                "Try again; if it fails again, contact support."
            ) from exc
    finally:
        weasy_logger.removeHandler(watch)
