"""Execution (D1–F2): floor tasks and progress, process exceptions, quality."""
