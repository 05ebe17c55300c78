"""The fourteen roles of the documents (部门 / 角色)."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    SALES = "sales"  # 销售部 / 业务
    FINANCE = "finance"  # 财务部
    PMC = "pmc"  # 生产物料控制
    MANUFACTURING = "manufacturing"  # 制造 / 生产各组
    QUALITY = "quality"  # 质检部
    WAREHOUSE = "warehouse"  # 仓库
    LOGISTICS = "logistics"  # 物流部
    CUSTOMER_SERVICE = "customer_service"  # 客服部
    PURCHASING = "purchasing"  # 采购
    ENGINEERING = "engineering"  # 技术课
    MANAGEMENT = "management"  # 总经办
    STORE = "store"  # 店长 / 收货区主管
    SUPPLIER = "supplier"  # 供应商
    ADMIN = "admin"


ALL_ROLES = frozenset(Role)

#: Roles that see customer orders; suppliers and stores work on their own records only.
ORDER_VIEWERS = ALL_ROLES - {Role.SUPPLIER, Role.STORE}

#: Roles that may enter new orders (A1).
ORDER_ENTRY = frozenset({Role.SALES, Role.CUSTOMER_SERVICE})

class BusinessRoles(frozenset):
    """The roles of a business act: purchase orders, stock, delay decisions, plans (issue 21).

    Admin keeps to configuration and is never among them; a plant that wants admin to take the
    business acts too sets ``JIDAN_ADMIN_DOES_BUSINESS`` (``services.permissions.may``).
    """


#: The floor (operators and group leaders, quality, warehouse, logistics, engineering) works on
#: quantities and dates; order prices and amounts are not theirs to see (issue 21).
FLOOR_ROLES = frozenset({Role.MANUFACTURING, Role.QUALITY, Role.WAREHOUSE, Role.LOGISTICS, Role.ENGINEERING})
PRICE_VIEWERS = ORDER_VIEWERS - FLOOR_ROLES

#: Roles that maintain master data (customers, products).
MASTER_DATA = frozenset({Role.ADMIN, Role.SALES, Role.PMC})

#: Who gets the "API 文档" link (issue 24): the roles that connect other systems. Admin wires the
#: integrations (users, webhooks, robots); PMC feeds and reads the plan (ERP orders in, MES and
#: plan data out, the CLI); purchasing exchanges purchase orders with suppliers' and the ERP's
#: systems. Everyone else works in the pages; /docs itself stays open to all.
API_USERS = frozenset({Role.ADMIN, Role.PMC, Role.PURCHASING})
