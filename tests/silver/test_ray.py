"""Silver on a local Ray cluster (2 workers, 127.0.0.1 only) gives the local executor's bytes, even when a worker is killed.

The cluster is started by the test inside a network namespace of its own (``unshare --net``),
where the loopback interface is the only one: Ray 2.60 binds its servers to every interface
and resolves 127.0.0.1 to the machine's address, so this is how it stays on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from beyan.silver import run_silver
from tests.silver.conftest import Raw, data_files

REPO = Path(__file__).resolve().parent.parent.parent
KILLER = "tests.silver.predictors:rules_or_kill"


def _can_isolate() -> str | None:
    if shutil.which("unshare") is None or shutil.which("ip") is None or shutil.which("ss") is None:
        return "needs unshare, ip and ss (util-linux, iproute2)"
    probe = subprocess.run(["unshare", "--net", "--", "true"], capture_output=True, text=True)
    return None if probe.returncode == 0 else f"cannot make a network namespace: {probe.stderr.strip()}"


def _ray_processes(marker: str) -> list[str]:
    """Processes whose command line names the test's Ray folder: none may outlive the test."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            except OSError:
                continue
            if marker in command:
                found.append(f"{entry.name}: {command[:120]}")
    return found


@pytest.mark.slow
def test_ray_cluster_gives_the_local_bytes_and_survives_a_killed_worker(raw: Raw, tmp_path: Path) -> None:
    reason = _can_isolate()
    if reason is not None:
        pytest.skip(reason)
    plain_local = run_silver(inputs=[raw.folder], out=tmp_path / "silver-ray-ref-rules", workers=1, tasks=1)
    killer_local = run_silver(
        inputs=[raw.folder], out=tmp_path / "silver-ray-ref-killer", workers=1, tasks=1, extractor=KILLER
    )
    ray_temp = tempfile.mkdtemp(prefix="bray", dir="/tmp")  # short: Ray's socket paths live under it
    marker = tmp_path / "killed.txt"
    request = tmp_path / "request.json"
    killed_out, plain_out = tmp_path / "silver-ray-killed", tmp_path / "silver-ray-rules"
    request.write_text(
        json.dumps(
            {
                "ray_temp": ray_temp,
                "kill_marker": str(marker),
                "runs": [
                    {"inputs": [str(raw.folder)], "out": str(killed_out), "extractor": KILLER},
                    {"inputs": [str(raw.folder)], "out": str(plain_out), "extractor": "rules"},
                ],
            }
        ),
        "utf-8",
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)]), "RAY_USAGE_STATS_ENABLED": "0"}
    command = f"ip link set lo up && exec {sys.executable} -m tests.silver.isolated_ray {request}"
    try:
        done = subprocess.run(
            ["unshare", "--net", "--", "sh", "-c", command],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        report = json.loads(request.with_suffix(".report.json").read_text("utf-8"))
    finally:
        leftovers = _ray_processes(ray_temp)
        shutil.rmtree(ray_temp, ignore_errors=True)
    assert leftovers == []  # ray.shutdown() stopped every process of the cluster
    # the cluster had 127.0.0.1 as its only address: nothing it listened on was reachable from elsewhere
    assert report["node_ip_address"] == "127.0.0.1" and report["interfaces"] == ["lo"]
    # and given 127.0.0.1 as the node's address, Ray listened on the loopback address only
    assert report["listening"] and set(report["listening"]) <= {"127.0.0.1", "[::ffff:127.0.0.1]", "[::1]"}
    # the same bytes as the local executor, one worker, one task
    assert data_files(plain_out) == data_files(plain_local.out)
    # a worker was killed in the middle of a task: datatrove resubmitted it; nothing doubled, nothing lost
    assert marker.read_text("utf-8").startswith("killed ")
    assert data_files(killed_out) == data_files(killer_local.out)
    assert report["runs"][str(killed_out)]["balanced"]
    assert report["runs"][str(killed_out)]["reconciliation"] == killer_local.reconciliation.to_dict()
    engine_log = killed_out.with_name(killed_out.name + ".work") / "logs" / "engine.log"
    assert not engine_log.exists()  # the work folder is removed once the dataset is written
