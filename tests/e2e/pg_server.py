"""A throwaway PostgreSQL server for tests: Debian's postgresql package, a temporary data
directory, a free loopback port. Runs the server as the 'postgres' OS user when started as
root (initdb refuses root). Always stop() it; it also removes its directory."""
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_bindir():
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(d.split("/")[-2]))
    for d in reversed(dirs):
        if os.path.exists(os.path.join(d, "initdb")):
            return d
    raise RuntimeError("PostgreSQL server binaries not found: apt-get install postgresql "
                       "(scripts/install_deps.sh --test does)")


class PostgresServer:
    USER = "beast_oauth"  # the database superuser initdb creates

    def __init__(self):
        self.bindir = find_bindir()
        # As root the server runs as 'postgres', which must reach the directory: /tmp, not $TMPDIR.
        self.dir = tempfile.mkdtemp(prefix="beast-oauth-pg-", dir="/tmp" if os.geteuid() == 0 else None)
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "server.log")
        self.port = free_port()
        self.run_as = None
        if os.geteuid() == 0:
            self.run_as = "postgres"
            pw = pwd.getpwnam(self.run_as)  # created by Debian's postgresql-common
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        self._run(["initdb", "-D", self.data, "-U", self.USER, "--auth=trust", "-E", "UTF8", "--no-sync"])
        self.start()

    def _run(self, argv, check=True):
        cmd = [os.path.join(self.bindir, argv[0]), *argv[1:]]
        if self.run_as:
            cmd = ["runuser", "-u", self.run_as, "--", *cmd]
        r = subprocess.run(cmd, capture_output=True, text=True, cwd=self.dir)
        if check and r.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed: {r.stdout}{r.stderr}{self.server_log()}")
        return r

    def server_log(self):
        try:
            with open(self.log) as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    @property
    def conninfo(self):
        return f"host=127.0.0.1 port={self.port} dbname=postgres user={self.USER}"

    def start(self):
        # fsync off: tests need no crash safety (BEAST_OAUTH_PG_FSYNC=on for honest benchmarks).
        fsync = os.environ.get("BEAST_OAUTH_PG_FSYNC", "off")
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync={fsync} -c max_connections=100"
        self._run(["pg_ctl", "-D", self.data, "-o", opts, "-l", self.log, "-w", "-t", "60", "start"])
        deadline = time.time() + 30
        while time.time() < deadline:  # accepting TCP connections
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("PostgreSQL did not listen: " + self.server_log())

    def stop(self, remove=True):
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            self._run(["pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"], check=False)
        if remove:
            shutil.rmtree(self.dir, ignore_errors=True)
