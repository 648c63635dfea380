"""The engine must run on files alone: importing it must not pull in Django."""

import pkgutil
import subprocess
import sys

import parindex.engine


def test_engine_never_imports_django():
    modules = [f"parindex.engine.{m.name}" for m in pkgutil.iter_modules(parindex.engine.__path__)]
    assert "parindex.engine.compute" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if 'django' in m)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
