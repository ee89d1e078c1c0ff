"""Attention Lab for a class: N `streamlit run app.py` replicas behind nginx, in the foreground.

    python deploy/serve_class.py --replicas 4 --port 8080     # what `make serve-class N=4` runs

Replicas listen on 127.0.0.1:BASE .. BASE+N-1 and nginx on 127.0.0.1:PORT, with session affinity
by cookie (deploy/nginx.conf.template says how). Every replica gets the same server.cookieSecret,
generated once into RUN_DIR/cookie_secret. Everything nginx and the replicas write (config, pid,
logs, temp files) is under RUN_DIR (deploy/run/, gitignored); no system configuration is read or
touched. Ctrl-C (or SIGTERM) stops nginx and every replica; the children also get SIGTERM if this
script itself is killed, so nothing is left behind. A replica that dies is reported and left
dead: nginx sends its visitors to the live ones.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "nginx.conf.template"
HOST = "127.0.0.1"  # loopback only: put a TLS-terminating front of your own before exposing it
MAX_REPLICAS = 64


class SetupError(Exception):
    """Something the person running the script can fix; printed as one clear line."""


def find_nginx() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if found is None:
        raise SetupError("nginx is not installed: `make nginx` installs Debian's package (apt-get install nginx)")
    return found


def port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def cookie_secret(run_dir: Path) -> str:
    """One secret for every replica (Streamlit signs its XSRF cookie with it), made once."""
    path = run_dir / "cookie_secret"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32) + "\n")
    return path.read_text().strip()


def nginx_config(run_dir: Path, port: int, replica_ports: list[int], fail_timeout: int = 10) -> str:
    servers = "\n".join(f"        server {HOST}:{p} max_fails=1 fail_timeout={fail_timeout}s;" for p in replica_ports)
    return (
        TEMPLATE.read_text()
        .replace("@@RUN@@", str(run_dir))
        .replace("@@LISTEN@@", f"{HOST}:{port}")
        .replace("@@SERVERS@@", servers)
    )


def nginx_command(nginx: str, run_dir: Path) -> list[str]:
    # -e: the error log before the config is read (else Debian's default /var/log/nginx/error.log)
    return [nginx, "-p", f"{run_dir}/", "-e", str(run_dir / "error.log"), "-c", str(run_dir / "nginx.conf"),
            "-g", "daemon off; master_process on;"]  # fmt: skip


def replica_command(port: int) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
            "--server.address", HOST, "--server.headless", "true", "--browser.gatherUsageStats", "false"]  # fmt: skip


def replica_env(secret: str, port: int) -> dict[str, str]:
    # The secret goes by environment (Streamlit reads STREAMLIT_SERVER_COOKIE_SECRET like
    # --server.cookieSecret), so it does not show in `ps` to other users of the machine.
    return os.environ | {
        "PYTHONPATH": str(ROOT),
        "STREAMLIT_SERVER_COOKIE_SECRET": secret,
        "ATTLAB_REPLICA_PORT": str(port),
    }


def _die_with_parent() -> None:
    """In the child: SIGTERM when the parent dies (Linux), and a process group of its own, so a
    Ctrl-C reaches this script alone and it stops the children in order."""
    os.setpgid(0, 0)
    with contextlib.suppress(OSError, AttributeError):  # not Linux: Ctrl-C and SIGTERM still stop all
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/_stcore/health", timeout=2) as r:
            return r.read().strip() == b"ok"
    except OSError:
        return False


def warm(port: int, timeout: float = 300.0) -> float:
    """Run app.py once in a replica, as a browser's first visit would, and return its seconds.

    Needed, not only polite: until a process's first run reaches st.navigation, Streamlit
    treats the pages/ folder as old-style pages (PagesManager.uses_pages_directory), so a
    second visitor arriving in that window (a class opening the link together) ran
    pages/<page>.py alone: no sidebar, no model. The run also imports torch and loads every
    shipped model (the Home page), so the first student does not wait for that either.
    """
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    start = time.monotonic()
    with connect(f"ws://{HOST}:{port}/_stcore/stream", max_size=None, open_timeout=30) as ws:
        rerun = BackMsg()
        rerun.rerun_script.query_string = ""
        rerun.rerun_script.page_script_hash = ""
        ws.send(rerun.SerializeToString())
        while True:
            left = timeout - (time.monotonic() - start)
            if left <= 0:
                raise TimeoutError(f"replica {port}: app.py did not finish within {timeout:.0f} s")
            msg = ForwardMsg()
            msg.ParseFromString(ws.recv(timeout=left))
            if msg.WhichOneof("type") == "script_finished":
                return time.monotonic() - start


def warm_when_up(port: int, start_timeout: float = 120.0) -> float:
    """Wait for a server on ``port`` to answer its health check, then ``warm`` it; its seconds.
    What `make run` does after starting `streamlit run app.py`, so the first visitor of a fresh
    server does not wait for torch, the models and Streamlit's first run either."""
    deadline = time.monotonic() + start_timeout
    while not healthy(port):
        if time.monotonic() > deadline:
            raise SetupError(f"nothing answered on port {port} within {start_timeout:.0f} s")
        time.sleep(0.2)
    return warm(port)


