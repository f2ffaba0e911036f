"""The app's JSON provider: orjson, which encodes the mock's answers several times faster than the stdlib."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from flask import Flask, Response
from flask.json.provider import DefaultJSONProvider

#: Dates and dataclasses as Flask's own provider writes them; int keys become strings, as json.dumps does.
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_NON_STR_KEYS


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON provider on orjson: keys in insertion order (the wire order), UTF-8 output, no spaces.

    Parsing stays the stdlib's (`loads` is inherited): request bodies are read by `wire.inputs` anyway.
    """

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialize to a str (Flask's interface); `dumps_bytes` skips the decode."""
        return self.dumps_bytes(obj).decode()

    def dumps_bytes(self, obj: Any) -> bytes:
        """Serialize to UTF-8 bytes; dates and dataclasses go through Flask's `default`, as with the stdlib."""
        try:
            return orjson.dumps(obj, default=self.default, option=_OPTIONS)
        except TypeError:
            # orjson refuses integers beyond 64 bits, which an error answer may echo; the stdlib writes them.
            return super().dumps(obj).encode()

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """Answer `jsonify(…)` with the encoded bytes."""
        obj = self._prepare_response_obj(args, kwargs)
        return Response(self.dumps_bytes(obj), mimetype=self.mimetype)


def install(app: Flask) -> None:
    """Make orjson the app's JSON provider."""
    app.json = OrjsonProvider(app)


def encoder(app: Flask) -> Callable[[Any], bytes]:
    """Return the app's JSON encoder to UTF-8 bytes, for answers written piece by piece."""
    provider = app.json
    assert isinstance(provider, OrjsonProvider), "jsonio.install(app) was not called"
    return provider.dumps_bytes
