# syntax=docker/dockerfile:1
#
# One image for every process of the portal: gunicorn (default CMD), the
# Celery worker, Celery beat and one-shot `manage.py` commands such as
# migrate. docker-compose.yml picks the command per service.
#
#   docker build -t beian .
#   docker run --rm -e SECRET_KEY=... -e DATABASE_URL=... -p 8000:8000 beian

FROM python:3.11-slim-bookworm

# - PYTHONPATH: the code runs from /app, not from site-packages (see the pip
#   step below).
# - BEIAN_VAR_DIR: writable runtime state (collected static files, Celery
#   beat's schedule file).
# - DEBUG=0: fail closed. The image is for production, so DEBUG stays off
#   unless a deployment turns it on, and settings then demand SECRET_KEY.
# - WEB_CONCURRENCY: gunicorn reads it itself as its default --workers; about
#   2 x cores + 1 suits this sync-worker app. Override per deployment.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=beian.settings \
    PYTHONPATH=/app \
    BEIAN_VAR_DIR=/app/var \
    DEBUG=0 \
    WEB_CONCURRENCY=3

# WeasyPrint's native libraries (Pango, HarfBuzz subsetting) and a CJK font so
# that filing receipts and certificates render Chinese text. No libpq-dev:
# psycopg2-binary bundles libpq. Versions are not pinned: Debian's security
# archive drops superseded versions, so pins would break rebuilds.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

# Unprivileged user that runs every process; it owns only var/.
RUN groupadd --system --gid 10001 beian \
    && useradd --system --uid 10001 --gid beian --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin beian

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so that this (slow) layer is
# rebuilt only when the dependencies change, not on every code edit. With no
# package directories copied yet, `pip install .` installs the dependencies
# and an empty "beian" distribution; the project's packages are imported from
# /app (PYTHONPATH), so there is exactly one copy of them and BASE_DIR in
# settings points at /app, where templates/ and static/ live.
COPY pyproject.toml ./
RUN pip install --no-cache-dir .

# The project itself (see .dockerignore for what is left out), owned by root
# and so read-only for the app user; only var/ is writable.
COPY . .
RUN mkdir -p "$BEIAN_VAR_DIR" && chown beian:beian "$BEIAN_VAR_DIR"

# Numeric, so that runtimes can verify "non-root" without reading /etc/passwd.
USER 10001:10001

# Collect static files into $BEIAN_VAR_DIR/static for WhiteNoise (hashed,
# compressed manifest storage, which needs DEBUG=0). Settings refuse to load
# with DEBUG=0 and no SECRET_KEY, so a throwaway key is given to this one
# command only: it is not stored in the image's environment. No database or
# broker is contacted here.
RUN DEBUG=0 SECRET_KEY=collectstatic-build-only-not-a-secret \
    python manage.py collectstatic --noinput

EXPOSE 8000

# --worker-tmp-dir: heartbeat files in memory rather than on the overlay fs.
# --timeout 120: PDF rendering with WeasyPrint can take a while.
CMD ["gunicorn", "beian.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--worker-tmp-dir", "/dev/shm", \
     "--timeout", "120", \
     "--access-logfile", "-", \
     "--error-logfile", "-"]
