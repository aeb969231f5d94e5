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
    # the ops review: each was taken, and Upload failed with Streamlit's redacted error
    ("MAX_UPLOAD_MB", "-5", "Setting 'max_upload_mb' must be at least 1, not -5."),
    ("MAX_UPLOAD_MB", "0", "Setting 'max_upload_mb' must be at least 1, not 0."),
    ("READ_TIMEOUT_S", "-1", "Setting 'read_timeout_s' must be at least 1, not -1."),
    ("READ_MEMORY_MB", "0", "Setting 'read_memory_mb' must be at least 16, not 0."),
    ("MAX_UNCOMPRESSED_MB", "0", "Setting 'max_uncompressed_mb' must be at least 1, not 0."),
    # 100,000 threads took every connection the shared catalog had, for every dashboard
    ("THREADS", "100000", "Setting 'threads' may be at most "),
    # the key the operator edits is named, and a huge number is echoed as written
    ("ON_TIME_DAY", "99999999999999999999",
     "On time day (on_time_day) must be a day from 1 to 28 (every month has it), not "
     "99,999,999,999,999,999,999."),
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


@pytest.mark.parametrize(("written", "said"), [
    ("on_time_day = 7.5", "Setting 'on_time_day' has the value 7.5, which is not a whole number."),
    ("red_slip_days = true", "Setting 'red_slip_days' has the value True, which is not a whole number."),
])
def test_a_secrets_value_of_another_kind_is_not_rounded_into_a_setting(
        written: str, said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # TOML's 7.5 and true were read as 7 and 1 without a word (the ops review)
    monkeypatch.delenv("LEKGOTLA_ON_TIME_DAY", raising=False)
    monkeypatch.delenv("LEKGOTLA_RED_SLIP_DAYS", raising=False)
    monkeypatch.setenv(settings.SECRETS_FILES, str(_secrets(tmp_path / "s.toml",
                                                            f"[lekgotla]\n{written}\n")))
    with pytest.raises(SettingsError) as refused:
        settings.check_all()
    assert refused.value.message.startswith(said)


def test_a_name_that_is_no_setting_is_said_with_the_one_it_may_mean(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # a misspelt name is ignored, so backups went to the default folder without a word
    for variable in [v for v in os.environ if v.startswith("LEKGOTLA_")]:
        if variable not in settings.OTHER_VARIABLES:
            monkeypatch.delenv(variable)
    monkeypatch.setenv("LEKGOTLA_BACKUP_DIRR", "/mnt/x")
    monkeypatch.setenv("LEKGOTLA_CHROMIUM", "/usr/bin/chromium")  # read by the PDF: no warning
    monkeypatch.setenv(settings.SECRETS_FILES, str(_secrets(
        tmp_path / "s.toml", '[lekgotla]\nbackup_dirr = "/mnt/x"\nflavour = 1\non_time_day = 7\n')))
    assert settings.unknown_names() == [
        "The environment variable LEKGOTLA_BACKUP_DIRR names no setting and is ignored: did you "
        "mean LEKGOTLA_BACKUP_DIR? (docs/settings.md lists them)",
        "The key 'backup_dirr' under [lekgotla] in the secrets file names no setting and is "
        "ignored: did you mean backup_dir? (docs/settings.md lists them)",
        "The key 'flavour' under [lekgotla] in the secrets file names no setting and is ignored "
        "(docs/settings.md lists the settings)."]
    # every command says so on stderr and goes on
    from ingest.cli import main

    capsys.readouterr()
    assert main(["validate", str(tmp_path / "none.xlsx")]) == 2  # no such file: usage error
    assert "warning: The environment variable LEKGOTLA_BACKUP_DIRR names no setting" in (
        capsys.readouterr().err)
