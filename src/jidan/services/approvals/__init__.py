"""Review and approval (B1–B7): the review record, signing, chains, deputies, changes, letters."""
