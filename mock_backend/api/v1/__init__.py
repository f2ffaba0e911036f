"""The PHP v1 envelope the web app speaks: one dispatcher over the same `Backend` operations as the v2 routes.

v1 and v2 share paths (`POST /api/folder/post` is both); `Request-Version: 2` tells them apart, so the dispatcher
runs before routing and answers every PHP POST without that header (dispatch.py). Actions live by controller:
session.py (auth, account, archive, notification), items.py (folder, record).
"""

from mock_backend.api.v1 import items, session  # noqa: F401 - importing registers the actions
from mock_backend.api.v1.dispatch import ACTIONS, COOKIE, register

__all__ = ["ACTIONS", "COOKIE", "register"]
