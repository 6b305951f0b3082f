"""The shared kernel: machinery that knows no domain and imports no app.

Database field types and constraints, COPY helpers, the list-page machinery, shared filter
widgets, API base classes and the generic CSV import framework live here, so every domain
app can use them without importing another app (like netbox's `utilities/`).
"""
