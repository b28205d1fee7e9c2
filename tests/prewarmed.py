"""``python main.py`` and ``checkov`` as a new process per run, without paying their imports
every time.

A failing ``python main.py`` spends nearly all of its ~0.4 s starting Python and importing the
config model (pydantic builds its validators at import). ``PrewarmedMain`` starts one
interpreter that imports what ``main.py`` imports (``dualstack.cli``: the loader and the model,
not cdktf) and then, for every run, forks a child that does what ``python main.py`` does from
there on: a new session (its own process group), the memory cap, the run's working directory,
environment and standard streams, ``sys.argv == ["main.py"]`` and the repo root first on
``sys.path``, then ``main.py`` itself as ``__main__``. Its exit code is the process's: the code
of ``SystemExit``, or 1 with the traceback on stderr for any other exception, as Python does.

Each child starts from the state of the prewarmed interpreter, never from an earlier run's.
What this does not exercise, the interpreter's own start and the imports, the few ``python
main.py`` runs of test_cli.py and test_fastimport.py do in a fresh process.

``PrewarmedCheckov`` does the same for the locked Checkov (its import is 3 s of every run), as
an executable that tools/checkov_scan.py and the Kubernetes scan run like the real one.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthhelp import REPO, load_tool

_RUN_AND_EXIT = r"""
import os, sys, traceback

# Run main() and end this (forked) process as Python ends after a script: the code of
# SystemExit, 0 on return, or 1 with the traceback on stderr; the streams flushed.
def run_and_exit(main):
    code = 1
    try:
        try:
            main()
            code = 0
        except SystemExit as exc:
            if exc.code is None or isinstance(exc.code, int):
                code = exc.code or 0
            else:
                print(exc.code, file=sys.stderr)
                code = 1
        except BaseException:
            traceback.print_exc()
            code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(code)
"""

_SERVER = (
    _RUN_AND_EXIT
    + r"""
import json, resource, runpy

sys.path[0] = os.getcwd()  # python main.py puts the script's folder first
import dualstack.cli  # what main.py imports; loaded once, here

def child(request):
    def main():
        os.setsid()
        cap = request["memory_cap"]
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        for fd, path, flags in (
            (0, os.devnull, os.O_RDONLY),
            (1, request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
            (2, request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
        ):
            opened = os.open(path, flags, 0o644)
            os.dup2(opened, fd)
            os.close(opened)
        sys.argv = ["main.py"]
        runpy.run_path("main.py", run_name="__main__")

    run_and_exit(main)

print("ready", flush=True)
for line in sys.stdin:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        child(request)
    print(json.dumps({"pid": pid}), flush=True)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"exit": os.waitstatus_to_exitcode(status)}), flush=True)
"""
)


@dataclass(frozen=True)
class Finished:
    returncode: int | None
    """None when the run was killed for taking longer than its timeout."""
    seconds: float


class PrewarmedMain:
    """One prewarmed interpreter; ``run`` one ``python main.py`` at a time. ``env`` is the
    environment the interpreter starts with (what Python reads at start-up comes from it)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self._log = log
        with log.open("w") as stderr:
            self._proc = subprocess.Popen(
                [sys.executable, "-c", _SERVER],
                cwd=REPO,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
            )
        self._pending = b""
        if self._reply(120.0) != "ready":
            raise RuntimeError(f"the prewarmed interpreter did not start:\n{log.read_text()[-3000:]}")

    def _reply(self, timeout: float) -> Any:
        """The next line the interpreter writes, parsed; None if none comes within ``timeout``."""
        assert self._proc.stdout is not None
        deadline = time.monotonic() + timeout
        while b"\n" not in self._pending:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._proc.stdout], [], [], left)[0]:
                return None
            chunk = os.read(self._proc.stdout.fileno(), 4096)
            if not chunk:
                raise RuntimeError(f"the prewarmed interpreter exited:\n{self._log.read_text()[-3000:]}")
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        return line.decode() if line == b"ready" else json.loads(line)

    def run(
        self, *, env: dict[str, str], stdout: Path, stderr: Path, timeout: float, memory_cap: int
    ) -> Finished:
        """``python main.py`` in ``REPO`` with ``env``, its output in the files ``stdout`` and
        ``stderr``; killed (its whole process group) once it runs past ``timeout``."""
        assert self._proc.stdin is not None
        request = {
            "env": env,
            "cwd": str(REPO),
            "stdout": str(stdout),
            "stderr": str(stderr),
            "memory_cap": memory_cap,
        }
        start = time.monotonic()
        self._proc.stdin.write(json.dumps(request).encode() + b"\n")
        self._proc.stdin.flush()
        started = self._reply(30.0)
        if started is None:
            raise RuntimeError(f"the prewarmed interpreter did not fork:\n{self._log.read_text()[-3000:]}")
        finished = self._reply(max(timeout - (time.monotonic() - start), 0.0))
        if finished is not None:
            return Finished(finished["exit"], time.monotonic() - start)
        os.killpg(started["pid"], signal.SIGKILL)  # the child's own group (it called setsid)
        if self._reply(30.0) is None:
            raise RuntimeError("the prewarmed interpreter did not reap a killed run")
        return Finished(None, time.monotonic() - start)

    def close(self) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        try:
            self._proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


# --- Checkov ------------------------------------------------------------------------------------

_RUNNER = load_tool("checkov_scan")

CHECKOV: Path = _RUNNER.DEFAULT_CHECKOV
"""The locked Checkov (``make install`` builds .checkov-venv from tools/checkov/requirements.txt)."""

