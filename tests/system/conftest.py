"""Fixtures shared by every system test (see harness.py)."""
import pathlib

import pytest

from harness import ProcessGroup, RedisServer, cirrus_bin


@pytest.fixture
def procs(tmp_path: pathlib.Path):
    group = ProcessGroup(tmp_path)
    yield group
    group.close()


@pytest.fixture
def redis_server(procs):
    return RedisServer(procs)


@pytest.fixture(scope="session")
def cirrus() -> str:
    return cirrus_bin()
