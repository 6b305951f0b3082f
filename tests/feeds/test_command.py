"""`manage.py export_feed CHANNEL --format ... [--output FILE] [--validate]`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from campaigns.feeds.formats import FORMATS
from campaigns.feeds.validate import read_rows

pytestmark = pytest.mark.django_db


def _export(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("export_feed", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("key", sorted(FORMATS))
def test_exports_each_format_to_stdout_by_channel_name(catalog, key):
    out, err = _export(catalog.channel.name, "--format", key, "--validate")
    fmt = FORMATS[key]
    assert len(read_rows(fmt, out)) == len(catalog.sellable)
    assert err == ""


def test_exports_to_a_file_by_channel_id_in_the_networks_format(catalog, tmp_path):
    target = tmp_path / "feed.csv"
    out, _err = _export(str(catalog.channel.pk), "--output", str(target))
    assert out == ""
    rows = read_rows(FORMATS["meta"], target.read_text(encoding="utf-8"))  # Instagram: Meta
    assert {r["id"] for r in rows} == {s.code for s in catalog.sellable}


def test_validate_lists_problems_on_stderr_and_exits_non_zero(catalog):
    catalog.sold_out.product.attributes = {}
    catalog.sold_out.product.save()
    with pytest.raises(SystemExit) as exit_:
        _export(catalog.channel.name, "--format", "pinterest", "--validate")
    assert exit_.value.code == 1
    out, err = _export(catalog.channel.name, "--format", "pinterest")  # without --validate: 0
    assert "LIP-RED\timage_link\tPinterest requires image_link." in err
    assert "1 problem(s) in the pinterest feed." in err
    assert "LIP-RED" in out


def test_unknown_channel_is_a_clear_error(catalog):
    with pytest.raises(CommandError, match="No channel with id or name 'Nope'"):
        _export("Nope")
