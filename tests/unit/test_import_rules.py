"""The layer contracts of docs/architecture.md, checked by import-linter (pyproject's
`[tool.importlinter]`; `lint-imports` runs the same contracts by hand)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
SETTINGS = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
CONTRACTS = {c["id"]: c for c in SETTINGS["tool"]["importlinter"]["contracts"]}

@pytest.mark.parametrize("contract", list(CONTRACTS))
def test_m1_the_code_keeps_the_layer_contract(contract):
    """`lint-imports` itself, one contract at a time; its report is the failure message."""
    path = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))
    run = subprocess.run([LINT_IMPORTS, "--config", PYPROJECT, "--contract", contract, "--no-cache"],
                         cwd=ROOT, env={**os.environ, "PYTHONPATH": path}, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def _imports_of_the_dependencies() -> dict[str, set[str]]:
    """Each runtime dependency of pyproject, by distribution name, with the modules it installs."""
    def normal(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()
    wanted = {normal(re.split(r"[\[=<>~! ]", dep, maxsplit=1)[0]) for dep in SETTINGS["project"]["dependencies"]}
    modules: dict[str, set[str]] = {name: set() for name in wanted}
    for module, distributions in packages_distributions().items():
        for distribution in map(normal, distributions):
            if distribution in wanted:
                modules[distribution].add(module)
    return modules


def test_m1_the_domain_contract_forbids_every_dependency_so_the_domain_stays_standard_library():
    forbidden = set(CONTRACTS["domain-stdlib"]["forbidden_modules"])
    missing = {d: m - forbidden for d, m in _imports_of_the_dependencies().items() if m - forbidden}
    assert missing == {}


def test_c3_the_planning_contract_forbids_every_dependency_but_or_tools():
    forbidden = set(CONTRACTS["planning-pure"]["forbidden_modules"])
    missing = {d: m - forbidden for d, m in _imports_of_the_dependencies().items()
               if d != "ortools" and m - forbidden}
    assert missing == {}
