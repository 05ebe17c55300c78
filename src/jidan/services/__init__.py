"""Use cases: one function per action a user takes, each inside a unit of work."""
