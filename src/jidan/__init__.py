"""jidan — 急单: a factory's urgent-order process end to end."""
