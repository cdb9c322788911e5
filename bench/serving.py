"""Starting and stopping app servers, and reading wrk, for the benchmarks."""

import contextlib
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request


def wait_for(port, path="/healthz", seconds=60, process=None):
    """Wait until 127.0.0.1:`port` answers `path` with 200; exit if it never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError):
            url = f"http://127.0.0.1:{port}{path}"
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        if process is not None and process.poll() is not None:
            break
        time.sleep(0.3)
    raise SystemExit(f"the server on port {port} did not answer {path}")


def stop(process):
    """Stop a server started in its own session, and everything it started."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def wrk_command(url, *, connections, duration, script=None, headers=()):
    command = ["wrk", "--latency", "--timeout", "10s", f"-t{min(2, connections)}"]
    command += [f"-c{connections}", f"-d{duration}s"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", str(script)]
    return [*command, url]


def wrk_summary(output):
    """{rps, p50_ms, p99_ms, errors, socket} from wrk's report."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(r"Socket errors: (.*)", output)
    errors = int(non2xx.group(1)) if non2xx else 0
    if socket:
        # connect, read, write, timeout
        errors += sum(int(n) for n in re.findall(r"\d+", socket.group(1)))
    return {
        "rps": float(rate.group(1)) if rate else 0.0,
        "p50_ms": _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M)),
        "p99_ms": _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M)),
        "errors": errors,
        "socket": socket.group(1) if socket else "",
    }


def _ms(found):
    if not found:
        return None
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", found.group(1)).groups()
    factor = {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
    return round(float(value) * factor, 2)
