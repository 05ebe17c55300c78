"""Adapters: the outside world (database, files, mail) behind our ports."""
