"""Serving the console's apt repository (:mod:`admin_console.server.apt_repo`) under
``/apt/``: static files, read-only, without a login (the signature is what protects them).

Starlette's :class:`~starlette.staticfiles.StaticFiles` does the serving: GET and HEAD only,
``Last-Modified``/``ETag`` with ``If-Modified-Since``/``If-None-Match`` answered 304 (apt
asks so), and every path resolved (symlinks, ``..``) and refused unless it stays inside the
generation served at that moment. No folder listing, and nothing but the repository's files.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

CONTENT_TYPES = {
    "InRelease": "text/plain; charset=utf-8",
    "Release": "text/plain; charset=utf-8",
    "Packages": "text/plain; charset=utf-8",
    "Release.gpg": "application/pgp-signature",
    "Packages.gz": "application/gzip",
    "archive-key.gpg": "application/pgp-keys",
    "ca.pem": "application/x-pem-file",
}
DEB = "application/vnd.debian.binary-package"


class AptFiles(StaticFiles):
    """The files of the generation the ``served`` symlink points at, looked up at each
    request (a publish swaps it)."""

    def __init__(self, served: Path) -> None:
        super().__init__(directory=served, check_dir=False, follow_symlink=False)

    async def check_config(self) -> None:
        """Nothing published yet is a 404 for each file, not a configuration error."""

    def file_response(
        self,
        full_path: os.PathLike[str] | str,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        """The file with its content type (apt reads any; people and proxies read it)."""
        response = super().file_response(full_path, stat_result, scope, status_code)
        name = os.path.basename(full_path)
        kind = DEB if name.endswith(".deb") else CONTENT_TYPES.get(name, "application/octet-stream")
        response.headers["content-type"] = kind
        return response
