# One image for web, worker and beat; docker-compose.yml picks the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MODERATO_DATA_DIR=/var/lib/moderato

WORKDIR /app
# The locked versions first (their own layer, rebuilt only when the lock changes), then
# Moderato itself without resolving anything again.
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY pyproject.toml setup.py README.md ./
COPY service ./service
COPY models ./models
COPY workers ./workers
COPY classifier ./classifier
# The build compiles the web UI's message catalogs (setup.py; only the .po files are committed).
RUN pip install --no-cache-dir --no-deps . \
    && pip check \
    && useradd --system --home /var/lib/moderato moderato \
    && mkdir -p /var/lib/moderato \
    && chown moderato /var/lib/moderato

USER moderato
EXPOSE 8000
CMD ["moderato", "web", "--host", "0.0.0.0", "--port", "8000"]