CHECKOV_ENV: dict[str, str] = {**_RUNNER.OFFLINE_ENV, "LOG_LEVEL": _RUNNER.LOG_LEVEL}
"""What every Checkov run of the tests has in its environment, as tools/checkov_scan.py sets it
(offline, no update check, its log level): the prewarmed interpreter starts with it, so the
runner's runs are forked from it."""

_PER_RUN = frozenset({"HOME", "PYTEST_CURRENT_TEST", "COLUMNS", "LINES"})
"""Variables a run may set differently from the prewarmed interpreter and still be forked from
it. Checkov reads ``HOME`` when it runs (for ``~/.checkov.yaml``), not when it is imported;
neither it nor what it imports reads the others (pytest sets them, per test and terminal)."""

_CHECKOV_SERVER = (
    _RUN_AND_EXIT
    + r"""
import json, socket, warnings

socket_path, real, per_run = sys.argv[1], sys.argv[2], set(sys.argv[3].split(","))
started_with = {k: v for k, v in os.environ.items() if k not in per_run}
with warnings.catch_warnings():  # as the checkov entry point does
    warnings.simplefilter("ignore", category=SyntaxWarning)
    from checkov.main import Checkov

def child(request, fds):
    def main():
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        env = request["env"]
        argv = [real, *request["args"]]
        kept = {k: v for k, v in env.items() if k not in per_run}
        if kept != started_with:
            differs = sorted({k for k, _ in set(kept.items()) ^ set(started_with.items())})
            print(f"fresh checkov (environment differs: {differs})", file=log, flush=True)
            os.execve(real, argv, env)  # imported with another environment: a fresh process
        print(f"prewarmed checkov {' '.join(request['args'])}", file=log, flush=True)
        os.environ.clear()
        os.environ.update(env)
        sys.argv = argv
        with warnings.catch_warnings():  # what the checkov entry point runs
            warnings.simplefilter("ignore", category=SyntaxWarning)
            sys.exit(Checkov(argv=request["args"]).run())  # its default argv is read at import

    run_and_exit(main)

log = os.fdopen(os.dup(2), "w")  # the children's fd 2 is their run's stderr
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(socket_path)
server.listen(8)
print("ready", flush=True)
while True:
    conn, _ = server.accept()
    fds = []
    try:
        data, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
        while not data.endswith(b"\n"):
            chunk = conn.recv(1 << 20)
            if not chunk:
                raise ValueError("the client sent no whole request")
            data += chunk
        request = json.loads(data)
        if len(fds) != 3:
            raise ValueError(f"the client sent {len(fds)} file descriptors, not 3")
        pid = os.fork()
        if pid == 0:
            server.close()
            conn.close()
            child(request, fds)
        for fd in fds:  # the child has them
            os.close(fd)
        fds = []
        _, status = os.waitpid(pid, 0)
        conn.sendall(json.dumps({"exit": os.waitstatus_to_exitcode(status)}).encode() + b"\n")
    except (OSError, ValueError) as exc:  # a client gone (killed on a timeout, say): serve the next
        print(f"request failed: {exc!r}", file=log, flush=True)
    finally:
        for fd in fds:
            os.close(fd)
        conn.close()
"""
)

_CHECKOV_CLIENT = """\
#!{python} -IS
# `checkov` for the tests: the scan runs in a child of the prewarmed interpreter at {socket},
# with this process's arguments, working directory, environment and standard streams.
import json, os, socket, sys

sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.connect({socket!r})
request = {{"args": sys.argv[1:], "cwd": os.getcwd(), "env": dict(os.environ)}}
socket.send_fds(sock, [json.dumps(request).encode() + b"\\n"], [0, 1, 2])
reply = b""
while not reply.endswith(b"\\n"):
    chunk = sock.recv(4096)
    if not chunk:
        sys.exit("prewarmed checkov: the interpreter closed the connection")
    reply += chunk
sys.exit(json.loads(reply)["exit"])
"""

_PYTHON_SHIM = '#!/bin/sh\nexec {python} "$@"\n'


class PrewarmedCheckov:
    """A ``checkov`` executable, ``self.executable``, whose every run is a child forked from one
    interpreter of the locked Checkov venv that has already imported Checkov (about 3 s of each
    run's start). The child takes the run's arguments, working directory, environment and
    standard streams, then does what the ``checkov`` entry point does; its exit code is the
    run's. A run whose environment differs from the interpreter's beyond ``HOME`` and pytest's
    per-test variables execs the real ``checkov`` instead, since Checkov reads some variables
    when it is imported. The interpreter outlives a client killed on a timeout.
    Beside it, ``python`` is the venv's Python, as beside the real one (tools/checkov_scan.py
    asks it which types Checkov checks)."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        python = CHECKOV.parent / "python"
        socket_path = folder / "checkov.sock"
        self.log = folder / "server.log"
        with self.log.open("w") as stderr:
            self._proc = subprocess.Popen(
                [
                    str(python),
                    "-c",
                    _CHECKOV_SERVER,
                    str(socket_path),
                    str(CHECKOV),
                    ",".join(sorted(_PER_RUN)),
                ],
                cwd=folder,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=stderr,
            )
        assert self._proc.stdout is not None
        if (
            not select.select([self._proc.stdout], [], [], 120.0)[0]
            or self._proc.stdout.readline() != b"ready\n"
        ):
            self.close()
            raise RuntimeError(f"the prewarmed Checkov did not start:\n{self.log.read_text()[-3000:]}")
        self.executable = folder / "checkov"
        self.executable.write_text(_CHECKOV_CLIENT.format(python=python, socket=str(socket_path)))
        (folder / "python").write_text(_PYTHON_SHIM.format(python=python))
        for path in (self.executable, folder / "python"):
            path.chmod(0o755)

    def close(self) -> None:
        self._proc.kill()
        self._proc.wait()
