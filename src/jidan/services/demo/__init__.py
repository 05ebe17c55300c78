"""The demo factory (`jidan demo`)."""
