"""The demo: a whole room (a console, its window, three sandboxed PCs) or one PC, on this
machine, run with ``python -m installer.demo`` (``installer/dev.sh demo``).

It lives beside the installer, not in the products: nothing here ships in a ``.deb`` or a
wheel (``pyproject.toml`` and ``installer.deb`` leave it out) and no product module imports
it (an import contract in ``pyproject.toml``). The tests use its room and its private cupsd.
"""
