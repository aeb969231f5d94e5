"""Start `streamlit run dashboard/app.py` on a database, wait until it answers, stop it after:
the one app launcher of the tests, the benchmarks and the screenshots."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class App:
    """A running dashboard: its base URL and its server process."""

    url: str
    process: subprocess.Popen[bytes]


@contextmanager
def started_app(db_path: Path, port: int | None = None, *, timeout: float = 60,
                secrets: Path | None = None, env: dict[str, str] | None = None,
                address: str | None = None, cwd: Path = ROOT) -> Iterator[App]:
    """`streamlit run dashboard/app.py` with LEKGOTLA_DB on `db_path`, on `port` (a free one by
    default); yields it once `/_stcore/health` answers, stops it after.

    `secrets`: the secrets file to read instead of .streamlit/secrets.toml (login tests); without
    it none is read, so the app runs in demo mode whatever the folder holds. `env`: more
    environment (LEKGOTLA_LOAD_SAMPLE_DATA=false for a database of one's own). `address`: the
    interface to listen on (Streamlit's default, every one, when None). `cwd`: the folder it is
    started from (its .streamlit/config.toml is read from there)."""
    port = port or free_port()
    env = dict(os.environ, LEKGOTLA_DB=str(db_path), **(env or {}))
    command = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
               "--server.headless", "true", "--server.fileWatcherType", "none",
               "--browser.gatherUsageStats", "false",
               "--secrets.files", str(secrets or Path(tempfile.gettempdir()) / "no-secrets.toml")]
    if address is not None:
        command += ["--server.address", address]
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError("The dashboard did not start:\n"
                                   + log.read().decode(errors="replace")[-3000:])
            time.sleep(0.3)
        yield App(url, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@contextmanager
def running_app(db_path: Path, port: int | None = None, *, timeout: float = 60,
                secrets: Path | None = None, env: dict[str, str] | None = None,
                address: str | None = None, cwd: Path = ROOT) -> Iterator[str]:
    """`started_app` yielding only the base URL (`http://127.0.0.1:PORT`)."""
    with started_app(db_path, port, timeout=timeout, secrets=secrets, env=env, address=address,
                     cwd=cwd) as app:
        yield app.url


def auth_secrets(path: Path, app_port: int, idp_url: str) -> Path:
    """A secrets file whose [auth] logs in with the identity provider at `idp_url`."""
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{app_port}/oauth2callback"\n'
        'cookie_secret = "local-test-cookie-secret-0123456789"\n'
        'client_id = "lekgotla"\n'
        'client_secret = "lekgotla-test-secret"\n'
        f'server_metadata_url = "{idp_url}/.well-known/openid-configuration"\n',
        encoding="utf-8")
    return path
