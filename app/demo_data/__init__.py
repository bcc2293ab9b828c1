"""Static tables behind the demo data (``app.demo.seed_demo``): plain Python, no database access.

One module per area so the tables stay readable; ``app.demo`` turns them into rows,
drawing any variation from one seeded ``random.Random`` so every run is identical.
"""
