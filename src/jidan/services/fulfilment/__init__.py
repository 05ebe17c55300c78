"""Fulfilment (G1–I5, M2): warehouse receipt, shipping, incidents, the order record."""
