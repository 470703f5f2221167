import logging

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files. A file missing from the manifest (collectstatic
    not run since it was added) gets its plain URL and a logged warning, instead of
    failing the whole page with a 500."""

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:
            logger.warning("Static file %s is not collected; run collectstatic.", name)
            return name
