"""A page's modules as one script, run in Chromium: each module runs once, after what it
imports, and a module asked for with ``import()`` runs after the work already queued, as a
file arriving later would."""

from __future__ import annotations

import pytest

from rencontre.server.bundles import bundle

pytestmark = pytest.mark.browser

FILES = {
    "js/main.js": 'import { log } from "./log.js";\n'
                  'import { twice as double } from "./math.js";\n'
                  'import { label } from "./label.js";\n'
                  'log(`main ${double(21)} ${label}`);\n'
                  'setTimeout(() => log("queued"));\n'
                  'import("./late.js").then((late) => log(`late says ${late.word}`));\n',
    "js/log.js": 'export const lines = [];\n'
                 'export function log(line) { lines.push(line); window.lines = lines; }\n',
    "js/math.js": 'import { log } from "./log.js";\n'
                  'log("math");\n'
                  'export function twice(n) { return 2 * n; }\n',
    "js/label.js": 'import { twice } from "./math.js";\n'
                   'export const label = `label ${twice(2)}`;\n',
    "js/late.js": 'import { log } from "./log.js";\n'
                  'log("late runs");\n'
                  'export const word = new URL("./x", import.meta.url).pathname;\n',
}


async def test_modules_run_once_in_order_and_late_ones_after_queued_work(new_page,
                                                                          page_errors) -> None:
    page = await new_page()
    script = bundle("js/main.js", FILES.get, lambda name: f"/static/v-1/{name}")
    await page.route("http://bundle.test/", lambda route: route.fulfill(
        body=f'<script type="module">{script}</script>', content_type="text/html"))
    await page.goto("http://bundle.test/")
    await page.wait_for_function("window.lines && window.lines.length === 5")
    assert await page.evaluate("window.lines") == [
        "math", "main 42 label 4", "queued", "late runs", "late says /static/v-1/js/x"]
    assert not page_errors, page_errors
