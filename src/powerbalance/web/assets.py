"""The lab's own front-end files, read and compressed once per server, with caching headers.

:class:`Assets` holds every file of ``static/`` in memory (well under 2 MiB) by its
relative path, with its gzip (made once, not for each request: d3 alone is 280 kB) and
an ``ETag`` (a hash of its bytes). A request names a file by that path and gets exactly
that file or a 404: no path from a request ever reaches the file system, so nothing
outside the folder can be served.

Caching: a browser keeps a file and asks again with ``If-None-Match``; an unchanged file
is answered ``304 Not Modified`` without a body. The lab's own scripts, styles and page
are revalidated on every load (``no-cache``: a new version of the package shows at
once); the vendored libraries and the basemap, which change only with a release, are
kept for a day without asking (``max-age``).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request, Response

#: Files from this size on are kept gzipped too (smaller ones gain nothing).
GZIP_MIN_BYTES = 1024
#: Media types of the lab's files (``mimetypes`` varies by platform for some).
MEDIA_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
               ".css": "text/css; charset=utf-8", ".json": "application/json",
               ".svg": "image/svg+xml", ".LICENSE": "text/plain; charset=utf-8"}
#: Cache-Control of the lab's own files (revalidated) and of the vendored ones (kept).
OWN_CACHE, VENDOR_CACHE = "no-cache", "public, max-age=86400"


@dataclass(frozen=True)
class Asset:
    """One file: its bytes, their gzip (``None`` when small), media type, ETag, caching."""

    raw: bytes
    gzipped: bytes | None
    media_type: str
    etag: str
    cache_control: str


def _asset(path: Path, name: str) -> Asset:
    raw = path.read_bytes()
    media = MEDIA_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] \
        or "application/octet-stream"
    compressible = media.startswith(("text/", "application/json", "image/svg"))
    zipped = gzip.compress(raw, 9, mtime=0) if compressible and len(raw) >= GZIP_MIN_BYTES \
        else None
    return Asset(raw, zipped, media, f'"{hashlib.sha256(raw).hexdigest()[:20]}"',
                 VENDOR_CACHE if name.startswith("vendor/") else OWN_CACHE)


class Assets:
    """Every regular file under ``folder``, by its path relative to it (``vendor/d3.min.js``)."""

    def __init__(self, folder: Path) -> None:
        self.files = {p.relative_to(folder).as_posix(): _asset(p, p.relative_to(folder)
                                                                .as_posix())
                      for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}

    def response(self, name: str, request: Request) -> Response:
        """The file called ``name`` (404 unless it is one of the folder's files): 304 when
        the browser's copy is current, gzipped when the browser accepts it."""
        asset = self.files.get(name)
        if asset is None:
            return Response(b'{"detail":"Not Found"}', status_code=404,
                            media_type="application/json")
        headers = {"ETag": asset.etag, "Cache-Control": asset.cache_control,
                   "Vary": "Accept-Encoding"}
        if asset.etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        body = asset.raw
        if asset.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
            body, headers["Content-Encoding"] = asset.gzipped, "gzip"
        if request.method == "HEAD":
            headers["Content-Length"] = str(len(body))
            return Response(status_code=200, headers=headers, media_type=asset.media_type)
        return Response(body, headers=headers, media_type=asset.media_type)
