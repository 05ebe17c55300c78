"""The demo's defect-code catalogue (issue 24): what an electronics plant's inspectors record."""
from __future__ import annotations

from jidan.services.context import Context
from jidan.services.execution import defects

DEFECT_CODES = [
    ("SHORT", "短路", "Short circuit"), ("OPEN", "开路", "Open circuit"),
    ("SOLDER-BRIDGE", "连锡", "Solder bridge"), ("COLD-JOINT", "虚焊", "Cold joint"),
    ("MISSING", "漏件", "Missing part"), ("WRONG-PART", "错件", "Wrong part"),
    ("POLARITY", "极性反", "Reversed polarity"), ("SCRATCH", "外观划伤", "Scratch"),
    ("DIM", "尺寸超差", "Out of tolerance"), ("FUNC", "功能不良", "Function fails"),
]


def load(ctx: Context) -> int:
    for code, zh, en in DEFECT_CODES:
        defects.save(ctx, None, code, zh, en)
    return len(DEFECT_CODES)
