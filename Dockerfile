# Production-like image for web (gunicorn), worker and beat. See docker-compose.yml.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY static ./static
RUN npm run build:css

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# WeasyPrint needs Pango; libpq for psycopg 3 is bundled in psycopg-binary.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core postgresql-client \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 safer
WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt
COPY . .
COPY --from=assets /app/node_modules/govuk-frontend ./node_modules/govuk-frontend
COPY --from=assets /app/node_modules/@fontsource/arimo ./node_modules/@fontsource/arimo
COPY --from=assets /app/static/build ./static/build
RUN DEBUG=false SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
 && mkdir -p /var/lib/safer-somerset/private /var/lib/safer-somerset/audit-anchors \
 && chown -R safer /var/lib/safer-somerset
USER safer
EXPOSE 8000
CMD ["gunicorn", "--config", "docker/gunicorn.conf.py", "somerset_safety.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
