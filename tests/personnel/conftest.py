from tests.awards.conftest import gazette, seed_gazette  # noqa: F401  (shared fixtures)
