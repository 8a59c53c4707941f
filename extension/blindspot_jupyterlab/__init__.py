"""blindspot's JupyterLab extension (prebuilt): renderers for grids, linked charts and tables."""


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "blindspot-jupyterlab"}]
