"""Request field types that the API schemas and the web forms both validate against."""
from __future__ import annotations

from typing import Literal

#: How an order reached the factory, in the order the forms offer it (domain.order.CHANNELS).
Channel = Literal["phone", "online", "email", "fax", "visit", "edi", "import"]
