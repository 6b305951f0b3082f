"""CSV import jobs: upload, run in the background, follow progress, read the report."""
