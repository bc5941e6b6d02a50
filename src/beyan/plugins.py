"""User code named ``module:function`` on the command line: a pre-annotator, a silver predictor."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

from beyan.issues import fail


def load_function(
    spec: str, *, code: str, option: str, what: str, form: str, importable: str = "importable"
) -> tuple[ModuleType, Callable[..., Any]]:
    """The module and the callable ``spec`` names; a located error (exit code 2) when it cannot be had.

    ``what`` names the callable in messages ("the predictor"), ``form`` says what a good spec
    looks like, ``importable`` where the module must import from.
    """
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise fail(code, (option,), form, found=repr(spec), exit_code=2)
    try:
        module = importlib.import_module(module_name)
        function = getattr(module, attribute)
    except (ImportError, AttributeError) as error:
        raise fail(
            code,
            (option,),
            f"cannot load {what}: {error}",
            hint=f"the module must be {importable} (installed, or on PYTHONPATH)",
            exit_code=2,
        ) from None
    if not callable(function):
        raise fail(code, (option,), f"{spec} is not callable", exit_code=2)
    return module, function
