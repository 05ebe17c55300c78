"""Notices (D2, E6): notify, the outbox, timers, escalation, the inbox."""
