"""The settings module as a process sees it at start, run in a subprocess with a given env."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "-production-secret-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "socialops.example.com",
    "INTEGRATIONS_KEY": "J8wnDLbVk4xXm3CUnRkcvv0m9ZlKvgrH3UwLYaiY5ak=",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "REDIS_URL",
            "INTEGRATIONS_KEY",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "INTEGRATIONS_KEY"])
def test_production_refuses_to_start_without_secret_or_hosts(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("PORT", "eighty"),
        ("DATABASE_URL", "mysql://x/y"),
        ("REDIS_URL", "http://localhost:6379"),
    ],
)
def test_bad_values_stop_the_process_naming_the_variable(name, value):
    result = manage("check", env={name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr


def test_deploy_checks_are_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_development_defaults_need_no_configuration():
    result = manage("check", env={})
    assert result.returncode == 0, result.stderr


def test_broker_transport_options_keep_the_short_timeouts_and_the_visibility_timeout():
    """Two settings blocks once each set the transport options, and the second dropped the
    first one's connect timeout (a failed send then took 2 s instead of 0.2 s)."""
    from django.conf import settings

    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert options["socket_connect_timeout"] == settings.REDIS_CONNECT_TIMEOUT
    assert options["max_retries"] == 1
    assert options["visibility_timeout"] == 2 * settings.CELERY_TASK_TIME_LIMIT
