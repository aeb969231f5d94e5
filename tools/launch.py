"""Start `streamlit run dashboard/app.py` on a database, wait until it answers, stop it after:
the one app launcher of the tests, the benchmarks and the screenshots. Also HAProxy in front of
several of them, with deploy/start's configuration (sticky sessions, WebSocket, health checks)."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
DEPLOY_START = ROOT / "deploy" / "start"


def _wait_for(ready: Callable[[], bool], proc: subprocess.Popen[bytes], log: IO[bytes],
              timeout: float, every: float, failed: str) -> None:
    """Until `ready()` (an OSError meaning not yet); RuntimeError with the end of the process's
    log when it exits or `timeout` passes first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if ready():
                return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            raise RuntimeError(f"{failed}:\n" + log.read().decode(errors="replace")[-3000:])
        time.sleep(every)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate a process, killing it when it does not end within 15 s."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def free_ports(count: int) -> int:
    """The first of `count` consecutive TCP ports nobody listens on right now (deploy/start's
    --first-port). Taken below Linux's ephemeral range (32768 up), where neither an outgoing
    connection nor another `free_port()` lands, so the ports after the first stay free."""
    rng = random.Random()
    for _ in range(200):
        first = rng.randrange(20000, 32768 - count)
        try:
            with ExitStack() as held:
                for port in range(first, first + count):
                    s = held.enter_context(socket.socket())
                    s.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
    raise RuntimeError(f"no {count} consecutive free ports between 20000 and 32767")


@dataclass(frozen=True)
class App:
    """A running dashboard: its base URL and its server process."""

    url: str
    process: subprocess.Popen[bytes]


@contextmanager
def started_app(db_path: Path | str, port: int | None = None, *, timeout: float = 60,
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
    def healthy() -> bool:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return bool(r.status == 200)

    try:
        _wait_for(healthy, proc, log, timeout, 0.3, "The dashboard did not start")
        yield App(url, proc)
    finally:
        _stop(proc)
        log.close()


@contextmanager
def running_app(db_path: Path | str, port: int | None = None, *, timeout: float = 60,
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


# --- HAProxy in front of several dashboards ----------------------------------------------------

def deploy_start() -> ModuleType:
    """deploy/start as a module (a script without a .py suffix): its haproxy_config and
    servers_state."""
    name = "lekgotla_deploy_start"
    if name not in sys.modules:
        loader = importlib.machinery.SourceFileLoader(name, str(DEPLOY_START))
        spec = importlib.util.spec_from_loader(name, loader)
        assert spec is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up there
        loader.exec_module(module)
    return sys.modules[name]


def haproxy_binary() -> str | None:
    """Debian's haproxy (in /usr/sbin, which a user's PATH may lack), or None."""
    found = shutil.which("haproxy") or "/usr/sbin/haproxy"
    return found if Path(found).exists() else None


@dataclass(frozen=True)
class Proxy:
    """A running HAProxy: the URL users open (http://localhost:PORT) and its admin socket."""

    url: str
    stats_socket: Path
    process: subprocess.Popen[bytes]

    def servers(self) -> dict[str, str]:
        """Each dashboard's status as the proxy sees it: {"app1": "UP", …}."""
        return dict(deploy_start().servers_state(self.stats_socket))


@contextmanager
def running_proxy(app_ports: list[int], folder: Path, port: int | None = None, *,
                  timeout: float = 30) -> Iterator[Proxy]:
    """HAProxy on 127.0.0.1:`port` (a free one by default) in front of the dashboards on
    127.0.0.1:`app_ports` (`app1`, `app2`, … in that order), configured as deploy/start does;
    yields it once every dashboard is UP, stops it after. `folder` takes its configuration and
    admin socket."""
    haproxy = haproxy_binary()
    if haproxy is None:
        raise RuntimeError("HAProxy is not installed (Debian: apt-get install haproxy)")
    port = port or free_port()
    stats_socket = folder / "haproxy.sock"
    config = folder / "haproxy.cfg"
    config.write_text(deploy_start().haproxy_config(app_ports, f"127.0.0.1:{port}",
                                                    stats_socket=str(stats_socket),
                                                    errors=str(ROOT / "deploy")),
                      encoding="utf-8")
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([haproxy, "-W", "-db", "-f", str(config)], stdout=log,
                            stderr=subprocess.STDOUT)
    proxy = Proxy(f"http://localhost:{port}", stats_socket, proc)
    def all_up() -> bool:
        states = proxy.servers()
        return bool(states) and set(states.values()) == {"UP"}

    try:
        _wait_for(all_up, proc, log, timeout, 0.2,
                  "HAProxy did not start, or a dashboard is not UP behind it")
        yield proxy
    finally:
        _stop(proc)
        log.close()
