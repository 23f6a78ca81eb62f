"""An import-linter contract type that knows the screens ship as `mapm_tui.screens` from the `screens/` folder.

grimp builds its graph by walking each root package's folder, so it cannot follow setuptools' package-dir
mapping (`mapm_tui.screens` = `screens/`): it scans the screens as the root package `screens` (their folder),
and records an import written by the installed name, `from mapm_tui.screens.home import HomeScreen`, as an
import of `mapm_tui` itself (the nearest module it found there). A forbidden contract on `screens` would then
never see the core import a screen. `MappedForbiddenContract` is import-linter's forbidden contract that first
puts each such import back on the module it names, by its folder's name, and then checks as usual.

pyproject.toml registers it (`contract_types`); lint-imports runs from the repository's root, which it puts on
`sys.path`, so `tests.import_contracts` imports.
"""

from __future__ import annotations

import re

from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.domain import fields

_FROM = re.compile(r"^\s*from\s+(\.*)([\w.]*)\s+import\s+\(?\s*([\w\s,]*)")
_IMPORT = re.compile(r"^\s*import\s+([\w.\s,]+)")


def named_modules(importer: str, line: str) -> list[str]:
    """The modules an import line may name (a `from X import a` names X and X.a), relative ones resolved
    against the importer's package."""
    if match := _FROM.match(line):
        dots, base, names = match.groups()
        if dots:
            package = importer.split(".")
            base = ".".join(package[: len(package) - len(dots)] + ([base] if base else []))
        return [base] + [f"{base}.{n.strip()}" for n in names.split(",") if n.strip()]
    if match := _IMPORT.match(line):
        return [part.split()[0] for part in match.group(1).split(",") if part.strip()]
    return []


class MappedForbiddenContract(ForbiddenContract):
    """`type = "mapped_forbidden"`: a forbidden contract, plus `mapped = ["mapm_tui.screens = screens"]`."""

    mapped = fields.SetField(subfield=fields.StringField())

    def check(self, graph, verbose):
        for pair in self.mapped:  # type: ignore[attr-defined]
            installed, folder = (part.strip() for part in pair.split("="))
            parent = installed.rpartition(".")[0]
            for importer in graph.find_modules_that_directly_import(parent):
                for detail in graph.get_import_details(importer=importer, imported=parent):
                    for name in named_modules(importer, detail["line_contents"]):
                        if name != installed and not name.startswith(installed + "."):
                            continue
                        target = folder + name[len(installed) :]
                        while target not in graph.modules and "." in target:
                            target = target.rpartition(".")[0]
                        graph.add_import(
                            importer=importer,
                            imported=target,
                            line_number=detail["line_number"],
                            line_contents=detail["line_contents"],
                        )
        return super().check(graph, verbose)
