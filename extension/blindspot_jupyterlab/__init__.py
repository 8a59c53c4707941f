"""blindspot's JupyterLab extension (prebuilt): renderers for grids, linked charts and tables, and
a server extension that serves the large view's full-resolution images."""


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "blindspot-jupyterlab"}]


def _jupyter_server_extension_points():
    return [{"module": "blindspot_jupyterlab"}]


def _load_jupyter_server_extension(server_app):
    from .images import setup_handlers

    setup_handlers(server_app.web_app)
    server_app.log.info("blindspot: serving registered image folders at /blindspot/image")
