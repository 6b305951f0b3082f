import pytest
from django.core.exceptions import ImproperlyConfigured

from socialops.env import env_bool, env_int, env_list, env_str, env_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        ("on", True),
        ("0", False),
        ("False", False),
        ("no", False),
        ("off", False),
    ],
)
def test_env_bool_reads_the_usual_words(raw, expected):
    assert env_bool("DEBUG", environ={"DEBUG": raw}) is expected


@pytest.mark.parametrize("environ", [{}, {"DEBUG": ""}, {"DEBUG": "   "}])
def test_env_bool_unset_or_empty_gives_the_default(environ):
    assert env_bool("DEBUG", default=True, environ=environ) is True


@pytest.mark.parametrize("raw", ["tru", "2", "enabled", "yes please"])
def test_env_bool_refuses_anything_else_and_names_the_variable(raw):
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG", environ={"DEBUG": raw})


def test_env_int_parses_and_checks_bounds():
    assert env_int("PORT", 8000, environ={"PORT": "9000"}) == 9000
    assert env_int("PORT", 8000, environ={}) == 8000
    with pytest.raises(ImproperlyConfigured, match="PORT='80a' is not a whole number"):
        env_int("PORT", 8000, environ={"PORT": "80a"})
    with pytest.raises(ImproperlyConfigured, match="above the maximum"):
        env_int("PORT", 8000, minimum=1, maximum=65535, environ={"PORT": "70000"})
    with pytest.raises(ImproperlyConfigured, match="below the minimum"):
        env_int("PORT", 8000, minimum=1, environ={"PORT": "0"})


def test_env_list_splits_on_commas_and_refuses_empty_items():
    assert env_list("ALLOWED_HOSTS", environ={"ALLOWED_HOSTS": "a.com, b.com"}) == [
        "a.com",
        "b.com",
    ]
    assert env_list("ALLOWED_HOSTS", environ={}) == []
    with pytest.raises(ImproperlyConfigured, match="empty item"):
        env_list("ALLOWED_HOSTS", environ={"ALLOWED_HOSTS": "a.com,,b.com"})


def test_env_str_strips_and_defaults():
    assert env_str("SECRET_KEY", "dflt", environ={"SECRET_KEY": "  s3cret "}) == "s3cret"
    assert env_str("SECRET_KEY", "dflt", environ={}) == "dflt"


def test_env_url_accepts_known_schemes():
    url = "postgres://u:p@db:5432/socialops"
    assert env_url("DATABASE_URL", ("postgres",), environ={"DATABASE_URL": url}) == url
    assert env_url("DATABASE_URL", ("postgres",), environ={}) == ""


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("mysql://db/socialops", "must start with one of postgres://"),
        ("localhost:5432", "must start with one of"),
        ("postgres://db:port/socialops", "invalid port"),
        ("postgres://", "names no host"),
    ],
)
def test_env_url_refuses_malformed_urls(raw, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        env_url("DATABASE_URL", ("postgres",), environ={"DATABASE_URL": raw})


def test_env_decimal_parses_and_refuses_junk():
    from decimal import Decimal

    from socialops.env import env_decimal

    assert env_decimal("FLOOR", "0", environ={"FLOOR": "1.50"}) == Decimal("1.50")
    assert env_decimal("FLOOR", "0", environ={}) == Decimal("0")
    with pytest.raises(ImproperlyConfigured, match="FLOOR='1,5' is not a decimal number"):
        env_decimal("FLOOR", "0", environ={"FLOOR": "1,5"})
