"""Planning runs (排产方案): who plans and who reads the plan.

A run is a proposed or accepted plan of the plant's orders; pmc proposes and accepts (C3, C7).
"""
from __future__ import annotations

from jidan.domain.roles import Role

#: Who proposes and accepts runs; who reads the plan, its load and an order's promise.
PLANNERS = frozenset({Role.PMC, Role.ADMIN})
VIEWERS = frozenset({Role.PMC, Role.ADMIN, Role.MANAGEMENT, Role.SALES, Role.MANUFACTURING, Role.PURCHASING,
                     Role.FINANCE, Role.CUSTOMER_SERVICE})
