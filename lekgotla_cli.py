"""`lekgotla COMMAND …`: one command for every job, on top of `python -m ingest`, `python -m metrics`
and the dashboard.

`lekgotla validate|load|strategy|annotate|template|backup|restore` runs `python -m ingest`'s
command of that name, `lekgotla kpis|actions|export|pack|notify` runs `python -m metrics`'s
(followup.cli: kpis and actions from metrics.cli, export and pack from presentation.cli, which
write files, and notify, which sends the notifications), with the
same arguments, output and exit code; `lekgotla serve [ARGS]` becomes `streamlit run
dashboard/app.py [ARGS]` (the process is replaced, so stopping it stops the dashboard), run from
the project folder (where `.streamlit/` is read). The command list
and its help come from those two parsers, so a command added there is here too.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from importlib.util import find_spec
from pathlib import Path

from followup import cli as metrics_cli
from ingest import cli as ingest_cli

SERVE_HELP = "run the dashboard: streamlit run dashboard/app.py, with any arguments after it"


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, str]:
    """name -> one-line help of an argparse parser's subcommands, in its order."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return {a.dest: a.help or "" for a in action._choices_actions}
    return {}


def commands() -> dict[str, tuple[str, Callable[[list[str]], int]]]:
    """Every command: name -> (help, runner taking the arguments after the name)."""
    table: dict[str, tuple[str, Callable[[list[str]], int]]] = {}
    for name, text in _subcommands(ingest_cli.build_parser()).items():
        table[name] = (text, lambda rest, name=name: ingest_cli.main([name, *rest]))
    for name, text in _subcommands(metrics_cli.build_parser()).items():
        table[name] = (text, lambda rest, name=name: metrics_cli.main([name, *rest]))
    table["serve"] = (SERVE_HELP, serve)
    return table


def app_path() -> Path:
    """The dashboard's `app.py`, found without importing Streamlit."""
    spec = find_spec("dashboard")
    assert spec is not None and spec.submodule_search_locations, "the dashboard package is not installed"
    return Path(next(iter(spec.submodule_search_locations))) / "app.py"


def serve_command(rest: Sequence[str]) -> list[str]:
    """The command `lekgotla serve REST…` runs."""
    return [sys.executable, "-m", "streamlit", "run", str(app_path()), *rest]


def serve(rest: list[str]) -> int:
    """Become the dashboard (this process is replaced, never returns): a signal that stops
    `lekgotla serve` — SIGTERM from systemd or a container, Ctrl+C — stops Streamlit itself. A
    setting that cannot be used stops it here, exit 2, as it stops every command: Streamlit
    would start and answer its health check, and say so only to whoever opens a page."""
    from ingest import settings
    from ingest.errors import SettingsError

    named = rest[rest.index("--secrets.files") + 1] if "--secrets.files" in rest[:-1] else None
    if named and os.path.isfile(named) and settings.SECRETS_FILES not in os.environ:
        # the file Streamlit will read (one that is missing it passes over), as the dashboard does
        os.environ[settings.SECRETS_FILES] = named
    try:
        settings.check_all()
    except SettingsError as e:
        print(f"{e.title}: {e.message}", file=sys.stderr)
        return 2
    settings.warn_unknown()
    command = serve_command(rest)
    # the project folder, so that `.streamlit/config.toml` and `secrets.toml` are read
    os.chdir(app_path().parent.parent)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(command[0], command)
    return 1  # not reached: execv returns only by raising


def usage(table: dict[str, tuple[str, Callable[[list[str]], int]]]) -> str:
    """`lekgotla --help`: every command with its one-line help."""
    width = max(len(n) for n in table)
    lines = ["usage: lekgotla COMMAND [ARGS...]", "",
             "Lekgotla: monthly department status reports in, strategy KPIs out.", "",
             "commands:"]
    lines += [f"  {name:<{width}}  {text}" for name, (text, _run) in table.items()]
    lines += ["", "`lekgotla COMMAND --help` explains one command. `python -m ingest` and "
              "`python -m metrics` run the same commands."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns its exit code (2 for an unknown command, as argparse does)."""
    args = list(sys.argv[1:] if argv is None else argv)
    table = commands()
    if not args:
        print(usage(table), file=sys.stderr)
        return 2
    if args[0] in ("-h", "--help", "help"):
        print(usage(table))
        return 0
    name, rest = args[0], args[1:]
    if name not in table:
        print(f"lekgotla: unknown command {name!r}. Commands: {', '.join(table)}.", file=sys.stderr)
        return 2
    return table[name][1](rest)


if __name__ == "__main__":
    sys.exit(main())
