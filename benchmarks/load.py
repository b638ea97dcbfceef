"""Load benchmark for `qualify serve`: 50 concurrent clients on the Summary and NOC pages of both systems, and
on the pages of a stored season as of a race (standings, an NOC at that race, what changed).

Run:  python benchmarks/load.py [--clients 50] [--seconds 20] [--workers 1] [--think-ms 0] [--no-season]

It starts `qualify serve` on a free loopback port with a private store, uploads a synthetic ski-mountaineering
season (`qualify synth ski-mountaineering-2026 --seed 3`) through the API, warms each page once (the app caches
allocations, standings per race and rendered pages per scenario), then runs the clients for a fixed time. Each
client is a keep-alive HTTP/1.1 connection that asks for the next page as soon as it has read the last one (closed loop,
no think time unless --think-ms): the hardest steady load 50 clients can make. The clients are a few lines of
asyncio streams rather than an HTTP library, so that the load generator, sharing the two cores with the server,
costs as little CPU as possible.

Target: p95 <= 200 ms and no errors, over all pages; the season pages' own p95 is printed as well. The last line
is JSON; exit 1 when the target is missed.
The machine is shared: the load average before and after is printed with the numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

TARGET_P95_MS = 200.0
PAGES = [
    "/systems/short-track-2026",
    "/systems/ski-mountaineering-2026",
    "/systems/short-track-2026/nocs/CAN",
    "/systems/short-track-2026/nocs/GBR",
    "/systems/short-track-2026/nocs/ITA",
    "/systems/short-track-2026/nocs/KOR",
    "/systems/ski-mountaineering-2026/nocs/ITA",
    "/systems/ski-mountaineering-2026/nocs/BEL",
    "/systems/ski-mountaineering-2026/nocs/SUI",
    "/systems/ski-mountaineering-2026/nocs/USA",
]
# The season is uploaded first, so it is season 1; bormio is a mid-season race of the synthetic calendar.
SEASON_PAGES = [
    "/systems/ski-mountaineering-2026/standings?season=1&as_of=bormio",
    "/systems/ski-mountaineering-2026/standings?season=1",
    "/systems/ski-mountaineering-2026/nocs/ITA?season=1&as_of=bormio",
    "/systems/ski-mountaineering-2026/changes?season=1&to=bormio",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(port: int, store: Path, workers: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "QUALIFY_TOKEN"}
    process = subprocess.Popen([sys.executable, "-m", "qualify.cli", "serve", "--port", str(port), "--store",
                                str(store), "--workers", str(workers)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"qualify serve exited: {process.stderr.read().decode(errors='replace')}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("qualify serve did not start within 60 s")


def upload_season(port: int, folder: Path) -> None:
    """A synthetic season through `POST /api/seasons` (multipart, as `curl -F` sends it)."""
    from qualify.ranking.synth import synthesize_season

    synthesize_season("ski-mountaineering-2026", 3, folder)
    boundary = "qualify-load-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="system"\r\n\r\nski-mountaineering-2026\r\n'
             .encode()]
    for role in ("results", "calendar"):
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{role}"; filename="{role}.csv"\r\n'
                     f"Content-Type: text/csv\r\n\r\n".encode() + (folder / f"{role}.csv").read_bytes() + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/seasons", data=body, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        season = json.loads(answer.read())["season"]["id"]
    if season != 1:
        raise SystemExit(f"the uploaded season is number {season}, expected 1 (a fresh store)")


async def fetch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> tuple[int, int]:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n".encode("ascii"))
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next(int(line.split(":", 1)[1]) for line in lines[1:] if line.lower().startswith("content-length:"))
    body = await reader.readexactly(length)
    return status, len(body)


async def client(number: int, port: int, until: float, think: float, pages: list[str],
                 latencies: list[tuple[str, float]], errors: list[str]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    index = number  # clients start on different pages
    try:
        while time.monotonic() < until:
            path = pages[index % len(pages)]
            index += 1
            start = time.perf_counter()
            try:
                status, size = await fetch(reader, writer, path)
            except (OSError, asyncio.IncompleteReadError, ValueError, StopIteration) as exc:
                errors.append(f"{path}: {type(exc).__name__} {exc}")
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            latencies.append((path, time.perf_counter() - start))
            if status != 200 or size == 0:
                errors.append(f"{path}: HTTP {status}, {size} bytes")
            if think:
                await asyncio.sleep(think)
    finally:
        writer.close()


async def run(port: int, clients: int, seconds: float, think: float,
              pages: list[str]) -> tuple[list[tuple[str, float]], list[str], float]:
    latencies: list[tuple[str, float]] = []
    errors: list[str] = []
    started = time.monotonic()
    until = started + seconds
    await asyncio.gather(*(client(n, port, until, think, pages, latencies, errors) for n in range(clients)))
    return latencies, errors, time.monotonic() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--think-ms", type=float, default=0.0, help="pause between a client's requests")
    parser.add_argument("--no-season", action="store_true", help="only the bundled Summary and NOC pages")
    args = parser.parse_args()
    pages = PAGES + ([] if args.no_season else SEASON_PAGES)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="qualify-load-") as folder:
        port = free_port()
        server = start_server(port, Path(folder) / "seasons.sqlite3", args.workers)
        try:
            if not args.no_season:
                upload_season(port, Path(folder) / "season")
            for _ in range(args.workers * 2):  # every worker computes and renders each page once
                for path in pages:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as answer:
                        answer.read()
            timed, errors, elapsed = asyncio.run(run(port, args.clients, args.seconds, args.think_ms / 1000, pages))
        finally:
            server.terminate()
            server.wait(timeout=20)
    load_after = os.getloadavg()
    ms = [value * 1000 for _, value in timed]
    season_ms = [value * 1000 for path, value in timed if path in SEASON_PAGES]
    result = {
        "benchmark": "web load: Summary and NOC pages of both systems" + ("" if args.no_season else
                                                                          ", season pages as of a race"),
        "clients": args.clients, "workers": args.workers, "think_ms": args.think_ms, "seconds": round(elapsed, 1),
        "requests": len(ms), "errors": len(errors), "requests_per_s": round(len(ms) / elapsed, 1),
        "p50_ms": round(statistics.median(ms), 1) if ms else None,
        "p95_ms": round(percentile(ms, 0.95), 1) if ms else None,
        "p99_ms": round(percentile(ms, 0.99), 1) if ms else None,
        "max_ms": round(max(ms), 1) if ms else None,
        "season_requests": len(season_ms),
        "season_p95_ms": round(percentile(season_ms, 0.95), 1) if season_ms else None,
        "target_p95_ms": TARGET_P95_MS, "cores": os.cpu_count(),
        "load_avg_before": [round(x, 2) for x in load_before], "load_avg_after": [round(x, 2) for x in load_after],
    }
    result["met"] = bool(ms) and not errors and result["p95_ms"] <= TARGET_P95_MS
    for error in errors[:5]:
        print(f"error: {error}", file=sys.stderr)
    print(f"{result['requests']} requests from {args.clients} clients in {result['seconds']} s "
          f"({result['requests_per_s']}/s): p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
          f"p99 {result['p99_ms']} ms, max {result['max_ms']} ms, {len(errors)} errors; "
          + (f"season pages p95 {result['season_p95_ms']} ms; " if season_ms else "") +
          f"load average {load_before[0]:.2f} -> {load_after[0]:.2f} on {os.cpu_count()} cores")
    print(json.dumps(result))
    return 0 if result["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
