"""Benchmark the result page of `soknad web` against a floor on the same stack.

    python bench/bench_web.py                 # 16 and 64 connections, 10 s each; 100 000 for memory
    python bench/bench_web.py --sekunder 3 --minne 20000   # quicker

It starts two servers on loopback, each one uvicorn process as `soknad web` runs it:

* the guide (`soknadsveileder.web.create_app`), asked for the result page of a shipyard
  (industri and maritim, fagbrev, unskilled, six years of practice), which evaluates every
  scheme and renders the whole page on each request;
* the floor (bench/floor_web.py): a bare Starlette route that returns a constant page of
  the same size.

The load comes from wrk (Debian's package `wrk`), on loopback only, for a fixed time, so the
run stops by itself. It prints requests per second and p50/p99 latency at 16 and 64
connections, and the ratio of the guide's p50 to the floor's (goal: at most 2), for one
page asked for again and again («samme»), and for 5000 answer sets from the whole answer
space in turn («ulike», after a first pass over them: the steady state of a server that has
met its users' answers before). Then it
sends --minne requests to the guide and prints its resident memory after every tenth of
them: the peak should be flat.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATH = "/resultat?bransje=industri&bransje=maritim&behov=fagbrev&kompetanse=ufaglaert&praksis_aar=6"
DATE = "2021-03-01"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(app: str, port: int) -> subprocess.Popen[bytes]:
    code = (
        "import sys, datetime, uvicorn\n"
        f"sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / 'bench')!r})\n"
        f"{app}\n"
        f"uvicorn.run(app, host='127.0.0.1', port={port}, log_level='warning', access_log=False)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code])
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"the server on port {port} did not start")


def page_size(port: int) -> int:
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}{PATH}") as r:
        return len(r.read())


def varied_paths(n: int, seed: int = 17) -> list[str]:
    """N result addresses drawn from the whole answer space (`space.answer_sets`), more than
    the guide keeps pages for, so nearly every request evaluates and renders anew."""
    from urllib.parse import urlencode

    from soknadsveileder.rules import load
    from soknadsveileder.space import answer_sets, dimensions

    sys.path.insert(0, str(ROOT))
    rules = load()
    every = list(answer_sets(dimensions(rules)))
    rng = random.Random(seed)
    paths = []
    for answers in rng.sample(every, n):
        pairs = []
        for key, value in answers.items():
            for v in value if isinstance(value, tuple) else (value,):
                pairs.append((key, "" if v is None else "ja" if v is True else "nei" if v is False else str(v)))
        paths.append("/resultat?" + urlencode(pairs))
    return paths


def wrk(port: int, connections: int, seconds: int, script: Path | None = None) -> dict[str, float]:
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    command += ["-s", str(script)] if script is not None else []
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{PATH}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out:
        raise SystemExit("wrk got error responses:\n" + out)

    def ms(label: str) -> float:
        m = re.search(rf"^\s+{label}\s+([0-9.]+)(us|ms|s)\b", out, re.MULTILINE)
        assert m, out
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    assert rps, out
    return {"rps": float(rps.group(1)), "p50": ms("50%"), "p99": ms("99%")}


def rss_kib(pid: int) -> tuple[int, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    now = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    return now, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sekunder", type=int, default=10, help="seconds of load per measurement")
    parser.add_argument("--minne", type=int, default=100_000, help="requests for the memory check")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")

    guide_port, floor_port = free_port(), free_port()
    guide = start(
        # With its log, as `soknad web` runs it: a line per request, here to /dev/null.
        f"from soknadsveileder.web import create_app\napp = create_app(today=datetime.date.fromisoformat({DATE!r}), "
        "log=open('/dev/null', 'w'))",
        guide_port,
    )
    size = page_size(guide_port)
    floor = start(f"from floor_web import make_app\napp = make_app({size})", floor_port)
    try:
        assert page_size(floor_port) == size
        print(f"Resultatsiden: {size} byte; gulvet svarer med like mange.")
        folder = Path(tempfile.mkdtemp(prefix="bench-web-"))
        script = folder / "ulike.lua"
        paths = ", ".join(f'"{p}"' for p in varied_paths(5000))
        script.write_text(
            f"paths = {{{paths}}}\ni = 0\n"
            "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n"
        )
        print("«samme»: én side om og om igjen; «ulike»: 5000 svarsett fra hele svarrommet, i tur og orden.")
        print(f"{'forbindelser':>12} {'':>16} {'forespørsler/s':>15} {'p50 ms':>8} {'p99 ms':>8}")
        for connections in (16, 64):
            wrk(guide_port, connections, 2)  # warm up
            wrk(guide_port, connections, 8, script)  # a first pass over the 5000 answer sets
            wrk(floor_port, connections, 2)
            same = wrk(guide_port, connections, args.sekunder)
            varied = wrk(guide_port, connections, args.sekunder, script)
            f = wrk(floor_port, connections, args.sekunder)
            # wrk's Lua costs CPU on the same two cores: the floor is measured with it too.
            f_varied = wrk(floor_port, connections, args.sekunder, script)
            rows = (
                ("veileder, samme", same),
                ("gulv, samme", f),
                ("veileder, ulike", varied),
                ("gulv, ulike", f_varied),
            )
            for name, r in rows:
                print(f"{connections:>12} {name:>16} {r['rps']:>15.0f} {r['p50']:>8.2f} {r['p99']:>8.2f}")
            print(
                f"{'':>12} p50 / gulv: samme {same['p50'] / f['p50']:.2f}, "
                f"ulike {varied['p50'] / f_varied['p50']:.2f} (mål: <= 2)"
            )
        script.unlink()
        folder.rmdir()

        print(f"\nMinne, {args.minne} forespørsler til veilederen (RSS og toppen, KiB):")
        import http.client

        step = max(1, args.minne // 10)
        done = 0
        while done < args.minne:
            # wrk cannot stop after a count; a keep-alive loop in this process can.
            connection = http.client.HTTPConnection("127.0.0.1", guide_port)
            for _ in range(step):
                connection.request("GET", PATH)
                connection.getresponse().read()
            connection.close()
            done += step
            now, peak = rss_kib(guide.pid)
            print(f"  {done:>7}: RSS {now}, topp {peak}")
    finally:
        for process in (guide, floor):
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
