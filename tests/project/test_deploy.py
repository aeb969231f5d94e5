"""deploy/: the proxy configuration the systemd units use is the one deploy/start generates (and
the tests run), and the units start what deploy/start starts."""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from testdata import ROOT

from tools.launch import deploy_start

DEPLOY = ROOT / "deploy"


def test_deploy_haproxy_cfg_is_what_deploy_start_generates() -> None:
    # regenerate: deploy/start --print-haproxy-config --address '*' --port 80 \
    #   --stats-socket /run/lekgotla-proxy/admin.sock > deploy/haproxy.cfg
    expected = deploy_start().haproxy_config([8601, 8602], "*:80",
                                             stats_socket="/run/lekgotla-proxy/admin.sock",
                                             errors="/etc/lekgotla")
    assert (DEPLOY / "haproxy.cfg").read_text(encoding="utf-8") == expected


def test_the_instance_unit_runs_the_command_deploy_start_runs() -> None:
    unit = (DEPLOY / "systemd" / "lekgotla@.service").read_text(encoding="utf-8")
    exec_start = unit.split("ExecStart=", 1)[1].split("\n\n", 1)[0]
    exec_start = exec_start.split("\nRestart=", 1)[0].replace("\\\n", " ")
    words = shlex.split(exec_start)
    script = deploy_start().instance_command("PY", 8601, "localhost", 8600, None)
    # the same Streamlit options, apart from the address people open (config.toml's there)
    options = {w for w in script[3:] if w.startswith("--")} - {"--browser.serverAddress",
                                                              "--browser.serverPort"}
    assert options <= set(words)
    assert "--secrets.files" in words and "%i" in words


