"""nginx (Debian's package) in front of `soknad web` at /soknad/, with the snippet the docs
give (docs/drift/nginx-soknad.conf): for test_proxy.py, and for the browser suite, which
runs once directly and once through it."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from .helpers import ROOT

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
SNIPPET = ROOT / "docs" / "drift" / "nginx-soknad.conf"
PREFIX = "/soknad"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Nginx:
    """nginx on a free port of 127.0.0.1 with the documented snippet, its `proxy_pass` aimed
    at `app_port`; everything else on that server is the county's own site (a 404)."""

    def __init__(self, app_port: int) -> None:
        assert NGINX is not None
        self.folder = Path(tempfile.mkdtemp(prefix="soknad-nginx-"))
        self.port = free_port()
        snippet = SNIPPET.read_text(encoding="utf-8")
        assert "proxy_pass http://127.0.0.1:8000/;" in snippet
        snippet = snippet.replace("127.0.0.1:8000", f"127.0.0.1:{app_port}")
        temp = self.folder / "tmp"
        temp.mkdir()
        # Started as root, nginx's workers run as nobody, and buffer large bodies here.
        self.folder.chmod(0o755)
        temp.chmod(0o777)
        conf = self.folder / "nginx.conf"
        conf.write_text(
            f"""daemon off;
pid {self.folder}/nginx.pid;
error_log {self.folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    server {{
        listen 127.0.0.1:{self.port};
        location / {{ return 404 "the county's own site\\n"; }}
{snippet}
    }}
}}
""",
            encoding="utf-8",
        )
        self.process = subprocess.Popen(
            [NGINX, "-p", str(self.folder), "-c", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{self.port}{PREFIX}"
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise AssertionError("nginx did not start: " + self.errors()) from None
                time.sleep(0.1)

    def errors(self) -> str:
        log = self.folder / "error.log"
        return log.read_text(encoding="utf-8") if log.exists() else ""

    def stop(self) -> None:
        self.process.send_signal(signal.SIGQUIT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
