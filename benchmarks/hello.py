"""The framework's ceiling for the load benchmark: a Flask app answering a fixed 50-item JSON page on any path.

benchmarks/load.py serves it with granian on the mock's own settings (workers, threads):
`granian --interface wsgi --factory hello:build` from this folder.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify

#: One Stela-like page of 50 items, built once: the baseline measures the framework and server, not a world.
_PAGE = {
    "items": [
        {"folderId": str(n), "displayName": f"folder {n}", "type": "type.folder.private", "size": n * 1024}
        for n in range(50)
    ],
    "pagination": {"nextCursor": "50", "nextPage": None, "totalPages": 2},
}


def build() -> Flask:
    """Return the hello-world app."""
    app = Flask("hello")

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
    @app.route("/<path:path>", methods=["GET", "POST"])
    def page(path: str) -> Response:
        return jsonify(_PAGE)

    return app
