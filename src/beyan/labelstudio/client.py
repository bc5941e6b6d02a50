"""Talk to a Label Studio server through ``label-studio-sdk`` (API key from the environment)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from beyan.issues import fail
from beyan.secrets import redact, require_secret

API_KEY_VARIABLE = "LABEL_STUDIO_API_KEY"


def connect(url: str) -> Any:
    """An SDK client for ``url``; the key is read from ``LABEL_STUDIO_API_KEY``, never from arguments."""
    api_key = require_secret(
        API_KEY_VARIABLE,
        code="missing-api-key",
        message="no Label Studio API key in the environment",
        hint=f"export {API_KEY_VARIABLE}=<your token> (Account & Settings > Access Token)",
    )
    try:
        from label_studio_sdk import LabelStudio
    except ImportError:  # pragma: no cover - a declared dependency
        raise fail(
            "missing-dependency",
            (),
            "pulling exports needs label-studio-sdk",
            hint="pip install 'label-studio-sdk>=2.1'",
            exit_code=2,
        ) from None
    return LabelStudio(base_url=url.rstrip("/"), api_key=api_key)  # type: ignore[no-untyped-call]


def download_export(*, url: str, project: int) -> Path:
    """The project's full JSON export (all tasks) saved to a temporary file; the caller deletes it."""
    client = connect(url)
    handle = tempfile.NamedTemporaryFile(prefix=f"beyan-ls-project-{project}-", suffix=".json", delete=False)
    path = Path(handle.name)
    try:
        with handle:
            for chunk in client.projects.exports.download_sync(project, export_type="JSON", download_all_tasks=True):
                handle.write(chunk)
    except Exception as error:  # the SDK raises many kinds; all mean the same to the user
        path.unlink(missing_ok=True)
        raise fail(
            "export-download-failed",
            (url, f"project {project}"),
            f"could not download the export: {redact(type(error).__name__ + ': ' + str(error))[:300]}",
            hint="check the URL, the project id and that LABEL_STUDIO_API_KEY belongs to a member of the project",
            exit_code=2,
        ) from None
    return path


# ---------------------------------------------------------------- project set-up (scripts and tests)


def create_project(client: Any, *, title: str, label_config: str | None = None) -> int:
    """A project using the labeling config generated from the schema."""
    from beyan.schema import current_labelstudio_config

    project = client.projects.create(title=title, label_config=label_config or current_labelstudio_config())
    return int(project.id)


def import_tasks(client: Any, project: int, tasks: list[dict[str, Any]]) -> list[int]:
    response = client.projects.import_tasks(id=project, request=tasks, return_task_ids=True)
    return [int(task_id) for task_id in response.task_ids]


def create_annotator(client: Any, *, email: str, username: str) -> int:
    user = client.users.create(username=username, email=email, first_name="", last_name="")
    return int(user.id)


def export_full(client: Any, project: int) -> bytes:
    """The full JSON export of every task, as the server sends it."""
    return b"".join(client.projects.exports.download_sync(project, export_type="JSON", download_all_tasks=True))
