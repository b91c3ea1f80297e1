"""Do uploads stall other users? The p99 of result pages with and without uploads running.

    python bench/bench_opplasting.py                   # 10 uploads of 5 000 rows, 10 s of load
    python bench/bench_opplasting.py --sekunder 5      # quicker

It starts one `soknad web` process (the same app and settings, through uvicorn) on
loopback and measures, with wrk (Debian's package `wrk`) at 16 connections, the result pages
of 500 answer sets from the whole answer space:

1. alone;
2. while 10 clients each send a 5 000-row member list (.xlsx, made here with openpyxl) to
   `/liste` again and again, for as long as the load lasts.

It prints p50 and p99 of both, how many uploads finished, and the ratio of the p99s (goal,
issue 26 §9: at most 3).
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_web import DATE, ROOT, free_port, start, varied_paths, wrk


def member_list(rows: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["navn", "bransje", "behov", "kompetanse", "praksis_aar", "klynge"])
    kinds = ["industri", "bygg", "maritim", "annen"]
    needs = ["fagbrev", "fagskole", "hoyere"]
    for i in range(rows):
        sheet.append([f"Bedrift {i} AS", kinds[i % 4], needs[i % 3], "ufaglaert", i % 12, "ja" if i % 5 else "nei"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(port: int, body: bytes, stop: threading.Event, done: list[int], failed: list[str]) -> None:
    import http.client

    boundary = uuid.uuid4().hex
    form = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="format"\r\n\r\nxlsx\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="fil"; filename="medlemmer.xlsx"\r\n'
            "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
        ).encode()
        + body
        + f"\r\n--{boundary}--\r\n".encode()
    )
    while not stop.is_set():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        connection.request("POST", "/liste", form, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        response = connection.getresponse()
        response.read()
        connection.close()
        if response.status != 200:
            failed.append(str(response.status))
            return
        done.append(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sekunder", type=int, default=10, help="seconds of load per measurement")
    parser.add_argument("--opplastinger", type=int, default=10, help="uploads running at once")
    parser.add_argument("--rader", type=int, default=5000, help="rows in each uploaded list")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    port = free_port()
    guide = start(
        f"from soknadsveileder.web import create_app\napp = create_app(today=datetime.date.fromisoformat({DATE!r}), "
        "log=open('/dev/null', 'w'))",
        port,
    )
    folder = Path(tempfile.mkdtemp(prefix="bench-opplasting-"))
    try:
        script = folder / "ulike.lua"
        paths = ", ".join(f'"{p}"' for p in varied_paths(500))
        script.write_text(
            f"paths = {{{paths}}}\ni = 0\n"
            "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n"
        )
        body = member_list(args.rader)
        print(f"Medlemsliste: {args.rader} rader, {len(body) // 1000} kB (.xlsx); {args.opplastinger} samtidig.")
        wrk(port, 16, 3, script)  # warm up: every page of the 500 once
        alone = wrk(port, 16, args.sekunder, script)
        stop, done, failed = threading.Event(), [], []
        clients = [
            threading.Thread(target=upload, args=(port, body, stop, done, failed), daemon=True)
            for _ in range(args.opplastinger)
        ]
        for c in clients:
            c.start()
        time.sleep(1)  # the uploads under way before the load starts
        loaded = wrk(port, 16, args.sekunder, script)
        stop.set()
        for c in clients:
            c.join(timeout=300)
        if failed:
            raise SystemExit(f"uploads failed: {failed}")
        print(f"{'':>26} {'forespørsler/s':>15} {'p50 ms':>8} {'p99 ms':>8}")
        print(f"{'resultatsider alene':>26} {alone['rps']:>15.0f} {alone['p50']:>8.2f} {alone['p99']:>8.2f}")
        print(f"{'under opplastingene':>26} {loaded['rps']:>15.0f} {loaded['p50']:>8.2f} {loaded['p99']:>8.2f}")
        print(f"Opplastinger fullført: {len(done)}.")
        print(f"p99 under opplastingene / alene: {loaded['p99'] / alone['p99']:.2f} (mål: <= 3)")
    finally:
        guide.terminate()
        guide.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
