"""Master data: customers, products, routings, the plant and its calendar (N1)."""
