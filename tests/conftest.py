"""Shared test helpers: where ../shared is, and skips for absent system programs."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEV_TEXTS = SHARED / "eval" / "dev" / "texts"
DEV_GOLD = SHARED / "eval" / "dev" / "gold"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared_path(*parts) -> Path:
    """A path under ../shared, or a skip when ../shared is absent."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} is absent (../shared is not checked out beside the project)")
    return p


def dev_texts() -> list[Path]:
    if not DEV_TEXTS.exists():
        return []
    return sorted(p for p in DEV_TEXTS.iterdir() if p.suffix in (".txt", ".html"))


def need_program(name: str) -> str:
    """The path of a system program; where it is absent, a skip naming its Debian package.

    In CI (``CI`` set), where .ci/run installs every program, an absent one fails the test instead.
    """
    path = shutil.which(name)
    if path is None:
        pkg = {"rapper": "raptor2-utils", "chromium": "chromium", "java": "default-jre-headless",
               "virtuoso-t": "virtuoso-opensource"}.get(name, name)
        message = f"{name} is not installed (Debian package {pkg}; .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path
