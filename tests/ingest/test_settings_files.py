"""Where settings come from: the secrets files. A deployment names its own (`--secrets.files` for
the dashboard, `LEKGOTLA_SECRETS_FILES` for every command); a `require_login` or `admin_emails`
written there must not be ignored."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest import settings
from ingest.errors import SettingsError


def _secrets(path: Path, body: str) -> Path:
    path.write_text(body, encoding="utf-8")
    return path


def test_the_named_secrets_files_are_read_a_later_one_over_an_earlier(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _secrets(tmp_path / "a.toml", '[lekgotla]\nrequire_login = true\non_time_day = 9\n')
    second = _secrets(tmp_path / "b.toml", '[lekgotla]\non_time_day = 12\n[auth]\nx = "y"\n')
    for name in ("LEKGOTLA_REQUIRE_LOGIN", "LEKGOTLA_ON_TIME_DAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(settings.SECRETS_FILES, os.pathsep.join([str(first), str(second)]))
    assert settings.get("require_login") is True
    assert settings.get("on_time_day") == 12
    assert settings.source_of("require_login") == "secrets"


def test_a_named_secrets_file_that_is_missing_is_an_error_not_silence(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEKGOTLA_REQUIRE_LOGIN", raising=False)
    monkeypatch.setenv(settings.SECRETS_FILES, str(tmp_path / "gone.toml"))
    with pytest.raises(SettingsError, match="LEKGOTLA_SECRETS_FILES names .*gone.toml, which is not a file"):
        settings.get("require_login")


@pytest.mark.parametrize(("name", "value", "said"), [
    ("S3_URL_STYLE", "x", "Setting 's3_url_style' must be vhost or path, not 'x'."),
    ("MAX_ROWS", "0", "Setting 'max_rows' must be at least 1, not 0."),
])
def test_a_setting_the_store_or_every_report_cannot_use_stops_the_start(
        name: str, value: str, said: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # they passed: the store got an S3 URL style it does not know, and every report was refused
    from ingest.errors import SettingsError
    from ingest.settings import check_all

    monkeypatch.setenv(f"LEKGOTLA_{name}", value)
    with pytest.raises(SettingsError) as refused:
        check_all()
    assert said in refused.value.message
