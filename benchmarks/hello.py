"""The framework's ceiling for the load benchmark: a Flask app answering a fixed 50-item JSON page on any path,
served by the mock's own server settings (`mock_backend.server.make_server`).

Run: python benchmarks/hello.py PORT [THREADS]
"""

from __future__ import annotations

import sys

from flask import Flask, Response, jsonify

from mock_backend.server import make_server

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


if __name__ == "__main__":
    port = int(sys.argv[1])
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    server = make_server(build(), "127.0.0.1", port, threads, max_body=1024 * 1024)
    print(f"hello serving on http://127.0.0.1:{server.effective_port}", flush=True)
    server.run()
