"""Settings for a daphne process started by a test: the test settings, serving static files too."""

from config.settings.test import *  # noqa: F403

WHITENOISE_USE_FINDERS = True
