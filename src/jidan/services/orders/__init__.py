"""Orders (A1–A6): ``intake`` enters and edits them, ``lifecycle`` fires the transition table's
actions, ``guards`` gathers the facts the rows' guards read, ``views`` shows them; ``importing``
reads and writes sheets of them."""
