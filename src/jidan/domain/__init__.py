"""The business rules of urgent orders, in plain Python (standard library only)."""
