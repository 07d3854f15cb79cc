"""Every public module, class, function and method of the package has a docstring."""

import importlib
import inspect
import pkgutil

import powerbalance


def _public_objects():
    for info in pkgutil.walk_packages(powerbalance.__path__, "powerbalance."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]):
            continue
        module = importlib.import_module(info.name)
        yield info.name, module
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != info.name:
                continue
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield f"{info.name}.{name}", obj
                if inspect.isclass(obj):
                    for attr, member in vars(obj).items():
                        if attr.startswith("_") or not inspect.isfunction(member):
                            continue
                        yield f"{info.name}.{name}.{attr}", member


def test_public_api_is_documented():
    missing = [name for name, obj in _public_objects() if not inspect.getdoc(obj)]
    assert not missing, f"missing docstrings: {missing}"
