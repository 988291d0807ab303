"""Settings for the test suite: the same as production, in a throw-away data directory.

pytest-django imports settings before any conftest runs, so the temporary data directory
is chosen here, not in a fixture; ``scripts/test.sh`` may set ``SAFERPLAN_DATA`` itself.
"""

import os
import tempfile

os.environ.setdefault("SAFERPLAN_DATA", tempfile.mkdtemp(prefix="saferplan-test-data-"))

from saferplan.site.settings import *  # noqa: F403

# Hashing passwords slowly protects real users, not test fixtures.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Static files straight from the finders (no collectstatic step in tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
