"""Names of the demo world (`mock_backend/scenarios/demo.yaml`) that docs, tests and the CLI refer to."""

from __future__ import annotations

#: The defaults of Settings.demo_email / demo_password.
DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-password"
OTHER_EMAIL = "other@example.com"
OTHER_PASSWORD = "other-password"
#: Files in the demo's "Many Files" folder (`files: 150` in demo.yaml).
MANY_FILES_COUNT = 150
