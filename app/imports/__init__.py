"""Catalog import from CSV, XLSX and iCalendar files: upload → preview → commit all or nothing.

``readers`` and ``ics`` turn a file into rows of raw cells, ``parsers`` turn cells into
values, ``spec`` is the generic engine (key lookup, per-row errors, one transaction),
``catalog_specs`` declares one spec per importable catalog, ``uploads`` keeps an
uploaded file between preview and commit, and ``service`` ties them together for the
screens in ``views/imports.py``. Nothing here imports Flask or the views.
"""
