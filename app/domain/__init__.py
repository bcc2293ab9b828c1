"""Business rules as plain Python: no Flask, no FAB, no views or tasks imported here."""