class Class:
    def __init__(self, replicas: int, port: int, base_port: int, run_dir: Path, fail_timeout: int) -> None:
        if not 1 <= replicas <= MAX_REPLICAS:
            raise SetupError(f"--replicas must be between 1 and {MAX_REPLICAS}, not {replicas}")
        self.port, self.run_dir = port, run_dir.resolve()
        self.replica_ports = list(range(base_port, base_port + replicas))
        if port in self.replica_ports:
            raise SetupError(f"the front port {port} is one of the replicas' ports {self.replica_ports}")
        busy = [p for p in [port, *self.replica_ports] if not (0 < p < 65536 and port_free(p))]
        if busy:
            raise SetupError(f"port(s) {', '.join(map(str, busy))} on {HOST} are in use or invalid: choose others")
        self.nginx = find_nginx()
        self.fail_timeout = fail_timeout
        self.procs: dict[str, subprocess.Popen] = {}
        self.logs: list = []
        self.reported: set[str] = set()

    def prepare(self) -> None:
        (self.run_dir / "tmp").mkdir(parents=True, exist_ok=True)
        self.secret = cookie_secret(self.run_dir)
        conf = self.run_dir / "nginx.conf"
        conf.write_text(nginx_config(self.run_dir, self.port, self.replica_ports, self.fail_timeout))
        check = subprocess.run([*nginx_command(self.nginx, self.run_dir)[:-2], "-t", "-q"],
                               capture_output=True, text=True)  # fmt: skip
        if check.returncode != 0:
            raise SetupError(f"nginx refused {conf}:\n{check.stderr.strip()}")

    def spawn(self, name: str, cmd: list[str], log: Path, env: dict[str, str] | None = None) -> None:
        out = log.open("w")
        self.logs.append(out)
        self.procs[name] = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)  # fmt: skip

    def start(self, stop: list[bool], ready_timeout: float = 180.0) -> None:
        for p in self.replica_ports:
            self.spawn(
                f"replica {p}", replica_command(p), self.run_dir / f"replica-{p}.log", replica_env(self.secret, p)
            )
        deadline = time.monotonic() + ready_timeout
        waiting = set(self.replica_ports)
        while waiting and not stop:
            for p in list(waiting):
                if self.procs[f"replica {p}"].poll() is not None:
                    raise SetupError(f"replica on port {p} exited at start; see {self.run_dir / f'replica-{p}.log'}")
                if healthy(p):
                    waiting.discard(p)
            if waiting and time.monotonic() > deadline:
                raise SetupError(f"replicas on ports {sorted(waiting)} did not answer within {ready_timeout:.0f} s")
            time.sleep(0.3)
        if stop:
            return
        self.warm_all()
        if stop:
            return
        self.spawn("nginx", nginx_command(self.nginx, self.run_dir), self.run_dir / "nginx.out")
        while not healthy(self.port) and not stop:
            if self.procs["nginx"].poll() is not None:
                raise SetupError(f"nginx exited at start; see {self.run_dir / 'error.log'}")
            if time.monotonic() > deadline:
                raise SetupError(f"nginx did not answer on port {self.port}")
            time.sleep(0.1)
        state = {
            "url": f"http://{HOST}:{self.port}",
            "nginx": {"pid": self.procs["nginx"].pid, "access_log": str(self.run_dir / "access.log")},
            "replicas": [{"port": p, "pid": self.procs[f"replica {p}"].pid,
                          "log": str(self.run_dir / f"replica-{p}.log")} for p in self.replica_ports],
        }  # fmt: skip
        (self.run_dir / "state.json").write_text(json.dumps(state, indent=1) + "\n")

    def warm_all(self) -> None:
        """One first run in every replica at once (see warm); a failure is reported, not fatal."""
        from concurrent.futures import ThreadPoolExecutor

        print("warming every replica (one run of app.py each) …", flush=True)
        with ThreadPoolExecutor(len(self.replica_ports)) as pool:
            runs = {p: pool.submit(warm, p) for p in self.replica_ports}
            for p, run in runs.items():
                try:
                    run.result()
                except Exception as exc:  # the replica still serves; only its first visitors may see the race
                    print(f"warning: replica {p} could not be warmed ({exc})", flush=True)

    def watch(self, stop: list[bool]) -> int:
        """Until asked to stop or nginx dies; a dead replica is reported once, then routed around."""
        while not stop:
            if self.procs["nginx"].poll() is not None:
                print(f"nginx exited ({self.procs['nginx'].returncode}); see {self.run_dir / 'error.log'}", flush=True)
                return 1
            for name, proc in self.procs.items():
                if name not in self.reported and proc.poll() is not None:
                    self.reported.add(name)
                    alive = sum(1 for n, q in self.procs.items() if n.startswith("replica") and q.poll() is None)
                    print(f"{name} exited ({proc.returncode}); {alive} replica(s) still serve", flush=True)
                    if alive == 0:
                        return 1
            time.sleep(0.5)
        return 0

    def stop(self, grace: float = 10.0) -> None:
        """nginx first (no new requests), then every replica; SIGKILL after the grace period."""
        for name in sorted(self.procs, key=lambda n: n != "nginx"):
            proc = self.procs[name]
            if proc.poll() is None:
                proc.send_signal(signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for out in self.logs:
            out.close()
        (self.run_dir / "state.json").unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", "-n", type=int, default=4, help="streamlit processes (default 4)")
    parser.add_argument("--port", type=int, default=8080, help="nginx's port on 127.0.0.1 (default 8080)")
    parser.add_argument("--base-port", type=int, default=8601, help="first replica's port (default 8601)")
    parser.add_argument("--run-dir", type=Path, default=HERE / "run", help="config, pids, logs (default deploy/run)")
    parser.add_argument("--fail-timeout", type=int, default=10, help="seconds a failed replica is skipped")
    parser.add_argument("--warm", type=int, metavar="PORT", help="only warm the server on PORT once it answers, "
                        "then exit (what `make run` does)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.warm is not None:
        try:
            print(f"warmed the server on port {args.warm} in {warm_when_up(args.warm):.1f} s", flush=True)
        except (SetupError, TimeoutError, OSError) as exc:
            print(f"serve_class: could not warm port {args.warm} ({exc}); the first visitor will", file=sys.stderr)
            return 1
        return 0

    stop: list[bool] = []

    def on_signal(signum, frame) -> None:
        stop.append(True)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    try:
        klass = Class(args.replicas, args.port, args.base_port, args.run_dir, args.fail_timeout)
        klass.prepare()
    except SetupError as exc:
        print(f"serve_class: {exc}", file=sys.stderr)
        return 2
    code = 0
    try:
        print(f"starting {args.replicas} replica(s) on ports {klass.replica_ports[0]}–{klass.replica_ports[-1]} "
              f"(logs in {klass.run_dir}) …", flush=True)  # fmt: skip
        klass.start(stop)
        if not stop:
            print(f"Attention Lab for a class: http://{HOST}:{args.port}  ({args.replicas} replica(s) behind nginx; "
                  "Ctrl-C stops everything)", flush=True)  # fmt: skip
            code = klass.watch(stop)
    except SetupError as exc:
        print(f"serve_class: {exc}", file=sys.stderr)
        code = 2
    finally:
        klass.stop()
        print("stopped nginx and every replica", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
