"""Finite-capacity planning for urgent orders (急单排程): a pure function of the problem.

It knows nothing of HTTP or the database; services feed it a `Problem` and store the
`Schedule` it returns.
"""
