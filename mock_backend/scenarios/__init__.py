"""Scenarios: worlds declared in YAML (accounts, archives, roles, folder trees, file bytes), built through the domain.

A scenario file has `accounts`, then `archives`; each archive names its owner, its members with their roles and
the trees of its root folders. Every entry goes through the mock's own operations (`Backend.create_account`,
`create_archive`, `add_member`, `create_folder`, `import_files`), so a scenario obeys every rule a client's
request would. See `mock_backend/scenarios/README.md` for the format; `demo.yaml` is the world a first start builds.

declaration.py reads and checks a file; plan.py fills it in and checks every name before anything is touched;
build.py makes it; content.py makes bytes, awkward names and fake values.
"""

from mock_backend.scenarios.build import Progress, build
from mock_backend.scenarios.declaration import BUILT_IN, Scenario, ScenarioError, load, names, parse
from mock_backend.scenarios.plan import Plan, PlannedArchive, PlannedFile, PlannedFolder, plan, substitutions

__all__ = [
    "BUILT_IN",
    "Plan",
    "PlannedArchive",
    "PlannedFile",
    "PlannedFolder",
    "Progress",
    "Scenario",
    "ScenarioError",
    "build",
    "load",
    "names",
    "parse",
    "plan",
    "substitutions",
]
