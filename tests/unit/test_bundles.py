"""A page's modules as one script: what the bundle keeps of the modules, and what it refuses
(at start-up, with the module and the line named) rather than misread."""

from __future__ import annotations

import pytest

from rencontre.server.bundles import BundleError, bundle


def make(files: dict[str, str], entry: str = "js/main.js") -> str:
    return bundle(entry, files.get, lambda name: f"/static/v-1/{name}")


def test_each_module_is_a_function_that_takes_its_imports_and_gives_its_exports():
    text = make({
        "js/main.js": 'import { greet, NAME as who } from "./lib/greet.js";\n'
                      'import "./side.js";\n'
                      'greet(who);\n'
                      'import("./late.js").then((late) => late.run());\n',
        "js/lib/greet.js": 'export const NAME = "Ana";\n'
                           'export function greet(name) { return `hola ${name}`; }\n'
                           'export async function later() {}\n'
                           'export class Greeter {}\n',
        "js/side.js": "document.title = 'side';\n",
        "js/late.js": 'const icon = new URL("../img/x.svg", import.meta.url).href;\n'
                      'export function run() { return icon; }\n',
    })
    assert 'const { greet, NAME: who } = $need("js/lib/greet.js");' in text
    assert '$need("js/side.js");' in text
    assert '$load("js/late.js").then' in text
    assert "return Object.freeze({ NAME, greet, later, Greeter });" in text
    assert 'new URL("../img/x.svg", new URL("/static/v-1/js/late.js", location.href).href)' in text
    assert "export " not in text and "import " not in text
    assert text.rstrip().endswith('$need("js/main.js");')


@pytest.mark.parametrize("source, refused", [
    ('import greet from "./lib.js";\n', "import not understood"),
    ('import * as lib from "./lib.js";\n', "import not understood"),
    ('  import { a } from "./lib.js";\n', "import not understood"),
    ('import { a-b } from "./lib.js";\n', "import name not understood"),
    ("export let count = 0;\n", "export not understood"),
    ("export default function () {}\n", "export not understood"),
    ("const a = 1;\nexport { a };\n", "export not understood"),
    ('export { a } from "./lib.js";\n', "export not understood"),
    ("const page = import.meta.resolve('./x');\n", "import.meta"),
    ("const name = './lib.js';\nimport(name);\n", "import()"),
    ("const $need = 1;\n", "keeps for itself"),
    ("const s = '</script>';\n", "</script"),
])
def test_syntax_it_does_not_understand_is_refused_by_name(source, refused):
    with pytest.raises(BundleError, match=refused) as error:
        make({"js/main.js": source, "js/lib.js": "export const a = 1;\n"})
    assert "js/main.js" in str(error.value)


def test_a_missing_module_and_a_cycle_are_refused():
    with pytest.raises(BundleError, match="js/gone.js not found"):
        make({"js/main.js": 'import { a } from "./gone.js";\n'})
    with pytest.raises(BundleError, match="import each other: js/main.js → js/a.js → js/main.js"):
        make({"js/main.js": 'import { a } from "./a.js";\nexport const b = 1;\n',
              "js/a.js": 'import { b } from "./main.js";\nexport const a = 1;\n'})
    # Through import(), modules may name each other: the later one runs once asked for.
    make({"js/main.js": 'export const b = 1;\nimport("./a.js");\n',
          "js/a.js": 'import { b } from "./main.js";\nexport const a = b;\n'})
