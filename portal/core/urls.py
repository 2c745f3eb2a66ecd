"""Links for templates and HTML written in Python, remembered per process.

A page builds twenty or more links (the header, the section navigation, the static files),
and Flask's `url_for` walks werkzeug's URL map for each: about 7 µs a link, a few percent of a
section page. A relative link depends only on the URL map, which is fixed once the app is
built, the endpoint, its arguments and the request's script root (the prefix the portal is
mounted under), so it is kept in a bounded table keyed by exactly those. Anything that
depends on more is built by Flask every time: absolute links (`_external`, `_scheme`: the
host), blueprint-relative endpoints (".name": the current blueprint), unhashable arguments
and links built outside a request. The app registers no `url_defaults` callbacks, which
could add arguments from the request; `install` refuses to cache if one is ever added.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import Flask, has_request_context, request, url_for

_BUILT_EACH_TIME = frozenset(("_external", "_scheme", "_method"))

# Stands for an item or section key in a link built once per page and then completed per key
# with str.replace: keys are `[a-z][a-z0-9_]*` (item_reader.KEY_PATTERN), so they go into a
# URL as they are and none can be this.
ANY_KEY = "__key__"


def install(app: Flask) -> None:
    """Use the remembering `url_for` in the app's templates (after blueprints are registered)."""
    if app.url_default_functions:
        return  # links may depend on request state: leave Flask's url_for in place
    app.jinja_env.globals["url_for"] = cached_url_for


def cached_url_for(endpoint: str, **values: Any) -> str:
    """`flask.url_for` for relative links, remembered per (script root, endpoint, arguments
    in their order, which is the order of the query string)."""
    if (endpoint.startswith(".") or not _BUILT_EACH_TIME.isdisjoint(values)
            or not has_request_context()):  # e.g. a template rendered by a CLI command
        return url_for(endpoint, **values)
    try:
        return _relative_link(request.script_root, endpoint, tuple(values.items()))
    except TypeError:  # an unhashable argument (a list): nothing to remember it by
        return url_for(endpoint, **values)


@lru_cache(maxsize=4096)
def _relative_link(_script_root: str, endpoint: str, values: tuple[tuple[str, Any], ...]) -> str:
    return url_for(endpoint, **dict(values))
