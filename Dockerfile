# The bot in a container (see docs/production.md, "Run in a container"):
#   docker build -t socialworkweek-bot .
#   docker run -d --env-file .env -v socialworkweek-data:/data -p 3000:3000 socialworkweek-bot
FROM python:3.11-slim

# uv from its official image, the version that wrote uv.lock.
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /uvx /bin/

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never

WORKDIR /app

# The dependencies first, exactly as locked and without the development tools: this layer
# is rebuilt only when pyproject.toml or uv.lock change.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY bot ./bot
COPY programme.json ./
COPY deploy/healthcheck.py ./deploy/
RUN python -m compileall -q bot

# A user of its own, not root. The database lives on a volume at /data; data/ points there
# too, so a DATABASE_PATH=data/bot.json copied from .env.example lands on the volume.
RUN useradd --system --user-group --uid 10001 --home-dir /app --no-create-home bot \
    && mkdir /data && chown bot:bot /data && chmod 700 /data \
    && ln -s /data /app/data
USER bot

ENV PATH="/app/.venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    DATABASE_PATH=/data/bot.json \
    PROGRAMME_PATH=/app/programme.json \
    PORT=3000 \
    HEALTH_PORT=3000
VOLUME /data
EXPOSE 3000

# GET /healthz: on PORT in HTTP mode, on HEALTH_PORT in Socket Mode (python's urllib: a slim
# image has no curl).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/app/deploy/healthcheck.py"]

# SIGTERM (docker stop) finishes pending writes and writes a final snapshot; SIGHUP
# (docker kill --signal HUP) reloads the programme.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot"]
