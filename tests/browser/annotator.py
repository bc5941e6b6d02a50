"""An annotator's hands in Label Studio's labeling UI: Chromium driven by Playwright, with the mouse.

Only the system's Chromium is used (Debian's ``chromium`` package, or ``BEYAN_CHROMIUM``):
nothing is downloaded at run time, so ``playwright install`` is never run. The flags keep
the browser off the network except for the Label Studio server on 127.0.0.1.

Every action waits on the state of the UI (an element appearing, a checkbox changing), not
on time.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Locator, Page, expect, sync_playwright

CHROMIUM_VARIABLE = "BEYAN_CHROMIUM"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 900}

# Screen rectangle of the first and the last character of columns [start, end) of one line of the
# task text: the Text tag renders each line as a span (line breaks become <br>), so the line is
# found first, then its text nodes are walked. Returns [x_left, y_middle, x_right, y_middle].
_CHARACTER_BOXES = """([line, start, end]) => {
  const root = document.querySelectorAll('.lsf-richtext__line')[line];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const at = (offset) => {
    let seen = 0, node;
    walker.currentNode = root;
    while ((node = walker.nextNode())) {
      const length = node.textContent.length;
      if (offset < seen + length) return [node, offset - seen];
      seen += length;
    }
    throw new Error('column ' + offset + ' is past line ' + line);
  };
  const box = (offset) => {
    const [node, local] = at(offset);
    const range = document.createRange();
    range.setStart(node, local);
    range.setEnd(node, local + 1);
    return range.getBoundingClientRect();
  };
  const first = box(start), last = box(end - 1);
  return [first.left + 1, first.top + first.height / 2, last.right - 1, last.top + last.height / 2];
}"""


def chromium_executable() -> str | None:
    configured = os.environ.get(CHROMIUM_VARIABLE)
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("chromium")


@contextmanager
def browser() -> Iterator[BrowserContext]:
    """A fresh headless Chromium profile, closed (and its folder removed) on exit."""
    executable = chromium_executable()
    if executable is None:
        raise RuntimeError(f"no Chromium: run scripts/test (it installs Debian's chromium) or set {CHROMIUM_VARIABLE}")
    profile = tempfile.mkdtemp(prefix="beyan-chromium-")
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                profile, executable_path=executable, args=CHROMIUM_FLAGS, headless=True, viewport=VIEWPORT
            )
            context.set_default_timeout(30_000)
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


class Annotator:
    """One annotator at work on one task: the text of the task, the page, and the hands."""

    def __init__(self, page: Page, text: str, *, screenshots: Path | None = None) -> None:
        self.page = page
        self.text = text
        self.screenshots = screenshots

    # ---------------------------------------------------------------- session and navigation

    @staticmethod
    def log_in(page: Page, *, url: str, email: str, password: str) -> None:
        page.goto(f"{url}/user/login/")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{url}/")

    def open_task(self, *, url: str, project: int, task: int) -> None:
        self.page.goto(f"{url}/projects/{project}/data?task={task}")
        self.page.wait_for_selector(".lsf-richtext__line")
        self.dismiss_instructions()

    def dismiss_instructions(self) -> None:
        """The project's instructions open over the task; close them like an annotator would."""
        dialog = self.page.get_by_role("dialog")
        if dialog.count() and dialog.first.is_visible():
            dialog.first.get_by_role("button", name="Close").first.click()
            expect(dialog).to_have_count(0)

    def shot(self, name: str) -> None:
        """A screenshot of the labeling area (without the task list), if screenshots are wanted."""
        if self.screenshots is None:
            return
        self.screenshots.mkdir(parents=True, exist_ok=True)
        self.page.locator(".lsf-editor").screenshot(path=str(self.screenshots / f"{name}.png"), animations="disabled")

    # ---------------------------------------------------------------- the text

    def _boxes(self, phrase: str, occurrence: int = 0) -> list[float]:
        start = -1
        for _ in range(occurrence + 1):
            start = self.text.index(phrase, start + 1)
        line = self.text.count("\n", 0, start)
        column = start - (self.text.rfind("\n", 0, start) + 1)
        boxes: list[float] = self.page.evaluate(_CHARACTER_BOXES, [line, column, column + len(phrase)])
        return boxes

    def select(self, phrase: str, occurrence: int = 0) -> None:
        """Drag the mouse over ``phrase`` in the text, from its first character to its last."""
        x1, y1, x2, y2 = self._boxes(phrase, occurrence)
        mouse = self.page.mouse
        mouse.move(x1, y1)
        mouse.down()
        mouse.move(x2, y2, steps=8)
        mouse.up()

    def click_text(self, phrase: str, occurrence: int = 0) -> None:
        """Click the middle of ``phrase``'s first character: selects the innermost region there."""
        x1, y1, _, _ = self._boxes(phrase, occurrence)
        self.page.mouse.click(x1 + 2, y1)

    # ---------------------------------------------------------------- regions

    def pick_label(self, role: str) -> None:
        self.page.locator(".lsf-label", has_text=role).first.click()

    def mark(self, role: str, phrase: str, occurrence: int = 0) -> None:
        """A new region: the label first, then the span; the new region shows up in the Regions panel."""
        before = self.regions().count()
        self.pick_label(role)
        self.select(phrase, occurrence)
        expect(self.regions()).to_have_count(before + 1)

    def regions(self) -> Locator:
        return self.page.locator(".lsf-outliner-item")

    def open_region(self, phrase: str, occurrence: int = 0) -> None:
        """Select the region under ``phrase`` by clicking it in the text; its fields appear."""
        self.click_text(phrase, occurrence)
        expect(self.page.get_by_label("Create Relation")).to_be_visible()

    def deselect(self) -> None:
        """Leave any text field, then press u (Unselect region), as the instructions say."""
        self.page.get_by_text("Mark every statement").click()
        self.page.keyboard.press("u")
        expect(self.page.get_by_label("Create Relation")).to_have_count(0)

    # ---------------------------------------------------------------- per-region and document fields

    def choice(self, value: str) -> Locator:
        return self.page.locator(".lsf-choice", has_text=value).locator("input").first

    def tick(self, value: str) -> None:
        box = self.choice(value)
        box.click()
        expect(box).to_be_checked()

    def untick(self, value: str) -> None:
        box = self.choice(value)
        box.click()
        expect(box).not_to_be_checked()

    def fill(self, field_placeholder: str, value: str) -> None:
        """Type into a per-region text field (its placeholder is its description)."""
        box = self.page.get_by_placeholder(field_placeholder)
        box.click()
        box.fill(value)

    # ---------------------------------------------------------------- relations

    def relate(self, source: str, target: str, relation: str, *, shot: str | None = None) -> None:
        """Draw ``source -> target``: select the source, Create Relation, click the target, pick the label."""
        self.open_region(source)
        self.page.get_by_label("Create Relation").click()
        self.click_text(target)
        self.page.locator(".lsf-panel-tabs__tab:visible", has_text="Relations").first.click()
        item = self.page.locator(".lsf-relations__item").last
        item.hover()
        item.get_by_label("Show Relation Labels").click()
        self.page.locator(".lsf-relation-meta").last.get_by_text("Select labels").click()
        option = self.page.get_by_role("option", name=relation, exact=True)
        expect(option).to_be_visible()
        if shot:
            self.shot(shot)
        option.click()
        expect(self.page.locator(".lsf-relation-meta").last).to_contain_text(relation)
        self.page.keyboard.press("Escape")
        self.page.locator(".lsf-panel-tabs__tab:visible", has_text="Regions").first.click()

    # ---------------------------------------------------------------- finishing

    def submit(self) -> None:
        self.page.get_by_role("button", name="Submit").click()
        expect(self.page.locator("button", has_text="Update")).to_be_visible()


def full_export(client: Any, project: int) -> list[dict[str, Any]]:
    import json

    raw = b"".join(client.projects.exports.download_sync(project, export_type="JSON", download_all_tasks=True))
    export: list[dict[str, Any]] = json.loads(raw)
    return export
