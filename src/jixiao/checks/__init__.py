"""All review checks. Importing this package registers every check module."""

from __future__ import annotations

import importlib
import pkgutil

from jixiao.checks.registry import REGISTRY, Check, Context, Draft, check, iter_checks, run_checks

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "registry":
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["REGISTRY", "Check", "Context", "Draft", "check", "iter_checks", "run_checks"]
