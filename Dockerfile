# One image for the four xinfang services (intake, routing, supervision, reporting).
#
#   docker build -t xinfang:0.1.0 .
#   docker run --rm xinfang:0.1.0                 # prints the CLI help
#   docker run --rm xinfang:0.1.0 serve intake    # runs one service (see deploy/README.md for settings)
#   docker run --rm xinfang:0.1.0 migrate intake  # applies that service's migrations
#
# Settings are XINFANG_* environment variables (shared/settings.py).

ARG PYTHON_IMAGE=python:3.11-slim

# --- build: a virtual environment holding the dependencies, then the package ------------------
FROM ${PYTHON_IMAGE} AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src

# Dependencies first, read from pyproject.toml: this layer is rebuilt only when pyproject.toml changes,
# not on every source edit.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt

# Then the code; --no-deps because the layer above already installed them.
COPY shared/ ./shared/
COPY services/ ./services/
RUN pip install --no-deps . \
    && xinfang --help > /dev/null

# --- runtime ------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

LABEL org.opencontainers.image.title="xinfang" \
      org.opencontainers.image.description="Event-sourced backend for handling citizen petitions"

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    XINFANG_HOST=0.0.0.0 \
    XINFANG_DATA_DIR=/app/var \
    XINFANG_DIRECTORY_DIR=/app/data

RUN groupadd --system --gid 10001 xinfang \
    && useradd --system --uid 10001 --gid xinfang --home-dir /app --no-create-home --shell /usr/sbin/nologin xinfang

COPY --from=build /opt/venv /opt/venv

WORKDIR /app
# The demo directory (jurisdiction.yaml, categories.yaml); a deployment mounts its own over it or
# points XINFANG_DIRECTORY_DIR elsewhere.
COPY data/ /app/data/
RUN mkdir -p /app/var && chown xinfang:xinfang /app/var

USER 10001:10001

# intake, routing, supervision, reporting (XINFANG_<SERVICE>_PORT)
EXPOSE 8001-8004

ENTRYPOINT ["xinfang"]
CMD ["--help"]
