"""Orders: intake, the lifecycle actions, and the views of an order (A1–A6)."""
