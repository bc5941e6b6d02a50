"""``beyan labelstudio-push``: a Label Studio project made from the schema, filled with the corpus.

Creates the project (title, labeling config, instructions linking the guidelines) or
updates an existing one, then uploads the corpus's articles as tasks in batches,
optionally pre-annotated (``predictions``, never imported as gold). Pushing is
idempotent: a task whose ``data.article_id`` and ``data.text_sha256`` are already in
the project is not uploaded again. A new config that removes a label, choice, relation
or control the old one had is refused while the project holds annotations or
predictions, which it would orphan, unless ``force`` is given.

Every article asked for is accounted for: uploaded, already present, or skipped with a
reason (a task holding an older text of the article).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from beyan.corpus import Corpus
from beyan.issues import Issues, fail
from beyan.labelstudio.client import connect
from beyan.labelstudio.tasks import labelstudio_tasks
from beyan.schema import INTERFACE, SCHEMA_VERSION, current_labelstudio_config
from beyan.schema.labelstudio import relation_legend
from beyan.secrets import redact

GUIDELINES_URL = "https://github.com/beyan-project/beyan/blob/main/docs/guidelines.md"
DEFAULT_BATCH_SIZE = 100
_TASK_PAGE_SIZE = 500

Progress = Callable[[int, int | None], None]


@dataclass(slots=True)
class PushResult:
    """What a push did; ``articles == uploaded + already_present + len(skipped)``."""

    url: str
    project: int
    project_created: bool
    config: str  # "created", "updated" or "unchanged"
    articles: int
    uploaded: int
    already_present: int
    predictions: int
    skipped: dict[str, str] = field(default_factory=dict)  # article id -> reason
    issues: Issues = field(default_factory=Issues)

    def reconciles(self) -> bool:
        return self.articles == self.uploaded + self.already_present + len(self.skipped)

    def summary(self) -> str:
        action = "created" if self.project_created else "updated"
        return (
            f"project {self.project} {action} (config {self.config}); articles: {self.articles} = "
            f"{self.uploaded} uploaded + {self.already_present} already in the project + "
            f"{len(self.skipped)} skipped; predictions uploaded: {self.predictions}"
        )


def instructions(*, guidelines_url: str = GUIDELINES_URL) -> str:
    """The project's instructions (HTML): where the guidelines are and the traps of the UI."""
    return (
        f'<p>Annotate following the <a href="{escape(guidelines_url)}" target="_blank">beyan annotation '
        f"guidelines</a> (schema {escape(SCHEMA_VERSION)}).</p>"
        "<ul>"
        "<li>Pick a label, then select the span with the mouse. Press <b>u</b> "
        "to deselect it before you pick the label for the next span: a label clicked while a span is "
        "selected relabels that span and drops its fields.</li>"
        "<li>Click a span to fill its fields (quote_type is required on every content span).</li>"
        f"<li>{escape(relation_legend(INTERFACE))}.</li>"
        "</ul>"
    )


def config_removals(old: str, new: str) -> dict[str, list[str]]:
    """What ``new`` drops of ``old``: control name -> values removed (``[]``: the whole control).

    Values are the ``value`` of ``Label``, ``Choice`` and ``Relation`` tags; relations
    are listed under ``Relations``. Renaming a value counts as removing the old name.
    """
    old_values, new_values = _config_values(old), _config_values(new)
    removed: dict[str, list[str]] = {}
    for name, values in old_values.items():
        if name not in new_values:
            removed[name] = []
            continue
        gone = sorted(values - new_values[name])
        if gone:
            removed[name] = gone
    return removed


def _config_values(config: str) -> dict[str, set[str]]:
    try:
        root = ElementTree.fromstring(config)
    except ElementTree.ParseError as error:
        raise fail(
            "unreadable-config", ("label_config",), f"the project's labeling config is not XML: {error}", exit_code=2
        ) from None
    controls: dict[str, set[str]] = {}

    def walk(element: ElementTree.Element, control: str | None) -> None:
        if element.tag == "Relations":
            control = "Relations"
            controls.setdefault(control, set())
        elif "toName" in element.attrib and "name" in element.attrib:
            control = element.attrib["name"]
            controls.setdefault(control, set())
        elif element.tag in ("Label", "Choice", "Relation") and control is not None and "value" in element.attrib:
            controls[control].add(element.attrib["value"])
        for child in element:
            walk(child, control)

    walk(root, None)
    return controls


