"""Load benchmark of the LanguageTool-compatible server: requests per second and p50/p95 latency for the seed
article with 1, 4 and 16 concurrent clients.

    python bench/bench_server.py [--requests 24] [--workers 1] [--fast] [--json out.json]

Starts `python -m checks serve` on a free port of 127.0.0.1 (never another address), waits for it, then for each
client count sends `--requests` POST /v2/check requests in total (LanguageTool's form, language=en-US) and prints
how many were answered 200, how many refused with 503 (a full server refuses at once instead of queueing without
end: `[server] max_waiting`), requests per second and the latency percentiles of the 200s. Every request has a
60 s timeout and the server is stopped at the end, so the run is bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evaluation.common import seed_dir  # noqa: E402

SAMPLE = ROOT / "samples" / "drafts" / "port-strike.txt"  # used when ../shared/seed is absent
CLIENTS = (1, 4, 16)


def draft() -> tuple[str, str]:
    seed = seed_dir() / "iraq-pm-drone-attack.txt"
    path = seed if seed.is_file() else SAMPLE
    return path.name, path.read_text("utf-8")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, workers: int, fast: bool, config: Path) -> subprocess.Popen:
    config.write_text(f"[server]\nworkers = {workers}\n", "utf-8")
    command = [sys.executable, "-m", "checks", "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--config", str(config)] + (["--fast"] if fast else [])
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def wait_ready(base: str, server: subprocess.Popen, timeout: float = 120) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if server.poll() is not None:
            raise SystemExit(f"the server exited: {server.stderr.read() if server.stderr else ''}")
        try:
            if requests.get(f"{base}/health", timeout=2).status_code == 200:
                return time.perf_counter() - started
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"the server was not ready within {timeout:g} s")


def one_request(base: str, text: str) -> tuple[int, float]:
    started = time.perf_counter()
    answer = requests.post(f"{base}/v2/check", data={"text": text, "language": "en-US"}, timeout=60)
    return answer.status_code, time.perf_counter() - started


def load(base: str, text: str, clients: int, total: int) -> dict:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(lambda _: one_request(base, text), range(total)))
    elapsed = time.perf_counter() - started
    ok = sorted(seconds for status, seconds in results if status == 200)
    refused = sum(status == 503 for status, _ in results)
    others = len(results) - len(ok) - refused
    cuts = statistics.quantiles(ok, n=20) if len(ok) >= 2 else ok * 19
    return {
        "clients": clients,
        "requests": total,
        "ok": len(ok),
        "refused_503": refused,
        "other": others,
        "requests_per_second": round(len(ok) / elapsed, 2),
        "p50_ms": round(statistics.median(ok) * 1000) if ok else None,
        "p95_ms": round(cuts[18] * 1000) if ok else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=24, help="requests per client count (default 24)")
    parser.add_argument("--workers", type=int, default=1, help="server processes ([server] workers)")
    parser.add_argument("--fast", action="store_true", help="serve without the model judge")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    name, text = draft()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as scratch:
        server = start_server(port, args.workers, args.fast, Path(scratch) / "copydesk.toml")
        try:
            ready = wait_ready(base, server)
            one_request(base, text)  # every worker's first request is not a cold one
            judge = "off (--fast)" if args.fast else "on"
            print(
                f"server: {args.workers} worker(s), model judge {judge}, ready in {ready:.1f} s, {os.cpu_count()} cores"
            )
            print(f"draft: {name}, {len(text.split())} words, {len(text)} characters")
            print(f"{'clients':>7} {'requests':>8} {'ok':>4} {'503':>4} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}")
            rows = []
            for clients in CLIENTS:
                row = load(base, text, clients, max(args.requests, clients))
                rows.append(row)
                print(
                    f"{row['clients']:>7} {row['requests']:>8} {row['ok']:>4} {row['refused_503']:>4} "
                    f"{row['requests_per_second']:>7} {row['p50_ms']!s:>7} {row['p95_ms']!s:>7}"
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
    if args.json:
        Path(args.json).write_text(json.dumps({"workers": args.workers, "fast": args.fast, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
