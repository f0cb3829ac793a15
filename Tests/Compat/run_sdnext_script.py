#!/usr/bin/env python3
"""Runs one of SD.Next's cli example scripts (fetched by scripts/fetch-sdnext-cli.sh, never copied here)
unchanged against the server at SDAPI_URL, and turns what the script only logs into an exit status.

    SDAPI_URL=http://127.0.0.1:PORT python3 run_sdnext_script.py .build/sdnext-cli/cli/api-txt2img.py ARGS...

The scripts report a failed call by logging it (or by silently skipping their output), and exit 0 either way,
so this runner exits 1, after the script ends, when any HTTP call the script made answered 400 or more or the
script logged a warning or an error; it prints `runner: ...` lines saying which.

Three scripts name `http://127.0.0.1:7860` in their code instead of reading SDAPI_URL (api-samplers.py,
api-history.py, api-progress.py): calls to that address go to SDAPI_URL instead. api-progress.py polls
forever and runs `sudo shutdown now` once its last job is an hour old: with SDNEXT_SCRIPT_POLLS=N the script
ends after N polls (its pause between polls returns at once), and any `os.system` call is refused and
reported as a failure.
"""

import logging
import os
import sys
import time

import requests

HARD_CODED_URL = "http://127.0.0.1:7860"


class Findings:
    def __init__(self):
        self.lines = []

    def add(self, line):
        print(f"runner: {line}", file=sys.stderr, flush=True)
        self.lines.append(line)


findings = Findings()


def redirect_and_record_requests(base):
    original = requests.sessions.Session.request

    def request(session, method, url, *arguments, **keywords):
        if url.startswith(HARD_CODED_URL):
            url = base.rstrip("/") + url[len(HARD_CODED_URL):]
        response = original(session, method, url, *arguments, **keywords)
        if response.status_code >= 400:
            findings.add(f"{method} {url} answered HTTP {response.status_code}: {response.text[:300]}")
        return response

    requests.sessions.Session.request = request


class WarningRecorder(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)

    def emit(self, record):
        findings.add(f"the script logged {record.levelname}: {record.getMessage()[:300]}")


def bound_polls(polls):
    count = 0

    def sleep(_seconds):
        nonlocal count
        count += 1
        if count >= polls:
            raise SystemExit(0)

    time.sleep = sleep


def refuse_commands():
    def system(command):
        findings.add(f"the script ran a command: {command!r} (refused)")
        return 1

    os.system = system


def run_as_main(script):
    """As `python3 script`; not runpy.run_path, which puts sys.argv[0] back and fails when the script popped
    it (api-history.py does)."""
    with open(script, encoding="utf-8") as file:
        code = compile(file.read(), script, "exec")
    exec(code, {"__name__": "__main__", "__file__": script, "__builtins__": __builtins__})


def main():
    if len(sys.argv) < 2 or "SDAPI_URL" not in os.environ:
        print("usage: SDAPI_URL=URL run_sdnext_script.py SCRIPT [ARGUMENTS...]", file=sys.stderr)
        return 2
    script = sys.argv[1]
    redirect_and_record_requests(os.environ["SDAPI_URL"])
    refuse_commands()
    if "SDNEXT_SCRIPT_POLLS" in os.environ:
        bound_polls(int(os.environ["SDNEXT_SCRIPT_POLLS"]))
    # The scripts' own basicConfig, done first so that theirs (a no-op once the root logger has handlers) does
    # not drop the recorder.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s: %(message)s")
    logging.getLogger().addHandler(WarningRecorder())
    sys.argv = sys.argv[1:]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    status = 0
    try:
        run_as_main(script)
    except SystemExit as exit:
        status = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
    if findings.lines:
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
