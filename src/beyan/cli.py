"""The ``beyan`` command: a thin shell over beyan's keyword-only Python functions.

Every command prints located, coded problems instead of tracebacks. Exit status:
0 success, 1 the data is invalid, 2 the input could not be read or the command was misused.
"""

from __future__ import annotations

import functools
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from beyan.issues import BeyanError, Issues
from beyan.secrets import redact

F = TypeVar("F", bound=Callable[..., Any])


def echo(message: str = "", *, err: bool = False) -> None:
    click.echo(redact(message), err=err)


def report(issues: Issues, *, fmt: str = "text", include_info: bool = False, err: bool = True) -> None:
    """Print issues (stderr for text, stdout for JSON)."""
    if fmt == "json":
        echo(issues.to_json(), err=False)
    elif len(issues):
        rendered = issues.render(include_info=include_info)
        if rendered:
            echo(rendered, err=err)


def handle_errors(command: F) -> F:
    """Turn beyan's errors into a report and an exit status; never show a traceback for bad input."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        fmt = kwargs.get("fmt", "text")
        try:
            return command(*args, **kwargs)
        except BeyanError as error:
            report(error.issues, fmt=fmt, include_info=False)
            if fmt != "json":
                echo(f"beyan: {error.issues.summary()}", err=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            echo("beyan: interrupted; nothing was half-written (the previous state is intact)", err=True)
            sys.exit(130)
        except click.exceptions.Exit:
            raise
        except (click.ClickException, click.Abort):
            raise
        except Exception as error:  # a bug in beyan, not bad input
            if os.environ.get("BEYAN_DEBUG"):
                echo(traceback.format_exc(), err=True)
            echo(
                f"beyan: internal error: {type(error).__name__}: {redact(str(error))[:500]}\n"
                "This is a bug in beyan. Re-run with BEYAN_DEBUG=1 for the traceback and report it.",
                err=True,
            )
            sys.exit(3)

    return wrapper  # type: ignore[return-value]


class Progress:
    """Progress on stderr for long runs, at most once a second, only on a terminal."""

    def __init__(self, label: str, *, enabled: bool | None = None) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.last = 0.0
        self.started = time.monotonic()

    def __call__(self, done: int, total: int | None = None) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.last < 1.0:
            return
        self.last = now
        of = f"/{total}" if total else ""
        click.echo(f"\r{self.label}: {done}{of} ({now - self.started:.0f}s)", err=True, nl=False)

    def finish(self) -> None:
        if self.enabled and self.last:
            click.echo("", err=True)


# Options shared by the commands that read raw news (ingest, silver).
INPUT_FORMAT_OPTION = click.option(
    "--format",
    "fmt",
    type=click.Choice(__import__("beyan.ingest.readers", fromlist=["FORMAT_CHOICES"]).FORMAT_CHOICES),
    default="auto",
    show_default=True,
    help="The input format (auto: by extension and content).",
)
ARTICLE_LANGUAGE_OPTION = click.option(
    "--language", default=None, help="BCP 47 tag for every article (default: the source's, else detected)."
)
REPORT_OPTION = click.option(
    "--report",
    "report_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Report format (--format names the input format here).",
)
CORPUS_OPTION = click.option(
    "--corpus",
    type=click.Path(path_type=Path),
    default=Path("corpus"),
    show_default=True,
    help="The corpus folder (holding corpus.json).",
)
FORMAT_OPTION = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Report format."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="beyan")
def main() -> None:
    """beyan: annotated political statements, from Label Studio to versioned Hugging Face datasets.

    \b
    Quick start:
      beyan build                      # corpus/ -> dist/
      beyan validate dist              # check what was built
      python -c "import datasets; print(datasets.load_dataset('dist', 'statements'))"
    """


# ------------------------------------------------------------------ schema


@main.command("schema")
@click.option("--dir", "directory", type=click.Path(path_type=Path), default=Path("schemas"), show_default=True)
@click.option("--write", is_flag=True, help="Regenerate the files instead of checking them.")
@handle_errors
def schema_command(directory: Path, write: bool) -> None:
    """Check (or regenerate) the published schema files derived from the declaration.

    \b
    Example:
      beyan schema             # exit 1 if schemas/ drifted from the declaration
      beyan schema --write     # after editing src/beyan/schema/v1.py
    """
    from beyan.schema.publish import check_schema_files, write_schema_files

    if write:
        for path in write_schema_files(directory=directory):
            echo(f"wrote {path}")
        return
    issues = check_schema_files(directory=directory)
    report(issues)
    if issues.has_errors:
        sys.exit(1)
    echo(f"{directory}: up to date with schema declaration")


@main.command("labelstudio-config")
@handle_errors
def labelstudio_config_command() -> None:
    """Print the Label Studio labeling config generated from the schema.

    \b
    Example:
      beyan labelstudio-config > config.xml   # paste into Settings > Labeling Interface > Code
    """
    from beyan.schema import current_labelstudio_config

    click.echo(current_labelstudio_config(), nl=False)


# ------------------------------------------------------------------ corpus


@main.command("init-corpus")
@click.argument("path", type=click.Path(path_type=Path), default=Path("corpus"))
@click.option("--name", default="beyan", show_default=True, help="The dataset's name.")
@click.option(
    "--labelstudio-instance",
    default=None,
    help="Name of the Label Studio server the annotations come from (the default --instance of imports).",
)
@handle_errors
def init_corpus_command(path: Path, name: str, labelstudio_instance: str | None) -> None:
    """Create an empty corpus folder (corpus.json).

    \b
    Example:
      beyan init-corpus corpus --name my-statements --labelstudio-instance lab-server
    """
    from beyan.corpus import Corpus

    Corpus.init(path, name=name, labelstudio_instance=labelstudio_instance)
    echo(f"{path}: corpus ready; add articles with `beyan add-article FILE --corpus {path} --language tr`")


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@CORPUS_OPTION
@INPUT_FORMAT_OPTION
@click.option(
    "--map",
    "mapping",
    default=None,
    help="Fields of JSON Lines, CSV or Parquet records: 'text=body,title=headline,published=date', or a mapping file.",
)
@ARTICLE_LANGUAGE_OPTION
@click.option(
    "--rejects",
    type=click.Path(path_type=Path),
    default=Path("ingest-rejects.jsonl"),
    show_default=True,
    help="JSON Lines file naming every rejected record, where it was and why.",
)
@click.option("--no-near-duplicates", is_flag=True, help="Skip the near-duplicate report (about 4x faster).")
@click.option("--dry-run", is_flag=True, help="Read and count everything; write nothing.")
@REPORT_OPTION
@handle_errors
def ingest_command(
    paths: tuple[str, ...],
    corpus: Path,
    fmt: str,
    mapping: str | None,
    language: str | None,
    rejects: Path,
    no_near_duplicates: bool,
    dry_run: bool,
    report_format: str,
) -> None:
    """Add raw articles to the corpus: saved HTML pages, web archives (WARC), scraper output, text files.

    PATHS are files, folders (read recursively) and globs, in any mix of formats, compressed
    (.gz, .zst) or not. Every article keeps its raw bytes; HTML text is extracted with trafilatura.
    Rights come from the corpus's sources file (sources.yaml); unknown sources are standoff.
    Exact duplicates are not added; near-duplicates are reported. Journaled: `beyan undo` reverts.

    \b
    Example:
      beyan ingest crawl.warc.gz pages/ --corpus corpus
      beyan ingest feed.jsonl.gz --map text=body,title=headline,published=date --language tr
      beyan ingest 'exports/*.csv' --dry-run
    """
    import json

    from beyan.ingest.store import ingest

    bar = Progress("ingest: records")
    result = ingest(
        corpus=corpus,
        paths=list(paths),
        fmt=fmt,
        mapping=mapping,
        language=language,
        rejects=rejects,
        near_duplicates=not no_near_duplicates,
        dry_run=dry_run,
        progress=lambda p: bar(p.records_read),
    )
    bar.finish()
    if report_format == "json":
        echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        report(result.issues, include_info=False)
        echo(result.reconciliation.render())
        for article, group, similarity in result.near_duplicates[:20]:
            echo(f"near-duplicate: {article} joins group {group} ({similarity:.2f})")
        if result.rejects_path is not None and result.reconciliation.rejected:
            echo(f"rejects: {result.rejects_path}")
        echo(
            "dry run: nothing written"
            if dry_run
            else f"added {len(result.added)} article(s)"
            + (f" as journal entry {result.journal_entry}" if result.journal_entry else "")
        )
    if result.issues.has_errors:
        sys.exit(1)


@main.command("add-article")
@click.argument("file", type=click.Path(path_type=Path))
@CORPUS_OPTION
@click.option("--language", required=True, help="BCP 47 language tag of the text, e.g. tr.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(__import__("beyan.readers", fromlist=["ARTICLE_FORMATS"]).ARTICLE_FORMATS)),
    default="beyan-news-v1",
    show_default=True,
)
@click.option(
    "--license", "license_", default="unknown", show_default=True, help="SPDX id, 'proprietary' or 'unknown'."
)
@click.option(
    "--redistribution",
    type=click.Choice(["text", "standoff"]),
    default="standoff",
    show_default=True,
    help="May published copies carry the text?",
)
@click.option("--holder", default=None, help="The rights holder.")
@click.option("--rights-notes", default=None, help="Anything else about the rights.")
@click.option("--source", default=None, help="The outlet.")
@click.option("--source-id", default=None, help="The outlet's own id for the article.")
@click.option("--url", default=None, help="Where it was published.")
@handle_errors
def add_article_command(file: Path, corpus: Path, language: str, fmt: str, license_: str, **kwargs: Any) -> None:
    """Add a raw article file to the corpus, byte for byte, under its content-derived id.

    \b
    Example:
      beyan add-article 000_9377e177cd8e3a59.txt --language tr --source-id 9377e177cd8e3a59
    """
    from beyan.add_article import add_article

    added = add_article(corpus=corpus, file=file, language=language, fmt=fmt, license=license_, **kwargs)
    state = f"added (journal entry {added.journal_entry})" if added.created else "already in the corpus"
    echo(f"{added.article.article_id}: {state} ({len(added.article.text)} characters, title: {added.article.title!r})")


# ------------------------------------------------------------------ build


@main.command("build")
@CORPUS_OPTION
@click.option("--out", type=click.Path(path_type=Path), default=Path("dist"), show_default=True, help="Output folder.")
@click.option(
    "--datasheet",
    type=click.Path(path_type=Path),
    default=Path("DATASHEET.md"),
    show_default=True,
    help="Hand-written datasheet whose generated blocks are refreshed.",
)
@click.option("--no-update-datasheet", is_flag=True, help="Do not rewrite the datasheet's generated blocks in place.")
@click.option("--adjudication", type=click.Choice(["majority", "latest"]), default=None, help="Override corpus.json.")
@click.option(
    "--text",
    type=click.Choice(["full", "rights"]),  # beyan.configs.TEXT_POLICIES (not imported at start-up)
    default="full",
    show_default=True,
    help="full: keep all text (local use); rights: standoff rows for articles that may not be redistributed.",
)
@click.option("--workers", type=int, default=None, help="Processes to build with (default: one per core).")
@click.option("--no-cache", is_flag=True, help="Rebuild everything, ignoring corpus/.cache/build.")
@handle_errors
def build_command(
    corpus: Path,
    out: Path,
    datasheet: Path,
    no_update_datasheet: bool,
    adjudication: str | None,
    text: str,
    workers: int | None,
    no_cache: bool,
) -> None:
    """Build the Hugging Face dataset folder (Hub layout) from the corpus.

    \b
    Example:
      beyan build --corpus corpus --out dist
      python -c "import datasets; print(datasets.load_dataset('dist', 'statements'))"
    """
    from beyan.build import build

    progress = Progress("build: corpus shards")
    result = build(
        corpus=corpus,
        out=out,
        datasheet=datasheet,
        update_datasheet=not no_update_datasheet,
        adjudication=adjudication,
        text=text,
        workers=workers,
        cache=not no_cache,
        progress=progress,
    )
    progress.finish()
    report(result.issues)
    counts = result.manifest["counts"]
    echo(
        f"built {out} (version {result.manifest['dataset_version']}, schema {result.manifest['schema_version']}): "
        f"{sum(counts['articles'].values())} articles, {sum(counts['statements'].values())} statements "
        f"({', '.join(f'{k} {v}' for k, v in counts['statements'].items())}); "
        f"shards built {result.shards_built}, reused {result.shards_cached}; "
        f"data files written {result.files_written}, reused {result.files_cached}"
    )
    if result.datasheet_updated:
        echo(f"updated the statistics in {datasheet}")


# ------------------------------------------------------------------ validate


@main.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@FORMAT_OPTION
@click.option("--corpus", type=click.Path(path_type=Path), default=None, help="Corpus to check exports against.")
@handle_errors
def validate_command(paths: tuple[Path, ...], fmt: str, corpus: Path | None) -> None:
    """Validate exports, corpora, built datasets or Parquet files; report every problem.

    Detects what each PATH is. Exit status 0 clean, 1 invalid, 2 unreadable.

    \b
    Example:
      beyan validate corpus dist
      beyan validate export.json --corpus corpus --format json
    """
    from beyan.validation import validate

    result = validate(*paths, corpus=corpus)
    if fmt == "json":
        echo(result.issues.to_json())
    else:
        report(result.issues, include_info=False, err=False)
        for path, kind in result.kinds.items():
            echo(f"{path}: {kind}")
        echo(f"beyan validate: {result.issues.summary()}")
    sys.exit(result.exit_code)


# ------------------------------------------------------------------ Label Studio


@main.command("import-labelstudio")
@click.argument("exports", nargs=-1, type=click.Path(path_type=Path))
@CORPUS_OPTION
@click.option("--url", default=None, help="Label Studio server to pull the export from (with --project).")
@click.option("--project", type=int, default=None, help="Project id on that server.")
@click.option(
    "--instance",
    default=None,
    help="Name of the Label Studio server that wrote the export (needed for exports without unique_id; "
    "default: labelstudio_instance in corpus.json, or the --url).",
)
@click.option("--add-articles", is_flag=True, help="Create corpus articles for tasks whose article is unknown.")
@click.option("--language", default=None, help="Language of articles created with --add-articles (if tasks lack it).")
@click.option(
    "--export-format",
    type=click.Choice(sorted(__import__("beyan.labelstudio.export_reader", fromlist=["x"]).EXPORT_FORMATS)),
    default="json",
    show_default=True,
    help="json: Label Studio's full JSON export (gzip too); jsonl: one task per line.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Allow the import to remove stored annotations, drop statements or change ground truth.",
)
@click.option(
    "--rejects",
    type=click.Path(path_type=Path),
    default=Path("import-rejects.jsonl"),
    show_default=True,
    help="JSON Lines file naming every rejected item and why.",
)
@click.option("--keep-export", is_flag=True, help="Also store the (pseudonymized) export under corpus/labelstudio/.")
@click.option("--dry-run", is_flag=True, help="Show the plan (what would be added, replaced, removed); write nothing.")
@FORMAT_OPTION
@handle_errors
def import_labelstudio_command(
    exports: tuple[Path, ...],
    corpus: Path,
    url: str | None,
    project: int | None,
    instance: str | None,
    add_articles: bool,
    language: str | None,
    export_format: str,
    replace: bool,
    rejects: Path,
    keep_export: bool,
    dry_run: bool,
    fmt: str,
) -> None:
    """Merge Label Studio full JSON exports into the corpus, losing nothing.

    The import first plans what it changes, task by task: annotations added, replaced (a newer
    version), removed (deleted in Label Studio) or unchanged, and statements added, removed or
    changed. A plan that removes annotations, drops statements or changes a ground-truth
    annotation is refused, nothing written, unless --replace. Every applied import is journaled:
    `beyan log` lists it, `beyan undo` reverts it. Annotator identities are pseudonymized with
    BEYAN_PSEUDONYM_KEY; the server's API key is read from LABEL_STUDIO_API_KEY.

    \b
    Example:
      beyan import-labelstudio export.json --dry-run      # the plan, nothing written
      beyan import-labelstudio export.json
      beyan import-labelstudio old-export.json --instance lab-2024   # no unique_id in the export
      beyan import-labelstudio exports/ --add-articles --language tr
      beyan import-labelstudio --url http://127.0.0.1:8080 --project 3
    """
    import json

    from beyan.labelstudio.importer import import_labelstudio

    progress = Progress("import: tasks")
    result = import_labelstudio(
        corpus=corpus,
        exports=list(exports),
        url=url,
        project=project,
        instance=instance,
        add_articles=add_articles,
        language=language,
        rejects=rejects,
        keep_export=keep_export,
        dry_run=dry_run,
        replace=replace,
        export_format=export_format,
        progress=progress,
    )
    progress.finish()
    if fmt == "json":
        echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        report(result.issues, include_info=True)
        echo(result.reconciliation.render())
        echo("")
        echo(result.plan_table())
        echo(result.summary())
        if result.rejects_path is not None:
            echo(f"rejects: {result.rejects_path}")
        if result.refused:
            echo("refused: the plan would remove or replace stored gold; nothing written (see the errors above)")
        elif dry_run:
            echo("dry run: nothing written")
        elif result.journal_entry:
            added = f"; articles added: {len(result.articles_added)} (rights unknown)" if result.articles_added else ""
            echo(f"applied as journal entry {result.journal_entry} ({result.changed_records} records){added}")
            echo(f"undo it with: beyan undo {result.journal_entry} --corpus {corpus}")
        else:
            echo("nothing to change")
    if result.issues.has_errors:
        sys.exit(1)


# ------------------------------------------------------------------ journal


@main.command("log")
@CORPUS_OPTION
@FORMAT_OPTION
@handle_errors
def log_command(corpus: Path, fmt: str) -> None:
    """List the changes applied to the corpus (imports, added articles, undos), oldest first.

    \b
    Example:
      beyan log --corpus corpus
    """
    import json

    from beyan.corpus import Corpus
    from beyan.corpus.journal import entries, undone_by

    opened = Corpus.open(corpus)
    found = entries(opened.root)
    reverted = undone_by(found)
    if fmt == "json":
        payload = [{**e.to_json(), "undone_by": reverted.get(e.id)} for e in found]
        echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    if not found:
        echo("the journal is empty")
        return
    for entry in found:
        state = f"  [undone by {reverted[entry.id]}]" if entry.id in reverted else ""
        what = f"reverts {entry.reverts}" if entry.reverts else ", ".join(entry.source) or "-"
        echo(f"{entry.id}  {entry.time}  {entry.command:20} {what}{state}")
        echo(f"        {entry.summary()}")


@main.command("undo")
@click.argument("entry", required=False)
@CORPUS_OPTION
@click.option("--dry-run", is_flag=True, help="Check that the entry can be undone; write nothing.")
@handle_errors
def undo_command(entry: str | None, corpus: Path, dry_run: bool) -> None:
    """Revert a journaled change byte for byte (default: the latest one not undone yet).

    Refused, naming the records, when a later change touched what this one changed: undo the
    later one first. The undo is itself journaled, so it can be undone in turn.

    \b
    Example:
      beyan log
      beyan undo              # the latest import or added article
      beyan undo 000003       # a named one, if nothing later depends on it
    """
    from beyan.corpus import Corpus
    from beyan.corpus.journal import undo

    opened = Corpus.open(corpus)
    result = undo(opened, entry_id=entry, dry_run=dry_run)
    if dry_run:
        echo("dry run: the entry can be undone; nothing written")
    elif result is not None:
        echo(f"undone: entry {result.reverts}, recorded as entry {result.id} ({result.summary()})")


@main.command("upgrade-corpus")
@click.argument("path", type=click.Path(path_type=Path), default=Path("corpus"))
@click.option(
    "--instance",
    default="legacy",
    show_default=True,
    help="Instance name for annotations whose export (kept under labelstudio/) has no unique_id.",
)
@handle_errors
def upgrade_corpus_command(path: Path, instance: str) -> None:
    """Move a corpus from beyan 0.1's folder-per-article layout to the sharded, journaled layout.

    \b
    Example:
      beyan upgrade-corpus corpus
    """
    from beyan.corpus.upgrade import upgrade_corpus

    result = upgrade_corpus(corpus=path, instance=instance)
    if result.already_current:
        echo(f"{path}: already in the current layout")
        return
    echo(
        f"{path}: upgraded {result.articles} article(s) and {result.annotations} annotation(s) "
        f"({result.unique_ids_found} identified by their unique_id); journal entry {result.journal_entry}"
    )
    for note in result.notes:
        echo(f"note: {note}")


@main.command("labelstudio-tasks")
@CORPUS_OPTION
@click.option(
    "--out", type=click.Path(path_type=Path), default=Path("-"), show_default=True, help="Tasks file ('-' = stdout)."
)
@click.option(
    "--predictions",
    default="none",
    show_default=True,
    help="Pre-annotations: 'none', 'gold' (the corpus's gold), 'extract' (the rule extractor), or 'module:function'.",
)
@click.option("--article", "article_ids", multiple=True, help="Only these article ids (repeatable).")
@handle_errors
def labelstudio_tasks_command(corpus: Path, out: Path, predictions: str, article_ids: tuple[str, ...]) -> None:
    """Write corpus articles as Label Studio tasks to import, optionally with pre-annotations.

    \b
    Example:
      beyan labelstudio-tasks --out tasks.json --predictions gold
      beyan labelstudio-tasks --predictions extract   # annotators correct the rule extractor's statements
      beyan labelstudio-tasks --predictions mypackage.preannotate:quotes
    """
    from beyan.labelstudio.tasks import labelstudio_tasks

    text = labelstudio_tasks(corpus=corpus, predictions=predictions, article_ids=list(article_ids) or None)
    if str(out) == "-":
        click.echo(text, nl=False)
    else:
        from beyan.atomic import write_text_atomic

        write_text_atomic(out, text)
        echo(f"wrote {out}")


@main.command("agreement")
@CORPUS_OPTION
@FORMAT_OPTION
@handle_errors
def agreement_command(corpus: Path, fmt: str) -> None:
    """Inter-annotator agreement: span F1 (exact, overlap) and Krippendorff's alpha.

    \b
    Example:
      beyan agreement --corpus corpus --format json
    """
    import json

    from beyan.agreement import agreement_report

    result = agreement_report(corpus=corpus)
    echo(json.dumps(result.to_dict(), indent=2) if fmt == "json" else result.markdown())


# ------------------------------------------------------------------ releases

RELEASES_OPTION = click.option(
    "--releases",
    type=click.Path(path_type=Path),
    default=Path("releases"),
    show_default=True,
    help="Release manifests.",
)


@main.command("release")
@CORPUS_OPTION
@RELEASES_OPTION
@click.option(
    "--bump",
    type=click.Choice(["auto", "patch", "minor", "major"]),
    default="auto",
    show_default=True,
    help="auto: the smallest bump the change requires.",
)
@click.option("--version", "version", default=None, help="An explicit version (X.Y.Z) instead of --bump.")
@click.option("--datasheet", type=click.Path(path_type=Path), default=Path("DATASHEET.md"), show_default=True)
@click.option("--changelog", type=click.Path(path_type=Path), default=Path("CHANGELOG.md"), show_default=True)
@click.option("--commit", is_flag=True, help="Commit the release and tag it vX.Y.Z in the corpus's git repository.")
@click.option("--dry-run", is_flag=True, help="Say what the release would be; write nothing.")
@FORMAT_OPTION
@handle_errors
def release_command(
    corpus: Path, releases: Path, bump: str, version: str | None, datasheet: Path, changelog: Path, commit: bool,
    dry_run: bool, fmt: str,
) -> None:  # fmt: skip
    """Cut an immutable release: build, compare with the last release, refuse a too-small bump.

    \b
    Example:
      beyan release --dry-run          # which bump does the change need?
      beyan release --commit           # releases/vX.Y.Z/manifest.json, CHANGELOG.md, tag vX.Y.Z
      beyan release --bump major --commit
    """
    from beyan.publishing.release import release

    result = release(
        corpus=corpus, releases=releases, bump=bump, version=version, datasheet=datasheet, changelog=changelog,
        commit=commit, dry_run=dry_run,
    )  # fmt: skip
    if fmt == "json":
        import json

        payload = {
            "version": result.version, "previous": result.previous, "bump": result.bump,
            "required_bump": result.required_bump, "diff": result.diff.to_dict(), "dry_run": dry_run,
        }  # fmt: skip
        echo(json.dumps(payload, indent=2))
        return
    previous = f"v{result.previous}" if result.previous else "no earlier release"
    required = result.required_bump or "any"
    echo(f"v{result.version}: {result.bump} release after {previous} (the change requires: {required})")
    for reason in result.diff.reasons():
        echo(f"  {reason}")
    if dry_run:
        echo("dry run: nothing written")
        return
    echo(f"manifest: {result.manifest_path}")
    echo(f"files:    {result.build_dir}")
    echo(
        "committed and tagged"
        if result.committed
        else "not committed: commit corpus/, releases/ and CHANGELOG.md, then tag"
    )


@main.command("diff")
@click.argument("old")
@click.argument("new", default="current")
@CORPUS_OPTION
@RELEASES_OPTION
@FORMAT_OPTION
@handle_errors
def diff_command(old: str, new: str, corpus: Path, releases: Path, fmt: str) -> None:
    """List articles and statements added, removed and changed between two releases.

    OLD and NEW are versions (v1.0.0), built dataset folders, or 'current' (the working corpus).

    \b
    Example:
      beyan diff v1.0.0 v1.1.0
      beyan diff v1.1.0            # against the working corpus
    """
    import json

    from beyan.publishing.release import diff_versions

    result = diff_versions(old=old, new=new, releases=releases, corpus=corpus)
    if fmt == "json":
        echo(json.dumps(result.to_dict(), indent=2))
        return
    echo(f"{old} -> {new}: requires a {result.required_bump or 'no'} release")
    data = result.to_dict()
    for group in ("articles", "statements"):
        for change, items in data[group].items():
            for item in items:
                echo(f"  {group[:-1]} {change}: {item}")
    for move in data["split_moves"]:
        echo(f"  article moved: {move['article']} {move['from']} -> {move['to']}")
    for change in data["schema"]["breaking"]:
        echo(f"  schema changed: {change}")
    for change in data["schema"]["added"]:
        echo(f"  schema added: {change}")


@main.command("rebuild")
@click.argument("version")
@RELEASES_OPTION
@click.option("--repo", type=click.Path(path_type=Path), default=Path("."), show_default=True)
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Where to put the rebuilt files.")
@handle_errors
def rebuild_command(version: str, releases: Path, repo: Path, out: Path | None) -> None:
    """Rebuild a release from the repository at its tag and check its data files byte for byte.

    \b
    Example:
      beyan rebuild v1.0.0
    """
    from beyan.publishing.release import rebuild

    result = rebuild(version=version, repo=repo, releases=releases, out=out)
    for name in result.identical:
        echo(f"identical  {name}")
    for name in result.differing:
        echo(f"DIFFERENT  {name}")
    for name in result.missing:
        echo(f"MISSING    {name}")
    for package, (then, now) in result.environment_differs.items():
        echo(f"note: {package} was {then} at release time, is {now} now")
    echo(f"v{result.version}: {'reproduced byte for byte' if result.ok else 'NOT reproduced'} in {result.out}")
    if not result.ok:
        sys.exit(1)


@main.command("publish")
@click.argument("version")
@click.option(
    "--to", type=click.Path(path_type=Path), default=None, help="A local folder / git repository (Hub layout)."
)
@click.option("--hub", default=None, help="A Hugging Face dataset repository, org/name (token from HF_TOKEN).")
@click.option("--private", is_flag=True, help="Create the Hub repository as private.")
@RELEASES_OPTION
@click.option("--repo", type=click.Path(path_type=Path), default=Path("."), show_default=True)
@handle_errors
def publish_command(version: str, to: Path | None, hub: str | None, private: bool, releases: Path, repo: Path) -> None:
    """Publish a release: one commit and a tag vX.Y.Z, locally and/or on the Hugging Face Hub.

    \b
    Example:
      beyan publish v1.0.0 --to ../beyan-dataset
      HF_TOKEN=... beyan publish v1.0.0 --hub my-org/beyan
      python -c "import datasets; datasets.load_dataset('my-org/beyan', 'statements', revision='v1.0.0')"
    """
    from beyan.publishing.publish import publish

    for result in publish(version=version, to=to, hub=hub, releases=releases, repo=repo, private=private):
        echo(f"published v{result.version} to {result.target}: {len(result.files)} files, tag {result.tag}")


@main.command("hydrate")
@click.argument("dataset", type=click.Path(path_type=Path))
@click.option("--text", "sources", multiple=True, required=True, type=click.Path(path_type=Path),
              help="A file (or folder of files) holding your own copy of an article; repeatable.")  # fmt: skip
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Where to write the hydrated dataset.")
@handle_errors
def hydrate_command(dataset: Path, sources: tuple[Path, ...], out: Path) -> None:
    """Re-attach article text to a standoff dataset from your own copies (checked by hash).

    \b
    Example:
      beyan hydrate beyan-v1.0.0/ --text my-articles/ --out beyan-v1.0.0-full/
    """
    from beyan.publishing.hydrate import hydrate

    result = hydrate(dataset=dataset, sources=list(sources), out=out)
    echo(f"hydrated {len(result.hydrated)} article(s) into {result.out}")
    if result.still_standoff:
        echo(f"still without text: {len(result.still_standoff)} article(s) (no copy given)", err=True)


# ------------------------------------------------------------------ Label Studio project


@main.command("labelstudio-push")
@CORPUS_OPTION
@click.option("--url", required=True, help="The Label Studio server (its API key comes from LABEL_STUDIO_API_KEY).")
@click.option("--project", type=int, default=None, help="Update this project id (default: find it by --title).")
@click.option("--title", default=None, help="Project title (default: 'beyan: ' and the corpus's name).")
@click.option(
    "--predictions",
    default="none",
    show_default=True,
    help="Pre-annotations: 'none', 'gold' (the corpus's gold), 'extract' (the rule extractor), or 'module:function'.",
)
@click.option("--article", "article_ids", multiple=True, help="Only these article ids (repeatable).")
@click.option("--batch-size", type=int, default=100, show_default=True, help="Tasks per upload request.")
@click.option("--force", is_flag=True, help="Replace a config even if it drops labels that annotations may use.")
@handle_errors
def labelstudio_push_command(
    corpus: Path,
    url: str,
    project: int | None,
    title: str | None,
    predictions: str,
    article_ids: tuple[str, ...],
    batch_size: int,
    force: bool,
) -> None:
    """Create or update a Label Studio project from the schema and upload the corpus as tasks.

    The project gets the labeling config generated from the schema and instructions
    linking the guidelines. Articles already in the project (same article_id and
    text_sha256) are not uploaded again, so pushing twice uploads nothing new. A config
    that would drop a label, choice or relation the project's annotations may use is
    refused unless --force is given.

    \b
    Example:
      export LABEL_STUDIO_API_KEY=...
      beyan labelstudio-push --url http://127.0.0.1:8080 --title "beyan pilot"
      beyan labelstudio-push --url http://127.0.0.1:8080 --project 3 --predictions gold
      beyan import-labelstudio --url http://127.0.0.1:8080 --project 3    # annotations back
    """
    from beyan.labelstudio.push import labelstudio_push

    progress = Progress("push: tasks")
    result = labelstudio_push(
        corpus=corpus,
        url=url,
        project=project,
        title=title,
        predictions=predictions,
        article_ids=list(article_ids) or None,
        batch_size=batch_size,
        force=force,
        progress=progress,
    )
    progress.finish()
    report(result.issues)
    echo(result.summary())
    echo(f"open: {url.rstrip('/')}/projects/{result.project}/data")


# ------------------------------------------------------------------ training: evaluate, extract


@main.command("evaluate")
@click.option("--gold", type=click.Path(path_type=Path), required=True, help="A built dataset folder (the gold).")
@click.option(
    "--predictions",
    type=click.Path(path_type=Path),
    required=True,
    help="JSON Lines, one statement per line, in the statements config's row shape; or a silver dataset folder.",
)
@click.option("--split", default=None, help="Score only this split's articles (default: all).")
@FORMAT_OPTION
@handle_errors
def evaluate_command(gold: Path, predictions: Path, split: str | None, fmt: str) -> None:
    """Score predicted statements against the gold: span P/R/F1 (exact, overlap), attribution, quote type.

    Every gold article of the split is scored, predicted or not. A silver dataset folder (from
    `beyan silver`) is scored on the gold articles it shares text with. Definitions: docs/evaluation.md.

    \b
    Example:
      beyan evaluate --gold dist --predictions predictions.jsonl --split test
      beyan evaluate --gold dist --predictions predictions.jsonl --format json > scores.json
      beyan evaluate --gold dist --predictions silver
    """
    import json

    from beyan.evaluation import evaluate

    if predictions.is_dir():
        from beyan.silver.evaluate import score_silver

        result = score_silver(silver=predictions, gold=gold, split=split)
    else:
        result = evaluate(gold=gold, predictions=predictions, split=split)
    echo(json.dumps(result.to_dict(), indent=2) if fmt == "json" else result.markdown())


@main.command("extract")
@click.argument("dataset", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("predictions.jsonl"),
    show_default=True,
    help="JSON Lines out.",
)
@click.option("--split", default=None, help="Only this split's articles (default: all).")
@click.option(
    "--lexicon", default=None, help="A language tag (tr) or a lexicon JSON file; default: each article's language."
)
@handle_errors
def extract_command(dataset: Path, out: Path, split: str | None, lexicon: str | None) -> None:
    """Find statements with the rule-based baseline; write them in the statements row shape.

    The rules are transparent (docs/extractor.md); a language's cues, titles and endings are a
    lexicon file. Score the output with `beyan evaluate`.

    \b
    Example:
      beyan extract dist --out predictions.jsonl --split test
      beyan evaluate --gold dist --predictions predictions.jsonl --split test
    """
    from beyan.extract import extract

    result = extract(dataset=dataset, out=out, split=split, lexicon=lexicon)
    echo(f"{out}: {len(result.rows)} statement(s) found in {result.articles} article(s)")


# ------------------------------------------------------------------ silver: machine annotation at scale


@main.command("silver")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", type=click.Path(path_type=Path), required=True, help="The silver dataset folder to write.")
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="local: this machine's processes; ray: a Ray cluster (--address, or a local one started for the run).",
)
@click.option("--workers", type=int, default=None, help="Tasks run at once (default: one per core).")
@click.option("--tasks", type=int, default=None, help="Pieces of work (default: 4 per worker, at most 1 per file).")
@click.option("--address", default=None, help="The Ray cluster to run on (auto, ray://host:10001); --engine ray.")
@click.option(
    "--extractor",
    default="rules",
    show_default=True,
    help="'rules' (the rule baseline) or a predictor 'module:function' with the same interface.",
)
@INPUT_FORMAT_OPTION
@click.option("--map", "mapping", default=None, help="Fields of JSON Lines, CSV or Parquet records (as for ingest).")
@ARTICLE_LANGUAGE_OPTION
@click.option("--sources", type=click.Path(path_type=Path), default=None, help="Sources file giving rights by outlet.")
@click.option(
    "--text",
    type=click.Choice(["full", "rights"]),  # beyan.configs.TEXT_POLICIES (not imported at start-up)
    default="full",
    show_default=True,
    help="full: keep all text (local use); rights: standoff rows where the rights forbid redistribution.",
)
@click.option("--gold", type=click.Path(path_type=Path), default=None, help="A gold dataset folder to score on.")
@click.option("--name", default="beyan-silver", show_default=True, help="The dataset's name (manifest, Croissant).")
@click.option("--version", "version_", default="0.1.0", show_default=True, help="The dataset's version.")
@click.option("--rejects", type=click.Path(path_type=Path), default=None, help="Default: OUT.rejects.jsonl.")
@click.option("--work", type=click.Path(path_type=Path), default=None, help="Work folder (default: OUT.work).")
@click.option("--keep-work", is_flag=True, help="Keep the work folder after the run (it holds every article).")
@REPORT_OPTION
@handle_errors
def silver_command(
    inputs: tuple[str, ...],
    out: Path,
    engine: str,
    workers: int | None,
    tasks: int | None,
    address: str | None,
    extractor: str,
    fmt: str,
    mapping: str | None,
    language: str | None,
    sources: Path | None,
    text: str,
    gold: Path | None,
    name: str,
    version_: str,
    rejects: Path | None,
    work: Path | None,
    keep_work: bool,
    report_format: str,
) -> None:
    """Find statements in raw news at scale; write them as a silver dataset (config silver, Hub layout).

    INPUTS are files, folders, globs or fsspec URLs (s3://, gs://, https://) of web archives,
    JSON Lines, HTML pages or Parquet, as `beyan ingest` reads them. Languages are detected,
    exact and near-duplicate articles removed (MinHash), statements found by the extractor; each
    row names its extractor, version, hash and run. Every record read is extracted or written to
    the rejects file with its reason. The same inputs give byte-identical shards on any engine
    and any number of workers; a stopped run resumes from its work folder. Needs the silver
    extra: pip install 'beyan[silver]'.

    \b
    Example:
      beyan silver crawl/*.warc.gz feeds/ --out silver --workers 8
      beyan silver s3://bucket/news/ --out silver --engine ray --address auto --gold dist
      beyan silver feed.jsonl --out silver --extractor mymodel.predict:predict
      beyan validate silver
    """
    import json

    from beyan.silver import run_silver

    result = run_silver(
        inputs=list(inputs),
        out=out,
        work=work,
        engine=engine,
        workers=workers,
        tasks=tasks,
        address=address,
        extractor=extractor,
        fmt=fmt,
        mapping=mapping,
        language=language,
        sources=sources,
        text=text,
        gold=gold,
        name=name,
        version=version_,
        rejects=rejects,
        keep_work=keep_work,
        progress=lambda message: echo(f"silver: {message}", err=True) if report_format == "text" else None,
    )
    if report_format == "json":
        summary = {
            "out": str(result.out),
            "run_id": result.run_id,
            "reconciliation": result.reconciliation.to_dict(),
            "rejects": str(result.rejects),
            "seconds": result.seconds,
            "evaluation": result.manifest["evaluation"],
        }
        echo(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    echo(result.reconciliation.render())
    echo(f"rejects: {result.rejects}")
    if result.manifest["evaluation"] is not None:
        counts = result.manifest["evaluation"]["counts"]
        echo(f"scored on {counts['articles']} gold article(s): see the card's 'Scores on gold'")
    echo(f"wrote {result.out} (run {result.run_id}): {result.reconciliation.statements_written} silver statement(s)")


SILVER_RELEASES_OPTION = click.option(
    "--releases",
    type=click.Path(path_type=Path),
    default=Path("releases") / "silver",
    show_default=True,
    help="Where silver release manifests are kept.",
)


@main.command("silver-release")
@click.argument("silver", type=click.Path(path_type=Path))
@SILVER_RELEASES_OPTION
@click.option("--version", "version_", default=None, help="The version to release (default: by --bump).")
@click.option(
    "--bump",
    type=click.Choice(["auto", "patch", "minor", "major"]),
    default="auto",
    show_default=True,
    help="auto: the smallest bump the change allows.",
)
@click.option(
    "--previous",
    type=click.Path(path_type=Path),
    default=None,
    help="The previous release's folder: its statements are compared, so added inputs can be a minor release.",
)
@click.option("--dry-run", is_flag=True, help="Say which release it would be; write nothing.")
@handle_errors
def silver_release_command(
    silver: Path, releases: Path, version_: str | None, bump: str, previous: Path | None, dry_run: bool
) -> None:
    """Release a silver dataset folder: a versioned manifest of its files and what changed.

    A bump smaller than the change needs is refused: a new extractor, settings or schema, or
    an input gone, need a major release; inputs only added, with every earlier statement still
    there (checked against --previous), a minor one; documents only, a patch.

    \b
    Example:
      beyan silver-release silver --dry-run
      beyan silver-release silver-2 --previous silver-1
      beyan silver-publish v1.0.0 --silver silver --to ../beyan-silver
    """
    from beyan.silver.release import release_silver

    result = release_silver(
        silver=silver, releases=releases, version=version_, bump=bump, previous=previous, dry_run=dry_run
    )
    for reason in result.reasons:
        echo(f"  {reason}")
    what = "would release" if dry_run else "released"
    echo(f"{what} silver v{result.version} ({result.bump}; the change needs {result.required_bump})")
    echo(f"manifest: {result.manifest_path}")


@main.command("silver-publish")
@click.argument("version")
@click.option("--silver", type=click.Path(path_type=Path), required=True, help="The released silver folder.")
@click.option("--to", type=click.Path(path_type=Path), default=None, help="A local folder / git repository.")
@click.option("--hub", default=None, help="A Hugging Face dataset repository, org/name (token from HF_TOKEN).")
@click.option("--private", is_flag=True, help="Create the Hub repository as private.")
@SILVER_RELEASES_OPTION
@handle_errors
def silver_publish_command(
    version: str, silver: Path, to: Path | None, hub: str | None, private: bool, releases: Path
) -> None:
    """Publish a silver release: one commit and a tag vX.Y.Z, locally and/or on the Hugging Face Hub.

    The folder must hold exactly the released files (checked by hash).

    \b
    Example:
      beyan silver-publish v1.0.0 --silver silver --to ../beyan-silver
      HF_TOKEN=... beyan silver-publish v1.0.0 --silver silver --hub my-org/beyan-silver
      python -c "import datasets; datasets.load_dataset('my-org/beyan-silver', 'silver', revision='v1.0.0')"
    """
    from beyan.silver.release import publish_silver

    for result in publish_silver(version=version, silver=silver, releases=releases, to=to, hub=hub, private=private):
        echo(f"published silver v{result.version} to {result.target}: {len(result.files)} files, tag {result.tag}")


if __name__ == "__main__":  # pragma: no cover
    main()
