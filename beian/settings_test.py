"""The test suite's settings (pyproject.toml names them): the portal's own, read with the development
defaults — DEBUG=1 unless the environment says otherwise — as the make targets run it. Set in the
environment before the settings are read, so that the servers and workers the tests start inherit it."""

import os

os.environ.setdefault("DEBUG", "1")

from .settings import *  # noqa: E402, F403
