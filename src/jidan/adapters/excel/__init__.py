"""Excel / CSV import and export (openpyxl)."""
