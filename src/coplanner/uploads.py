"""Refuse a file that is far too large before it is read whole.

Django reads an upload to memory or to a temporary file before any view
sees it, and has no limit on its size (``DATA_UPLOAD_MAX_MEMORY_SIZE`` counts
only the other fields of a form). ``UploadSizeLimit``, the first of
``FILE_UPLOAD_HANDLERS``, stops storing a request's files once it passes
``UPLOAD_MAX_MEGABYTES``, the most any page takes, and marks the request.

A page that takes less wraps its view in ``limit_upload_size``: a request
whose ``Content-Length`` already says it is too large is answered at once,
before its body is read, and a request that turns out too large while it is
read (a client that sends no length, or a wrong one) is stopped there. The
view asks ``is_upload_too_large`` and shows ``too_large_message``.

TODO: the roster and skills upload pages do not wrap their views yet; past
``UPLOAD_MAX_MEGABYTES`` their form says only that the file is missing.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

MEGABYTE = 1024 * 1024
TOO_LARGE = "_coplanner_upload_too_large"


def _limit_bytes(megabytes: int | None = None) -> int:
    return (megabytes or settings.UPLOAD_MAX_MEGABYTES) * MEGABYTE


class UploadSizeLimit(FileUploadHandler):
    """Stop an upload once its files pass a limit; keep none of it."""

    def __init__(
        self, request: HttpRequest | None = None, megabytes: int | None = None
    ):
        super().__init__(request)
        self.limit = _limit_bytes(megabytes)
        self.received = 0

    def handle_raw_input(
        self, input_data, META, content_length, boundary, encoding=None
    ) -> None:
        # The length a client announces may be missing or wrong: count too.
        self.received = 0
        if content_length and content_length > self.limit:
            self._refuse()

    def new_file(self, *args, **kwargs) -> None:
        if self.request is not None and getattr(self.request, TOO_LARGE, False):
            raise StopUpload(connection_reset=False)
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self._refuse()
            # The rest of the body is read and thrown away, so that the
            # browser gets the page that says why instead of a reset.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _refuse(self) -> None:
        if self.request is not None:
            setattr(self.request, TOO_LARGE, True)


def is_upload_too_large(request: HttpRequest) -> bool:
    """Whether the request's files passed the limit and were not kept.

    The body is read first if nothing has read it yet (the CSRF check
    usually has), since only reading it tells.
    """
    if not getattr(request, TOO_LARGE, False) and request.method == "POST":
        request.FILES  # noqa: B018 - reading the body runs the upload handlers
    return bool(getattr(request, TOO_LARGE, False))


def too_large_message(megabytes: int) -> str:
    """Return what a person reads when a file is too large, and what to do."""
    return _(
        "The file is larger than %(megabytes)d MB, so it was not read. Split "
        "it into smaller files and import them one after another."
    ) % {"megabytes": megabytes}


def limit_upload_size(
    megabytes: int,
    refuse: Callable[[HttpRequest], HttpResponse],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Wrap an upload view so that its files may hold at most ``megabytes``.

    ``refuse`` answers a request whose announced length is already too
    large, without reading its body; it should show ``too_large_message``.
    The CSRF check, which reads the body, runs after the limit is in place.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        protected = csrf_protect(view)

        @wraps(view)
        @csrf_exempt
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST":
                try:
                    announced = int(request.META.get("CONTENT_LENGTH") or 0)
                except ValueError:
                    announced = 0
                # The other fields of the form take a little room beside the file.
                if announced > _limit_bytes(megabytes) + MEGABYTE:
                    setattr(request, TOO_LARGE, True)
                    return refuse(request)
                request.upload_handlers.insert(0, UploadSizeLimit(request, megabytes))
            return protected(request, *args, **kwargs)

        return wrapped

    return decorate
