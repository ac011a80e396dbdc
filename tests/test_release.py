"""The version, the CHANGELOG, the README's install example and the release tags agree.

The source of truth of the version is ``[project] version`` in pyproject.toml. The rules
(docs/versions.md): an ``[Unreleased]`` section with entries means a ``.devN`` version of the
next release; a release renames that section to ``[X.Y.Z] - date``, sets the version to
``X.Y.Z`` and is tagged ``vX.Y.Z`` with an annotated tag.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from datetime import date
from pathlib import Path

import pytest
from packaging.version import Version

REPO = Path(__file__).resolve().parents[1]
CHANGELOG = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
HEADING = re.compile(r"^## \[(?P<name>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?$", re.M)


def project_version() -> Version:
    """The package version, read from pyproject.toml."""
    with (REPO / "pyproject.toml").open("rb") as file:
        return Version(tomllib.load(file)["project"]["version"])


def sections() -> list[tuple[str, str | None, str]]:
    """Each ``## [...]`` section of the CHANGELOG: (name, date or None, body)."""
    found = list(HEADING.finditer(CHANGELOG))
    ends = [match.start() for match in found[1:]] + [CHANGELOG.find("\n[Unreleased]: ")]
    return [
        (match["name"], match["date"], CHANGELOG[match.end() : end])
        for match, end in zip(found, ends, strict=True)
    ]


def releases() -> list[tuple[Version, date]]:
    """The released versions, newest first, with their dates."""
    return [
        (Version(name), date.fromisoformat(day))
        for name, day, _ in sections()
        if name != "Unreleased" and day is not None
    ]


def unreleased_entries() -> list[str]:
    """The list items under ``[Unreleased]``."""
    body = next(body for name, _, body in sections() if name == "Unreleased")
    return re.findall(r"^- ", body, re.M)


def test_every_section_but_unreleased_is_a_dated_release() -> None:
    names = [(name, day) for name, day, _ in sections()]
    assert names[0] == ("Unreleased", None), names[0]
    assert all(day is not None for _, day in names[1:]), names
    assert [v for v, _ in releases()] == sorted((v for v, _ in releases()), reverse=True)
    assert [d for _, d in releases()] == sorted((d for _, d in releases()), reverse=True)


def test_the_version_says_whether_unreleased_changes_exist() -> None:
    version, (newest, _) = project_version(), releases()[0]
    if unreleased_entries():
        assert version.is_devrelease and Version(version.base_version) > newest, (
            f"[Unreleased] has entries: the version must be a .devN of the next release "
            f"(after {newest}), got {version}"
        )
    else:
        assert version == newest, f"no unreleased entries: the version must be {newest}"


def test_every_release_has_its_link_and_unreleased_compares_from_the_newest() -> None:
    base = "https://github.com/<your-org>/connect-participant-broker"
    newest = releases()[0][0]
    assert f"[Unreleased]: {base}/compare/v{newest}...HEAD" in CHANGELOG
    for version, _ in releases():
        assert f"\n[{version}]: {base}/releases/tag/v{version}" in CHANGELOG, version


def test_the_readme_install_example_is_the_newest_release() -> None:
    newest = releases()[0][0]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "(tag `v<version>`), the newest\n" in readme
    assert re.search(rf"the newest\s+`{re.escape(str(newest))}`;", readme), "README: newest release"


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()


def release_tags() -> set[str]:
    """This clone's ``v*`` tags (skips the test in a clone without any)."""
    try:
        tags = set(_git("tag", "--list", "v*").split())
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    if not tags:
        pytest.skip("a clone without tags (git clone --no-tags, or a shallow CI checkout)")
    return tags


def test_each_release_tag_is_annotated_and_carries_its_version() -> None:
    tags = release_tags()
    for version, _ in releases():
        tag = f"v{version}"
        if tag == "v0.1.0":
            continue  # 0.1.0 was released before tags: install it from its commit
        assert tag in tags, f"release {version} has no tag {tag}: git tag -a {tag}"
        assert _git("cat-file", "-t", tag) == "tag", f"{tag} must be an annotated tag"
        pyproject = _git("show", f"{tag}:pyproject.toml")
        assert f'\nversion = "{version}"\n' in pyproject, f"{tag} does not carry {version}"


#: The README's placeholder repository, as its git-tag command writes it.
_PLACEHOLDER = "https://github.com/<your-org>/connect-participant-broker"


def readme_git_requirement() -> str:
    """The quoted requirement of the README's ``# from a git tag`` command."""
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    command = lines[lines.index("# from a git tag") + 1]
    assert command.startswith('pip install "'), command
    return command.split('"')[1]


def packaged_name(tracked: str) -> str:
    """Where a tracked file lands in the wheel: ``runtime/`` installs as
    ``constructs_lib/_runtime/`` (pyproject's ``package-dir``)."""
    if tracked.startswith("runtime/"):
        return "constructs_lib/_runtime/" + tracked.removeprefix("runtime/")
    return tracked


def test_the_readme_git_tag_route_builds_the_newest_release(tmp_path: Path) -> None:
    """The README's git-tag command as written, ``file://`` standing in for the placeholder
    URL: pip clones the tag and builds from what is committed there, so a file the package
    needs that git does not track, or a tag that does not build, fails here (the wheel route
    is tested in a fresh virtualenv by ``tests/packaging``)."""
    newest = releases()[0][0]
    tag = f"v{newest}"
    if tag not in release_tags():
        pytest.skip(f"{tag} is not in this clone")
    requirement = readme_git_requirement()
    assert f"{_PLACEHOLDER}@v<version>" in requirement, requirement
    requirement = requirement.replace(_PLACEHOLDER, REPO.as_uri()).replace("<version>", str(newest))
    # --no-deps and --no-build-isolation (this environment's setuptools): nothing downloaded
    pip = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
    subprocess.run(
        [*pip, "-w", str(tmp_path), requirement],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    assert wheel.name == f"connect_participant_broker-{newest}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())
    tracked = _git("ls-tree", "-r", "--name-only", tag, "runtime", "constructs_lib").split()
    missing = sorted(packaged_name(name) for name in tracked if packaged_name(name) not in shipped)
    assert tracked, f"{tag} tracks no runtime/ or constructs_lib/ file"
    assert not missing, f"{tag} built without: {missing}"
