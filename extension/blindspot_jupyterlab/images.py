"""Serves the large view's full-resolution images under Jupyter's authentication.

Images often live outside the server's root (`/data/...`), so the contents API cannot reach
them. A kernel that shows a dataset registers the dataset's image folder in
`blindspot-artifacts/image-roots.json` beside the notebook; this handler serves a file only when
its real path (symlinks resolved) lies inside a folder registered by an artifacts folder that is
itself inside the server's root, and only raster image types. Everything else is refused.

    GET /blindspot/image?artifacts=<server path of blindspot-artifacts>&root=<absolute image folder>&file=<path in it>
"""

import json
import os

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

ENDPOINT = "blindspot/image"
ARTIFACTS_DIR = "blindspot-artifacts"
REGISTRY = "image-roots.json"
CHUNK = 1 << 16

# Raster types only: an SVG or HTML file opened at this URL would run script on Jupyter's origin.
IMAGE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".jpe": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".bmp": "image/bmp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".avif": "image/avif",
}


def inside(path, folder):
    """Whether a real path is the folder or lies under it."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def registered_roots(artifacts_dir):
    """The real paths of the image folders a kernel registered in this artifacts folder."""
    try:
        with open(os.path.join(artifacts_dir, REGISTRY), encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return set()
    roots = data.get("roots") if isinstance(data, dict) else None
    if not isinstance(roots, list):
        return set()
    return {os.path.realpath(r) for r in roots if isinstance(r, str) and os.path.isabs(r)}


class ImageHandler(JupyterHandler):
    auth_resource = "contents"

    @web.authenticated
    @authorized
    async def get(self):
        artifacts_dir = self.artifacts_dir(self.get_query_argument("artifacts", ""))
        root = self.get_query_argument("root", "")
        relative = self.get_query_argument("file", "")
        if "\0" in root or "\0" in relative or not os.path.isabs(root) or not relative:
            raise web.HTTPError(400, "root must be an absolute folder and file a path in it")
        real_root = os.path.realpath(root)
        if real_root not in registered_roots(artifacts_dir):
            raise web.HTTPError(403, "this image folder was not registered by a kernel that showed its dataset")
        target = os.path.realpath(os.path.join(real_root, relative))
        if not inside(target, real_root) or target == real_root:
            raise web.HTTPError(403, "the file lies outside its registered image folder")
        if not self.contents_manager.allow_hidden and any(p.startswith(".") for p in relative.split("/")):
            raise web.HTTPError(403, "hidden files are not served")
        kind = IMAGE_TYPES.get(os.path.splitext(target)[1].lower())
        if kind is None:
            raise web.HTTPError(403, "only raster images are served")
        if not os.path.isfile(target):
            raise web.HTTPError(404, "no such image")
        self.set_header("Content-Type", kind)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Cache-Control", "private, max-age=300")
        with open(target, "rb") as f:
            while chunk := f.read(CHUNK):
                self.write(chunk)
                await self.flush()

    def artifacts_dir(self, server_path):
        """The real path of an artifacts folder inside the server's root; 404 for anything else."""
        root_dir = os.path.realpath(self.settings.get("server_root_dir") or self.contents_manager.root_dir)
        parts = [p for p in server_path.split("/") if p]
        if not parts or parts[-1] != ARTIFACTS_DIR or any(p in (".", "..") or "\0" in p for p in parts):
            raise web.HTTPError(404, "not a blindspot artifacts folder")
        real = os.path.realpath(os.path.join(root_dir, *parts))
        if not inside(real, root_dir) or not os.path.isdir(real):
            raise web.HTTPError(404, "not a blindspot artifacts folder")
        return real


def setup_handlers(web_app):
    base_url = web_app.settings["base_url"]
    web_app.add_handlers(".*$", [(url_path_join(base_url, ENDPOINT), ImageHandler)])

