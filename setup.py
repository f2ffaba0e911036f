"""Build hook: a wheel carries the contract inside mock_backend, since it installs no top-level openapi/."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithContract(build_py):
    """Copy the OpenAPI documents to mock_backend/_contract/ in the build (mock_backend.spec finds them there)."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads openapi/ in the checkout
        target = Path(self.build_lib) / "mock_backend" / "_contract"
        target.mkdir(parents=True, exist_ok=True)
        for document in ("openapi.yaml", "control.yaml", "v1.yaml"):
            shutil.copyfile(Path(__file__).parent / "openapi" / document, target / document)


setup(cmdclass={"build_py": BuildWithContract})
