"""The demo customers' delivery details, so the printed shipping notice (发货通知单) has them."""
from __future__ import annotations

CITIES = ("上海市浦东新区张江路", "深圳市南山区科技园南路", "苏州市工业园区星湖街", "杭州市滨江区江南大道",
          "无锡市新吴区长江路")
PEOPLE = ("王敏", "李强", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽")


def delivery_details(code: str) -> dict:
    """A contact, a delivery address and a telephone for customer ``code`` (C001 …), fixed per code."""
    n = int(code[1:]) if code[1:].isdigit() else len(code)
    return {"contact": PEOPLE[n % len(PEOPLE)], "address": f"{CITIES[n % len(CITIES)]} {100 + n} 号 收货部",
            "phone": f"021-6{n:03d}-8{n:03d}"}
