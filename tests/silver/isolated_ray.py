"""Run silver on a local Ray cluster inside a network namespace of its own, and report what happened.

Run as ``python -m tests.silver.isolated_ray REQUEST.json`` by ``tests/silver/test_ray.py``, under
``unshare --net`` with the loopback interface up: 127.0.0.1 is the only address there, so the
cluster (which Ray 2.60 would otherwise bind to every interface, replacing 127.0.0.1 by the
machine's address) is reachable from this machine's loopback only and can call nowhere.

The request names the runs (inputs, output folder, extractor) and the kill marker of
``tests.silver.predictors.rules_or_kill`` (the first article it sees kills its worker); the report (JSON, next to the request) gives the node's address, the
listening sockets while the cluster was up, and each run's reconciliation.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def listening_sockets() -> list[str]:
    """Local addresses of every listening TCP socket in this network namespace."""
    out = subprocess.run(["ss", "-Hltn"], capture_output=True, text=True, check=True).stdout
    return sorted({line.split()[3].rsplit(":", 1)[0] for line in out.splitlines() if line.strip()})


def interfaces() -> list[str]:
    out = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True, check=True).stdout
    return sorted(line.split(":")[1].strip() for line in out.splitlines())


def main(request_path: str) -> None:
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    request = json.loads(Path(request_path).read_text("utf-8"))
    # Workers get the environment the cluster starts with: the killing predictor reads its marker from it.
    os.environ["BEYAN_TEST_KILL_MARKER"] = request["kill_marker"]
    import ray

    from beyan.silver import run_silver

    context = ray.init(
        num_cpus=2,
        include_dashboard=False,
        _node_ip_address="127.0.0.1",
        _temp_dir=request["ray_temp"],
        log_to_driver=False,
        configure_logging=False,
    )
    report: dict[str, object] = {
        "node_ip_address": context.address_info["node_ip_address"],
        "interfaces": interfaces(),
        "runs": {},
    }
    try:
        for run in request["runs"]:
            result = run_silver(
                inputs=run["inputs"], out=run["out"], engine="ray", workers=2, tasks=4, extractor=run["extractor"]
            )
            report["runs"][run["out"]] = {  # type: ignore[index]
                "balanced": result.reconciliation.balanced,
                "reconciliation": result.reconciliation.to_dict(),
            }
        report["listening"] = listening_sockets()
    finally:
        ray.shutdown()
    Path(request_path).with_suffix(".report.json").write_text(json.dumps(report), "utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
