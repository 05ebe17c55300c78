"""Improvement actions (改善措施) from reviews and emergencies."""
