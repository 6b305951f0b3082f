from tests.promises.conftest import World, world  # noqa: F401 - the store the checks read
