"""Settings for the test suite: the same as production, in a throw-away data directory.

pytest-django imports settings before any conftest runs, so the temporary data directory
is chosen here, not in a fixture; ``scripts/test.sh`` may set ``SAFERPLAN_DATA`` itself.
"""

import atexit
import os
import shutil
import tempfile

from saferplan import config

if not config.get("SAFERPLAN_DATA"):
    # Made only when needed, and removed when the test run ends.
    _data = tempfile.mkdtemp(prefix="saferplan-test-data-")
    atexit.register(shutil.rmtree, _data, ignore_errors=True)
    os.environ["SAFERPLAN_DATA"] = _data

from saferplan.site.settings import *  # noqa: F403

# Hashing passwords slowly protects real users, not test fixtures.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Static files straight from the finders (no collectstatic step in tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    # One test database per checkout, so two clones on one machine can test at once.
    import hashlib

    _checkout = hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:8]  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": f"test_saferplan_{_checkout}"}  # noqa: F405
