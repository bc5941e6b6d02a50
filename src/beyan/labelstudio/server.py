"""Start and stop a throw-away Label Studio server on 127.0.0.1 (for tests and gold scripts).

Label Studio pins its own versions of many packages, so it lives in its own virtual
environment (``.venv-labelstudio``, made by ``scripts/test``); beyan only runs its
executable. The server uses SQLite in a temporary data directory, binds to 127.0.0.1,
makes no calls home (version check, analytics and Sentry switched off), and writes
nothing outside its data directory.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

EXECUTABLE_VARIABLE = "BEYAN_LABEL_STUDIO"
DEFAULT_EXECUTABLE = Path(".venv-labelstudio") / "bin" / "label-studio"
ADMIN_EMAIL = "admin@beyan.invalid"


def find_executable() -> Path | None:
    configured = os.environ.get(EXECUTABLE_VARIABLE)
    candidates = [Path(configured)] if configured else []
    candidates.append(DEFAULT_EXECUTABLE)
    on_path = shutil.which("label-studio")
    if on_path:
        candidates.append(Path(on_path))
    return next((c.resolve() for c in candidates if c.is_file() and os.access(c, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LabelStudioServer:
    """``with LabelStudioServer() as server:`` gives ``server.url`` and ``server.token``."""

    executable: Path | None = None
    port: int = 0
    data_dir: Path | None = None
    startup_timeout: float = 300.0
    # Kept out of repr: a traceback that shows the server object must not show its credentials.
    token: str = field(default_factory=lambda: secrets.token_hex(20), repr=False)
    password: str = field(default_factory=lambda: secrets.token_urlsafe(16), repr=False)
    process: subprocess.Popen[bytes] | None = None
    _own_data_dir: bool = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        assert self.data_dir is not None
        return self.data_dir / "server.log"

    def start(self) -> LabelStudioServer:
        executable = self.executable or find_executable()
        if executable is None:
            raise RuntimeError(
                "Label Studio is not installed: run scripts/test (it creates .venv-labelstudio), "
                f"or set {EXECUTABLE_VARIABLE} to a label-studio executable"
            )
        if self.data_dir is None:
            self.data_dir = Path(tempfile.mkdtemp(prefix="beyan-label-studio-"))
            self._own_data_dir = True
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        env = {
            **os.environ,
            "LABEL_STUDIO_LATEST_VERSION_CHECK": "false",
            "LABEL_STUDIO_COLLECT_ANALYTICS": "false",
            "LABEL_STUDIO_SENTRY_DSN": "",
            "LABEL_STUDIO_FRONTEND_SENTRY_DSN": "",
            "LABEL_STUDIO_BASE_DATA_DIR": str(self.data_dir),
            "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
            "HOME": str(self.data_dir),
        }
        for inherited in ("LABEL_STUDIO_API_KEY", "HF_TOKEN", "BEYAN_PSEUDONYM_KEY"):
            env.pop(inherited, None)
        command = [
            str(executable), "start", "--no-browser", "--internal-host", "127.0.0.1", "-p", str(self.port),
            "--data-dir", str(self.data_dir), "--username", ADMIN_EMAIL,
            # --opt=value: a random password may begin with "-", which argparse would take for an option
            f"--password={self.password}", f"--user-token={self.token}", "--enable-legacy-api-token",
        ]  # fmt: skip
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True
        )
        log.close()
        self._wait_healthy()
        return self

    def _wait_healthy(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self.log_path.read_text("utf-8", "replace")[-2000:]
                raise RuntimeError(f"Label Studio exited with status {self.process.returncode}:\n{tail}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.5)
        self.stop()
        raise TimeoutError(f"Label Studio did not answer /health within {self.startup_timeout:.0f}s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            except ProcessLookupError:
                pass
        self.process = None
        if self._own_data_dir and self.data_dir is not None:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def client(self) -> object:
        from label_studio_sdk import LabelStudio

        return LabelStudio(base_url=self.url, api_key=self.token)  # type: ignore[no-untyped-call]

    def __enter__(self) -> LabelStudioServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