def test_deploy_start_refuses_a_redirect_uri_that_is_not_the_proxys(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every dashboard reads one secrets file; the login comes back through the proxy only if
    its redirect_uri names the proxy."""
    check = deploy_start().check_secrets
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\n'
                       'cookie_secret = "x"\n', encoding="utf-8")
    with pytest.raises(SystemExit, match="http://localhost:8600/oauth2callback"):
        check(secrets, "http://localhost:8600")
    check(secrets, "http://localhost:8501/")  # the address people open: accepted
    secrets.write_text('[lekgotla]\nrequire_login = false\n', encoding="utf-8")
    check(secrets, "http://localhost:8600")  # no [auth]: demo mode, nothing to check, but said
    check(tmp_path / "missing.toml", "http://localhost:8600")
    # everyone who opens a demo-mode deployment is an admin: the operator is told so (ops review)
    said = capsys.readouterr().err
    assert said.count("deploy/start: warning: no login is configured") == 2
    assert "acts as the demo user, an admin unless they choose another role" in said


def test_the_notify_cron_line_reads_the_units_environment_and_logs_without_a_folder(
        tmp_path: Path) -> None:
    import subprocess

    # the cron line's command, the notify run replaced by an echo of what it would be given, run as
    # cron runs it (sh), /etc/lekgotla moved under tmp_path, with a logger that keeps what it is
    # given: the systemd units' environment files are read (a value with spaces kept whole, as
    # systemd keeps it), and nothing it writes to has to be created first
    line = next(row for row in (DEPLOY / "lekgotla-notify.cron").read_text().splitlines()
                if row and not row.startswith("#"))
    assert line.startswith("30 7 * * * lekgotla ")
    command = line.split(None, 6)[6]
    notify = "cd /opt/lekgotla && .venv/bin/python -m metrics notify"
    assert notify in command
    etc = tmp_path / "etc"
    etc.mkdir()
    command = command.replace("/etc/lekgotla", str(etc)).replace(
        notify, 'echo "$LEKGOTLA_DB|$LEKGOTLA_PUBLIC_URL|$LEKGOTLA_SMTP_PASSWORD"')
    kept = tmp_path / "logged.txt"
    logger = tmp_path / "bin" / "logger"
    logger.parent.mkdir()
    logger.write_text(f'#!/bin/sh\necho "$@" >> {kept}\ncat >> {kept}\n')
    logger.chmod(0o755)

    def cron() -> str:
        kept.write_text("")
        result = subprocess.run(["sh", "-c", command], env={"PATH": f"{logger.parent}:/usr/bin:/bin"},
                                capture_output=True, text=True, check=False)
        assert (result.returncode, result.stderr) == (0, "")
        return kept.read_text()

    # no lekgotla.env: the run stops there and the log says why (no fall back to data/)
    logged = cron()
    assert logged.startswith("-t lekgotla-notify\n") and "lekgotla.env" in logged
    assert "|" not in logged  # the notify run never started
    # a value with spaces in double quotes, a comment, and the last line without its newline
    (etc / "lekgotla.env").write_text(
        '# the store\nLEKGOTLA_DB="ducklake:postgres:dbname=lekgotla host=/var/run/postgresql '
        'user=lekgotla"\nLEKGOTLA_PUBLIC_URL=https://lekgotla.example.org')
    assert cron() == ("-t lekgotla-notify\nducklake:postgres:dbname=lekgotla "
                      "host=/var/run/postgresql user=lekgotla|https://lekgotla.example.org|\n")
    # a password with a $ in single quotes: taken as written, by systemd and the shell alike
    (etc / "smtp.env").write_text("LEKGOTLA_SMTP_PASSWORD='s3cret $not expanded'\n")
    assert cron().endswith("|https://lekgotla.example.org|s3cret $not expanded\n")
    # the shipped file as it is installed: its store whole, its commented-out settings left out
    (etc / "lekgotla.env").write_text((DEPLOY / "systemd" / "lekgotla.env").read_text())
    (etc / "smtp.env").unlink()
    assert cron() == ("-t lekgotla-notify\nducklake:postgres:dbname=lekgotla "
                      "host=/var/run/postgresql user=lekgotla||\n")


def test_every_instance_is_given_the_address_people_open(tmp_path: Path) -> None:
    # the links in the messages a dashboard sends point to public_url (default localhost:8501)
    start = deploy_start()
    secrets = tmp_path / "secrets.toml"
    assert start.public_address(None, {}, secrets, 8600) == "http://localhost:8600"  # no file
    secrets.write_text('[lekgotla]\npublic_url = "https://stored.example.org/"\n', encoding="utf-8")
    assert start.public_address(None, {}, secrets, 8600) == "https://stored.example.org"
    environ = {"LEKGOTLA_PUBLIC_URL": "https://env.example.org"}
    assert start.public_address(None, environ, secrets, 8600) == "https://env.example.org"
    assert start.public_address("https://given.example.org/", environ, secrets,
                                8600) == "https://given.example.org"
    env = start.instances_env({"LEKGOTLA_PUBLIC_URL": "http://old", "PATH": "/bin"},
                              "https://lekgotla.example.org", 2)
    assert (env["LEKGOTLA_PUBLIC_URL"], env["PATH"]) == ("https://lekgotla.example.org", "/bin")


def test_deploy_start_writes_the_environment_the_command_line_needs(tmp_path: Path) -> None:
    """The command line sourcing STATE/lekgotla.env backs up where the dashboards look: their
    backup folder is beside the data path deploy/start gave them (STATE/lake/ -> STATE/backups);
    without it, the command line's folder is the project's data/backups."""
    state = tmp_path / "state dir"  # a space: the values are quoted for the shell
    state.mkdir()
    env_file = state / "lekgotla.env"
    store = "ducklake:postgres:dbname=lekgotla host=/srv/run port=5433 password=s3cret"
    deploy_start().write_cli_env({"LEKGOTLA_DB": store, "LEKGOTLA_DATA_PATH": f"{state}/lake/",
                                  "PATH": "/usr/bin"}, env_file)
    assert env_file.stat().st_mode & 0o777 == 0o600  # the db setting may hold a password
    assert "PATH=" not in env_file.read_text(encoding="utf-8").replace("DATA_PATH=", "")
    ask = ("from ingest import settings; print(settings.database()); "
           "print(settings.backup_dir())")
    clean = {k: v for k, v in os.environ.items()
             if k not in ("LEKGOTLA_DB", "LEKGOTLA_DATA_PATH", "LEKGOTLA_BACKUP_DIR")}
    sourced = subprocess.run(
        ["bash", "-c", 'set -a; . "$1"; set +a; exec "$2" -c "$3"', "-", str(env_file),
         sys.executable, ask], capture_output=True, text=True, env=clean, cwd=ROOT, check=True)
    assert sourced.stdout.splitlines() == [store, str(state / "backups")]
    bare = subprocess.run([sys.executable, "-c", ask], capture_output=True, text=True,
                          env={**clean, "LEKGOTLA_DB": store}, cwd=ROOT, check=True)
    assert bare.stdout.splitlines() == [store, str(ROOT / "data" / "backups")]


def test_the_systemd_environment_file_reads_the_same_in_a_shell() -> None:
    """deployment.md has the command line source /etc/lekgotla/lekgotla.env: a value with spaces
    must be quoted, or the shell keeps only its first word ('…dbname=lekgotla')."""
    read = subprocess.run(["bash", "-c", 'set -a; . "$1"; set +a; echo "$LEKGOTLA_DB"', "-",
                           str(DEPLOY / "systemd" / "lekgotla.env")],
                          capture_output=True, text=True, check=True, env={"PATH": "/usr/bin:/bin"})
    assert read.stdout.strip() == ("ducklake:postgres:dbname=lekgotla host=/var/run/postgresql "
                                   "user=lekgotla")


def test_the_environment_file_and_deployment_doc_agree() -> None:
    """The region variable is the one deployment.md names; no install step the lake extra already
    does; every program the systemd recipe uses is installed by it, and the project is put in
    /opt/lekgotla before it is handed to the lekgotla user."""
    env = (DEPLOY / "systemd" / "lekgotla.env").read_text(encoding="utf-8")
    guide = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    assert "# AWS_REGION=" in env and "AWS_DEFAULT_REGION" not in env
    assert "`AWS_REGION`" in guide
    assert "pip install" not in env
    assert "apt-get install -y socat" in guide
    recipe = guide.split("### As services (systemd)", 1)[1]
    assert recipe.index("/opt/lekgotla/.venv/bin/pip install") < recipe.index("chown -R lekgotla: /opt/lekgotla")


def test_deploy_start_names_what_holds_a_port_it_needs() -> None:
    # a dashboard or HAProxy left from an earlier start answered the new start's health checks
    # (the ops review): the start refuses, naming the process
    taken = deploy_start().ports_taken
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        [said] = taken("127.0.0.1", [port])
        assert said.startswith(f"{port}: process {os.getpid()} (")
        assert taken("*", [port]) == [said]  # the proxy's '*': every address
    assert taken("127.0.0.1", [port]) == []  # let go: free again


CHILD = """
import os, signal, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from tools.launch import deploy_start
start = deploy_start()
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})  # as supervise does
child = start.spawn("sleeper", ["sleep", "120"], Path(sys.argv[2]))
time.sleep(0.5)
status = Path(f"/proc/{child.process.pid}/status").read_text()
print(child.process.pid, [l.split()[1] for l in status.splitlines() if l.startswith("SigBlk")][0],
      flush=True)
