"""Figures for decisions (M3) and accountability for missed deadlines (M4)."""
