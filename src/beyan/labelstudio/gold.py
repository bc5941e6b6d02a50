"""Make gold annotations in a real Label Studio from anchored statements (see ``scripts/make-seed-gold``).

The statements are resolved against the corpus text, posted as an annotation of a task
created from the generated labeling config, and the server's full JSON export is
returned, exactly as an annotator's work would come back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from beyan.corpus import Corpus
from beyan.jsonio import read_json
from beyan.labelstudio.client import create_annotator, create_project, export_full, import_tasks
from beyan.labelstudio.tasks import task_data
from beyan.labelstudio.to_results import statements_to_results
from beyan.readers.anchored import resolve_anchored


def annotate_from_specs(client: Any, *, corpus: Path | str, specs: list[Path], title: str = "beyan gold") -> bytes:
    """Create a project, one task per spec'd article, one ground-truth annotation each; return the export."""
    opened = Corpus.open(corpus)
    project = create_project(client, title=title)
    annotators: dict[str, int] = {}
    for spec_path in specs:
        spec = read_json(spec_path, what="gold spec")
        article = opened.read_article(spec["article_id"])
        statements, topics = resolve_anchored(spec, article.text, where=str(spec_path))
        (task_id,) = import_tasks(client, project, [{"data": task_data(article)}])
        email = spec.get("annotator", "annotator@beyan.invalid")
        if email not in annotators:
            annotators[email] = create_annotator(client, email=email, username=email.split("@")[0])
        client.annotations.create(
            id=task_id,
            result=statements_to_results(statements, article.text, topics=topics),
            completed_by=annotators[email],
            ground_truth=True,
        )
    return export_full(client, project)
