"""environment.yml (conda/Binder) must list the same packages and bounds as pyproject.toml."""
from pathlib import Path

import tomllib
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {"pyyaml": "pyyaml"}  # dask[distributed] on PyPI is conda-forge "dask" (which includes distributed)  # pip name -> conda name, where they differ


def _pyproject_requirements():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    reqs = list(data["project"]["dependencies"])
    for extra in data["project"]["optional-dependencies"].values():
        reqs += extra
    return {Requirement(r).name.lower(): str(Requirement(r).specifier) for r in reqs}


def _conda_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and dep not in ("pip",):
            req = Requirement(dep)
            out[req.name.lower()] = str(req.specifier)
    return out


def test_environment_lists_every_pip_requirement_with_the_same_bounds():
    pip = _pyproject_requirements()
    conda = _conda_requirements()
    for name, spec in pip.items():
        cname = CONDA_NAMES.get(name, name)
        assert cname in conda, f"{name} is in pyproject.toml but not in environment.yml"
        assert conda[cname] == spec, f"{name}: pyproject {spec!r} but environment.yml {conda[cname]!r}"


def test_environment_has_nothing_pyproject_lacks():
    pip = {CONDA_NAMES.get(n, n) for n in _pyproject_requirements()}
    extra = set(_conda_requirements()) - pip - {"python"}
    assert not extra, f"environment.yml lists packages pyproject.toml does not: {sorted(extra)}"


def test_environment_python_matches_requires_python():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert _conda_requirements()["python"] == data["project"]["requires-python"]


def test_environment_installs_the_package_itself():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert pip_section and "-e ." in pip_section[0]["pip"]
