"""The REST API's shared parts: permissions, errors, pagination, base classes and routes.

Each app keeps its own serializers and viewsets in `<app>/api/`; this package holds what
they share, so every endpoint answers, paginates and refuses in the same way.
"""
