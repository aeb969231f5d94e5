"""The dashboard reads Lekgotla's settings from the secrets files Streamlit was given
(`--secrets.files`, as deploy/start and the systemd unit pass them), as it reads its [auth]."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit import config

from dashboard import startup
from ingest import settings


def test_the_dashboard_reads_its_settings_from_the_secrets_files_streamlit_was_given(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[lekgotla]\nrequire_login = true\n', encoding="utf-8")
    monkeypatch.delenv("LEKGOTLA_REQUIRE_LOGIN", raising=False)
    monkeypatch.delenv(settings.SECRETS_FILES, raising=False)
    before = (config.get_option("secrets.files"), config.get_where_defined("secrets.files"))
    config.set_option("secrets.files", [str(tmp_path / "missing.toml"), str(secrets)],
                      where_defined="command-line")
    try:
        startup.secrets_as_streamlit_reads_them()
        assert os.environ[settings.SECRETS_FILES] == str(secrets)  # the files that exist
        assert settings.get("require_login") is True
    finally:
        config.set_option("secrets.files", before[0], where_defined=before[1])
        os.environ.pop(settings.SECRETS_FILES, None)
