# One image for web, worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 1000 socialops

COPY pyproject.toml README.md ./
COPY socialops socialops
COPY catalog catalog
COPY campaigns campaigns
COPY promises promises
COPY insights insights
RUN pip install .

COPY manage.py ./
COPY templates templates
COPY static static
# collectstatic needs settings that pass the production checks; these values are build-only.
RUN DEBUG=false SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    INTEGRATIONS_KEY=Y29sbGVjdHN0YXRpYy1vbmx5LWJ1aWxkLXRpbWUta3k= \
    python manage.py collectstatic --noinput

# Uploaded import files: a volume shared by web (which stores them) and worker (which reads them).
RUN mkdir -p /data/media && chown socialops /data/media

USER socialops
EXPOSE 8000
CMD ["gunicorn", "socialops.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
