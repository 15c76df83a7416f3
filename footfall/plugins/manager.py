"""The plugin manager: the core plugins plus whatever is installed under the 'footfall'
entry-point group (``[project.entry-points.footfall]`` in a plugin's pyproject)."""

from __future__ import annotations

from functools import cache

import pluggy

from footfall.plugins import hookspecs

CORE_PLUGINS = ("footfall.reports.core",)


@cache
def plugin_manager() -> pluggy.PluginManager:
    import importlib

    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    for name in CORE_PLUGINS:
        manager.register(importlib.import_module(name), name=name)
    manager.load_setuptools_entrypoints(hookspecs.PROJECT)
    return manager
