"""API base classes shared by every app: serializers, viewsets, permissions, errors, paging."""
