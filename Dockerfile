# casetracker: the app image used by docker-compose.yml (gunicorn + whitenoise, non-root).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# An unprivileged user owns nothing but the collected static files.
RUN groupadd --system --gid 10001 casetracker \
    && useradd --system --uid 10001 --gid casetracker --home-dir /app --shell /usr/sbin/nologin casetracker

# gpg encrypts backups when CASETRACKER_BACKUP_PASSPHRASE is set (manage.py backup / restore);
# tesseract reads the text of uploaded images (photos of documents) in Russian, Kazakh and English.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gnupg \
       tesseract-ocr tesseract-ocr-rus tesseract-ocr-kaz tesseract-ocr-eng \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# The Russian and Kazakh translations: locale/*/LC_MESSAGES/django.po compiled to .mo (not committed).
RUN pybabel compile --domain django --directory locale
# /app/media holds the source documents (the "documents" volume takes its owner from here).
RUN mkdir -p /app/staticfiles /app/media && chown casetracker:casetracker /app/staticfiles /app/media \
    && chmod +x /app/docker/entrypoint.sh

USER casetracker
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "--config", "docker/gunicorn.conf.py", "casetracker.wsgi:application"]
