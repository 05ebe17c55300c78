"""Planning wired to the plant (B2, C1–C7): the plant model, planning runs, their views."""