os._exit(0)  # dies as a kill -9 would leave it: no stop() of its children
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_a_dashboard_deploy_start_starts_takes_signals_and_dies_with_it(tmp_path: Path) -> None:
    # a dashboard restarted while supervise held SIGINT and SIGTERM back kept them blocked (it
    # ignored Ctrl-C and kill); and when deploy/start itself died, every child served on
    out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), str(tmp_path / "log")],
                         capture_output=True, text=True, timeout=60, check=True).stdout.split()
    pid, blocked = int(out[0]), int(out[1], 16)
    assert blocked & (1 << (15 - 1) | 1 << (2 - 1)) == 0  # SIGTERM (15) and SIGINT (2) not blocked
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":  # ended; reaped by init
            break
        time.sleep(0.1)
    else:
        os.kill(pid, 9)
        pytest.fail("the child outlived deploy/start")


def test_deploy_start_with_a_bad_setting_starts_nothing_and_says_which(tmp_path: Path) -> None:
    # a dashboard with a bad setting answered its health check, so the proxy called it well and
    # only whoever opened a page read why (the ops review): the start stops first, exit 1
    ports = []
    for _ in range(2):
        with socket.socket() as free:
            free.bind(("127.0.0.1", 0))
            ports.append(free.getsockname()[1])
    env = {**os.environ, "LEKGOTLA_ON_TIME_DAY": "abc", "LEKGOTLA_BACKUP_DIRR": "/mnt/x"}
    done = subprocess.run([sys.executable, str(DEPLOY / "start"), "--state", str(tmp_path / "s"),
                           "--instances", "1", "--port", str(ports[0]),
                           "--first-port", str(ports[1])],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "a setting cannot be used, so nothing was started" in done.stderr
    assert "Setting 'on_time_day' has the value 'abc', which is not a whole number" in done.stderr
    assert not (tmp_path / "s" / "postgres").exists()  # PostgreSQL was not started
    # a name that is no setting is said, the start going on (here it stops at the bad one)
    env["LEKGOTLA_ON_TIME_DAY"] = "7"
    checked = subprocess.run([sys.executable, "-c", deploy_start().CHECK_SETTINGS], env=env,
                             capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert checked.returncode == 0
    assert checked.stderr.strip() == (
        "warning: The environment variable LEKGOTLA_BACKUP_DIRR names no setting and is "
        "ignored: did you mean LEKGOTLA_BACKUP_DIR? (docs/settings.md lists them)")


def test_a_dashboard_left_down_is_said_with_its_own_last_lines(tmp_path: Path) -> None:
    # the log is appended to at each restart: the "left down" message began with an earlier
    # run's lines, and the cause ("Port 8701 is not available") was at its very end
    start = deploy_start()
    log = tmp_path / "instance-1.log"
    log.write_text("an earlier run's traceback\n" * 20)
    child = start.spawn("instance 1", [sys.executable, "-c", "print('Port 8701 is not available')"],
                        log)
    child.process.wait(timeout=60)
    assert start.tail(log, 1000, child.since) == "Port 8701 is not available\n"
    assert start.tail(log, 30).endswith("Port 8701 is not available\n")  # the whole log's end