def labelstudio_push(
    *,
    corpus: Path | str,
    url: str,
    project: int | None = None,
    title: str | None = None,
    predictions: str = "none",
    article_ids: list[str] | None = None,
    model_version: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    force: bool = False,
    guidelines_url: str = GUIDELINES_URL,
    progress: Progress | None = None,
) -> PushResult:
    """Create or update the project at ``url`` and upload the articles it does not hold yet.

    Without ``project``, the project titled ``title`` (default: the corpus's name) is
    updated if there is exactly one, and created if there is none.
    """
    if batch_size < 1:
        raise fail("invalid-batch-size", ("--batch-size",), "must be at least 1", found=str(batch_size), exit_code=2)
    opened = Corpus.open(corpus)
    ids = article_ids if article_ids is not None else opened.article_ids()
    unknown = [i for i in ids if not opened.has_article(i)]
    if unknown:
        raise fail(
            "unknown-article", ("--article",), "no such article in the corpus", found=", ".join(unknown), exit_code=2
        )
    client = connect(url)
    wanted_title = title or f"beyan: {opened.info.pretty_name}"
    config = current_labelstudio_config()
    project_id, created, config_state = _ensure_project(
        client, url=url, project=project, title=wanted_title, config=config, force=force, guidelines_url=guidelines_url
    )
    result = PushResult(
        url=url,
        project=project_id,
        project_created=created,
        config=config_state,
        articles=len(ids),
        uploaded=0,
        already_present=0,
        predictions=0,
    )
    present = {} if created else _tasks_in_project(client, url, project_id)
    new_ids: list[str] = []
    for article_id in ids:
        sha = opened.read_article(article_id).text_sha256
        held = present.get(article_id)
        if held is None:
            new_ids.append(article_id)
        elif sha in held:
            result.already_present += 1
        else:
            reason = "the project holds a task with another text of this article"
            result.skipped[article_id] = reason
            result.issues.warning(
                "stale-task",
                (url, f"project {project_id}", f"article {article_id}"),
                reason,
                expected=f"text_sha256 {sha}",
                found=", ".join(sorted(held)),
                hint="delete the old task in Label Studio (after exporting its annotations), then push again",
            )
    if progress is not None:
        progress(0, len(new_ids))
    for batch in _batches(new_ids, batch_size):
        tasks: list[dict[str, Any]] = json.loads(
            labelstudio_tasks(
                corpus=opened.root, predictions=predictions, article_ids=batch, model_version=model_version
            )
        )
        _upload(client, url, project_id, tasks)
        result.uploaded += len(tasks)
        result.predictions += sum(len(task.get("predictions", [])) for task in tasks)
        if progress is not None:
            progress(result.uploaded, len(new_ids))
    return result


def _ensure_project(
    client: Any, *, url: str, project: int | None, title: str, config: str, force: bool, guidelines_url: str
) -> tuple[int, bool, str]:
    """The project's id, whether it was created, and what happened to its config."""
    settings = {"expert_instruction": instructions(guidelines_url=guidelines_url), "show_instruction": True}
    if project is None:
        same_title = [
            p
            for p in _call(lambda: list(client.projects.list(title=title)), url, None, "list projects")
            if p.title == title
        ]
        if len(same_title) > 1:
            raise fail(
                "ambiguous-project",
                (url, f"title {title!r}"),
                f"{len(same_title)} projects have this title",
                found=", ".join(str(p.id) for p in same_title),
                hint="name the project with --project ID",
                exit_code=2,
            )
        if not same_title:
            created = _call(
                lambda: client.projects.create(title=title, label_config=config, **settings),
                url,
                None,
                "create the project",
            )
            return int(created.id), True, "created"
        project = int(same_title[0].id)
    current = _call(lambda: client.projects.get(id=project), url, project, "read the project")
    where = (url, f"project {project}")
    if (current.label_config or "").strip() == config.strip():
        _call(lambda: client.projects.update(id=project, **settings), url, project, "update the instructions")
        return project, False, "unchanged"
    removed = config_removals(current.label_config or "<View/>", config)
    held = int(current.total_annotations_number or 0) + int(current.total_predictions_number or 0)
    if removed and held and not force:
        raise fail(
            "config-would-orphan",
            where,
            f"the new labeling config removes what {held} annotation(s) and prediction(s) of the project may use",
            found="; ".join(
                f"{name}: {', '.join(values)}" if values else f"{name} (the whole control)"
                for name, values in sorted(removed.items())
            ),
            hint="export and import the annotations first (beyan import-labelstudio --url ... --project ...), "
            "or pass --force to replace the config anyway",
            exit_code=2,
        )
    _call(
        lambda: client.projects.update(id=project, label_config=config, **settings),
        url,
        project,
        "update the labeling config",
    )
    return project, False, "updated"


def _tasks_in_project(client: Any, url: str, project: int) -> dict[str, set[str]]:
    """Article id -> the text hashes of the project's tasks for it (tasks without them are ignored)."""
    held: dict[str, set[str]] = {}

    def collect() -> None:
        for task in client.tasks.list(project=project, page_size=_TASK_PAGE_SIZE, include="id,data"):
            data = task.data or {}
            article_id, sha = data.get("article_id"), data.get("text_sha256")
            if isinstance(article_id, str) and isinstance(sha, str):
                held.setdefault(article_id, set()).add(sha)

    _call(collect, url, project, "list the project's tasks")
    return held


def _upload(client: Any, url: str, project: int, tasks: list[dict[str, Any]]) -> None:
    _call(
        lambda: client.projects.import_tasks(id=project, request=tasks, return_task_ids=True),
        url,
        project,
        "upload tasks",
    )


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _call(action: Callable[[], Any], url: str, project: int | None, what: str) -> Any:
    """Run one server call; any failure becomes a located error without the SDK's traceback."""
    try:
        return action()
    except Exception as error:  # the SDK raises many kinds; all mean the same to the user
        location = (url,) if project is None else (url, f"project {project}")
        raise fail(
            "labelstudio-request-failed",
            location,
            f"could not {what}: {redact(type(error).__name__ + ': ' + str(error))[:400]}",
            hint="check the URL, the project id and that LABEL_STUDIO_API_KEY belongs to a member of the project",
            exit_code=2,
        ) from None
