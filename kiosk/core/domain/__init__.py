"""The CA's businesses, orders and rules as plain data and functions (no Textual, no I/O
beyond reading data/ files)."""
