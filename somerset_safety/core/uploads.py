"""Private document uploads (S17).

Files are checked for size and for their real type (from the content, not the name), passed
to the virus-scan hook, stored outside the web root under a random name, and served only by
an authorised view through `private_file_response` as an attachment.

Store uploads in a model with `PrivateFileField` and validate forms with `validate_upload`.
"""

import secrets
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.http import FileResponse
from django.utils.functional import LazyObject
from django.utils.module_loading import import_string

# Extension → MIME types accepted, judged from the content.
ALLOWED_TYPES = {
    "pdf": {"application/pdf"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip"},
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip"},
    "odt": {"application/vnd.oasis.opendocument.text", "application/zip"},
    "png": {"image/png"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
}
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for ext in ALLOWED_TYPES)
HUMAN_TYPES = "PDF, Word (.docx), Excel (.xlsx), OpenDocument text (.odt), PNG or JPEG"


class PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = FileSystemStorage(
            location=settings.PRIVATE_MEDIA_ROOT, base_url=None, file_permissions_mode=0o600
        )


private_storage = PrivateStorage()


def random_upload_name(instance, filename: str) -> str:
    ext = PurePath(filename).suffix.lower()[:10]
    return f"{instance._meta.app_label}/{secrets.token_hex(16)}{ext}"


class PrivateFileField(models.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("storage", private_storage)
        kwargs.setdefault("upload_to", random_upload_name)
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("storage", None)
        kwargs.pop("upload_to", None)
        return name, path, args, kwargs


def no_scan(uploaded_file) -> None:
    """The development hook: accepts every file. Production uses
    `somerset_safety.core.scanning.clamav_scan`, or must opt out with
    UPLOAD_SCANNER_NONE_ACCEPTED=true (a system check refuses it otherwise)."""


def validate_upload(uploaded_file) -> None:
    """Raises ValidationError with a message for the user; otherwise the file may be stored."""
    if uploaded_file.size == 0:
        raise ValidationError("The selected file is empty.")
    if uploaded_file.size > settings.UPLOAD_MAX_BYTES:
        limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
        raise ValidationError(f"The selected file must be smaller than {limit} MB.")
    ext = PurePath(uploaded_file.name).suffix.lower().lstrip(".")
    head = uploaded_file.read(8192)
    uploaded_file.seek(0)
    kind = filetype.guess(head)
    if ext not in ALLOWED_TYPES or kind is None or kind.mime not in ALLOWED_TYPES[ext]:
        raise ValidationError(f"The selected file must be a {HUMAN_TYPES} file.")
    import_string(settings.UPLOAD_SCANNER)(uploaded_file)


def private_file_response(field_file, download_name: str) -> FileResponse:
    """Stream a private file as an attachment; the caller has already checked access."""
    response = FileResponse(
        field_file.open("rb"),
        as_attachment=True,
        filename=download_name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
