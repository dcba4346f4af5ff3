"""Loaded with ``-p`` before Django: test-only environment (fast hashing, temporary data dir)."""

import os
import tempfile

os.environ.setdefault("ESSAIM_FAST_PASSWORD_HASHER", "1")
os.environ.setdefault("ESSAIM_DATA_DIR", tempfile.mkdtemp(prefix="essaim-tests-"))
os.environ.setdefault("ESSAIM_TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")
