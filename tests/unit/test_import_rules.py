"""The layers import inward only (design.md): domain is stdlib, edges never touch tables."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "jidan"
STDLIB = set(sys.stdlib_module_names) | {"__future__"}


def imports_of(folder: str):
    for path in sorted((SRC / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, node.module


def test_m1_domain_imports_only_the_standard_library_and_itself():
    bad = [(p.name, m) for p, m in imports_of("domain")
           if m.split(".")[0] not in STDLIB and not m.startswith("jidan.domain")]
    assert bad == []


def test_c3_planning_imports_only_stdlib_ortools_and_itself():
    bad = [(p.name, m) for p, m in imports_of("planning")
           if m.split(".")[0] not in STDLIB | {"ortools"} and not m.startswith("jidan.planning")]
    assert bad == []


def test_m1_api_and_web_never_import_database_tables():
    bad = [(p.name, m) for folder in ("api", "web") for p, m in imports_of(folder)
           if m.startswith(("jidan.adapters.db.tables", "jidan.adapters.db.orm", "sqlalchemy.orm"))]
    assert bad == []


def test_m1_services_do_not_import_sqlalchemy():
    bad = [(p.name, m) for p, m in imports_of("services") if m.startswith("sqlalchemy")]
    assert bad == []


def test_m1_api_and_web_share_http_pieces_but_never_import_each_other():
    bad = [(p.name, m) for folder, other in (("api", "jidan.web"), ("web", "jidan.api"))
           for p, m in imports_of(folder) if m.startswith(other)]
    assert bad == []
