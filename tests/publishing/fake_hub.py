"""A minimal stand-in for the Hugging Face Hub's HTTP API, on 127.0.0.1, for publishing tests.

The real Hub is unreachable here, so ``huggingface_hub`` is pointed at this server: it
answers the requests ``create_repo``, ``list_repo_refs``, ``list_repo_files``,
``create_commit`` (inline files and the LFS batch/upload/verify protocol, as the Hub uses
for Parquet) and ``create_tag`` send, records every request, and keeps a snapshot of the
repository's files per commit so a test can check what a tag points at.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeHub:
    requests: list[Recorded] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # the main branch
    commits: dict[str, dict[str, bytes]] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    lfs: dict[str, bytes] = field(default_factory=dict)
    repos: set[str] = field(default_factory=set)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeHub:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, payload: Any = None) -> None:
                body = json.dumps(payload if payload is not None else {}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = urlsplit(self.path).path
                hub.requests.append(Recorded(self.command, self.path, dict(self.headers), body))
                status, payload = hub.route(self.command, path, body)
                self._answer(status, payload)

            do_GET = do_POST = do_PUT = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    # ------------------------------------------------------------------ routes

    def route(self, method: str, path: str, body: bytes) -> tuple[int, Any]:
        if method == "POST" and path == "/api/repos/create":
            data = json.loads(body)
            repo = f"{data.get('organization')}/{data['name']}" if data.get("organization") else data["name"]
            status = 409 if repo in self.repos else 200
            self.repos.add(repo)
            return status, {"url": f"{self.url}/datasets/{repo}", "name": repo}
        if method == "POST" and path == "/api/validate-yaml":
            return 200, {"errors": [], "warnings": []}
        if match := re.fullmatch(r"/api/datasets/(.+?)/refs", path):
            branches = [{"name": "main", "ref": "refs/heads/main", "targetCommit": "0" * 40}]
            tags = [{"name": t, "ref": f"refs/tags/{t}", "targetCommit": oid} for t, oid in sorted(self.tags.items())]
            return 200, {"branches": branches, "converts": [], "tags": tags}
        if method == "GET" and (match := re.fullmatch(r"/api/datasets/(.+?)/tree/main(/.*)?", path)):
            return 200, [
                {"type": "file", "path": p, "size": len(b), "oid": "0" * 40} for p, b in sorted(self.files.items())
            ]
        if match := re.fullmatch(r"/api/datasets/(.+?)/preupload/main", path):
            files = json.loads(body)["files"]
            return 200, {
                "files": [
                    {
                        "path": f["path"],
                        "uploadMode": "lfs" if f["path"].endswith(".parquet") else "regular",
                        "shouldIgnore": False,
                        "oid": None,
                    }
                    for f in files
                ]
            }
        if match := re.fullmatch(r"/datasets/(.+?)\.git/info/lfs/objects/batch", path):
            objects = json.loads(body)["objects"]
            return 200, {
                "transfer": "basic",
                "objects": [
                    {
                        "oid": o["oid"],
                        "size": o["size"],
                        "actions": {
                            "upload": {"href": f"{self.url}/lfs-upload/{o['oid']}"},
                            "verify": {"href": f"{self.url}/lfs-verify/{o['oid']}"},
                        },
                    }
                    for o in objects
                ],
            }
        if method == "PUT" and (match := re.fullmatch(r"/lfs-upload/([0-9a-f]{64})", path)):
            if hashlib.sha256(body).hexdigest() != match[1]:
                return 400, {"error": "sha256 mismatch"}
            self.lfs[match[1]] = body
            return 200, {}
        if match := re.fullmatch(r"/lfs-verify/([0-9a-f]{64})", path):
            return (200, {}) if match[1] in self.lfs else (404, {"error": "not uploaded"})
        if match := re.fullmatch(r"/api/datasets/(.+?)/commit/main", path):
            state = dict(self.files)
            for line in body.decode().splitlines():
                entry = json.loads(line)
                value = entry["value"]
                if entry["key"] == "file":
                    state[value["path"]] = base64.b64decode(value["content"])
                elif entry["key"] == "lfsFile":
                    state[value["path"]] = self.lfs[value["oid"]]
                elif entry["key"] == "deletedFile":
                    state.pop(value["path"], None)
            oid = hashlib.sha1(
                json.dumps(sorted((p, hashlib.sha256(b).hexdigest()) for p, b in state.items())).encode()
            ).hexdigest()
            self.files = state
            self.commits[oid] = dict(state)
            return 200, {"commitOid": oid, "commitUrl": f"{self.url}/datasets/{match[1]}/commit/{oid}"}
        if match := re.fullmatch(r"/api/datasets/(.+?)/tag/(.+)", path):
            tag = json.loads(body)["tag"]
            if tag in self.tags:
                return 409, {"error": "tag exists"}
            revision = match[2]
            self.tags[tag] = revision if revision in self.commits else next(reversed(self.commits))
            return 200, {}
        return 404, {"error": f"fake hub has no route for {method} {path}"}
