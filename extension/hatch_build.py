"""Build hook: the wheel needs the extension that `npm run build` made; npm is not run here."""

import json
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version, build_data):
        built = Path(self.root) / "blindspot_jupyterlab" / "labextension" / "package.json"
        entry = None
        if built.is_file():
            entry = json.loads(built.read_text(encoding="utf-8")).get("jupyterlab", {}).get("_build", {}).get("load")
        if not entry or not (built.parent / entry).is_file():
            raise RuntimeError(
                f"The prebuilt JupyterLab extension is missing ({built.parent} has no built remoteEntry). "
                "Build it first, in extension/: `npm ci && npm run build`, then `pip install ./extension` again. "
                "This package does not run npm itself."
            )
