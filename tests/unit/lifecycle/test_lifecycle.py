"""The life-cycle commands' parts that need no `aws` process: config-file
text, the plugin directory, what disable removes, doctor's key and region
checks (end to end with each real CLI: tests/e2e/test_lifecycle.py)."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest

from awscli_regional_sts.aws.untrusted import quote
from awscli_regional_sts.lifecycle import plugindir
from awscli_regional_sts.lifecycle.configfile import ConfigText
from awscli_regional_sts.lifecycle.detection import AwsCli
from awscli_regional_sts.lifecycle.disable import lines_to_remove
from awscli_regional_sts.lifecycle.doctor import cli_checks, profile_checks
from awscli_regional_sts.lifecycle.doctor.findings import Context, Status
from testing.clients import REPO_ROOT

CONFIG = (
    "# top comment\n"
    "[plugins]\n"
    "endpoint = awscli_plugin_endpoint\n"
    "regional_sts = awscli_regional_sts\n"
    "cli_legacy_plugin_path = {path}\n"
    "[profile a]\n"
    "sts_region = eu-west-1\n"
    "s3 =\n"
    "    max_concurrent_requests = 4\n"
)


def config(tmp_path: Path, text: str) -> ConfigText:
    path = tmp_path / "config"
    path.write_text(text)
    return ConfigText.read(path)


def test_entries_and_sections(tmp_path: Path) -> None:
    text = config(tmp_path, CONFIG.format(path="/p"))
    assert text.section("plugins") == {
        "endpoint": "awscli_plugin_endpoint",
        "regional_sts": "awscli_regional_sts",
        "cli_legacy_plugin_path": "/p",
    }
    assert text.section("profile a") == {"sts_region": "eu-west-1", "s3": ""}
    assert text.sections() == ["plugins", "profile a"]


def test_without_drops_a_key_and_its_continuation_lines(tmp_path: Path) -> None:
    text = config(tmp_path, CONFIG.format(path="/p"))
    s3 = [e for e in text.entries() if e.key == "s3"]
    assert text.without(s3).decode() == CONFIG.format(path="/p").replace(
        "s3 =\n    max_concurrent_requests = 4\n", ""
    )


def test_absent_file_is_empty(tmp_path: Path) -> None:
    assert ConfigText.read(tmp_path / "nothing").entries() == []


def test_plugin_directory_holds_only_the_plugin(tmp_path: Path) -> None:
    directory = tmp_path / "plugins" / "regional-sts"
    plugindir.install(directory)
    assert sorted(p.name for p in directory.iterdir()) == [
        plugindir.MARKER,
        "awscli_regional_sts",
    ]
    assert not list(directory.rglob("__pycache__"))
    plugindir.install(directory)  # again: replaced in place
    assert plugindir.is_ours(directory) and plugindir.extra_entries(directory) == []
    assert plugindir.remove(directory) and not directory.exists()


def test_a_foreign_directory_is_neither_filled_nor_removed(tmp_path: Path) -> None:
    (tmp_path / "botocore").mkdir()
    with pytest.raises(plugindir.PluginDirError, match="not made by"):
        plugindir.install(tmp_path)
    assert plugindir.shadowing_entries(tmp_path) == ["botocore"]
    assert plugindir.remove(tmp_path) is False
    assert (tmp_path / "botocore").exists()


def test_disable_keeps_the_path_while_another_plugin_needs_it(tmp_path: Path) -> None:
    ours = tmp_path / "ours"
    plugindir.install(ours)
    removal = lines_to_remove(config(tmp_path, CONFIG.format(path=ours)))
    assert [e.key for e in removal.entries] == ["regional_sts"]
    assert removal.directory == ours
    assert removal.other_plugins == ["endpoint"]


def test_disable_removes_the_path_when_nothing_else_needs_it(tmp_path: Path) -> None:
    ours = tmp_path / "ours"
    plugindir.install(ours)
    text = CONFIG.format(path=ours).replace("endpoint = awscli_plugin_endpoint\n", "")
    removal = lines_to_remove(config(tmp_path, text))
    assert [e.key for e in removal.entries] == [
        "regional_sts",
        "cli_legacy_plugin_path",
    ]


def test_disable_leaves_a_foreign_path(tmp_path: Path) -> None:
    text = CONFIG.format(path=tmp_path / "elsewhere").replace(
        "endpoint = awscli_plugin_endpoint\n", ""
    )
    removal = lines_to_remove(config(tmp_path, text))
    assert [e.key for e in removal.entries] == ["regional_sts"]
    assert removal.directory is None


def context(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> Context:
    cli = AwsCli("/usr/bin/aws", "2.9.19", 2, "/usr/bin/python3")
    empty = tmp_path / "credentials"
    return Context(cli, "a", config(tmp_path, text), ConfigText.read(empty), env or {})


@pytest.mark.parametrize(
    ("key", "meant"),
    [
        ("sts-region", "sts_region"),
        ("STS_REGION", "sts_region"),
        ("sts_regions", "sts_region"),
        ("sts_fallbacks", "sts_fallback"),
        ("sts-timeout", "sts_timeout"),
        ("sts_timout", "sts_timeout"),
    ],
)
def test_misspelled_keys(tmp_path: Path, key: str, meant: str) -> None:
    text = f"[plugins]\nregional_sts = awscli_regional_sts\n[profile a]\n{key} = 5\n"
    (finding,) = profile_checks.key_checks(context(tmp_path, text))
    assert finding.status is Status.PROBLEM
    assert f"did you mean {meant}?" in finding.message
    assert finding.fix.startswith(f"aws configure set {meant} 5 --profile a")


def test_botocore_keys_and_other_keys_are_no_typos(tmp_path: Path) -> None:
    text = (
        "[plugins]\nregional_sts = awscli_regional_sts\n[profile a]\n"
        "sts_regional_endpoints = regional\nregion = eu-west-1\n"
        "sts_region = eu-west-1\n"
    )
    assert profile_checks.key_checks(context(tmp_path, text)) == []


def test_keys_without_the_plugin(tmp_path: Path) -> None:
    (finding,) = profile_checks.key_checks(
        context(tmp_path, "[profile a]\nsts_region = eu-west-1\n")
    )
    assert "no plugin reads them" in finding.message
    assert finding.fix == "aws-regional-sts enable --aws /usr/bin/aws"


def test_unknown_regions_with_did_you_mean(tmp_path: Path) -> None:
    text = "[profile a]\nsts_region = eu-wset-1\nsts_fallback = global,us-west-22\n"
    findings = profile_checks.region_checks(
        context(tmp_path, text, {"AWS_STS_REGION": "x\x1b"})
    )
    messages = [f.message for f in findings]
    assert "did you mean eu-west-1?" in messages[0]
    assert findings[0].fix == "aws configure set sts_region eu-west-1 --profile a"
    assert "'us-west-22'" in messages[1] and "did you mean us-west-2?" in messages[1]
    assert (
        findings[1].fix
        == "aws configure set sts_fallback 'global us-west-2' --profile a"
    )
    assert "'x\\x1b'" in messages[2]  # escaped, never raw
    assert findings[2].fix == "export AWS_STS_REGION=REGION"


def test_auto_and_global_are_not_regions_but_fine(tmp_path: Path) -> None:
    text = "[profile a]\nsts_region = auto\nsts_fallback = eu-west-1 global\n"
    (finding,) = profile_checks.region_checks(context(tmp_path, text))
    assert finding.status is Status.OK


def test_long_values_are_cut(tmp_path: Path) -> None:
    assert quote("a" * 1000) == "'" + "a" * 40 + "...' (1000 characters)"


def answers(
    monkeypatch: pytest.MonkeyPatch, replies: dict[str, tuple[int, str, str]]
) -> list[str]:
    """Stand in for the `aws` process: reply per subcommand, log the calls."""
    calls: list[str] = []

    def run(context: Context, *args: str) -> subprocess.CompletedProcess[str]:
        calls.append(args[1])
        code, out, err = replies[args[1]]
        return subprocess.CompletedProcess(list(args), code, out, err)

    monkeypatch.setattr(cli_checks, "_run_aws", run)
    return calls


def test_load_check_uses_resolve_endpoint_where_the_cli_has_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = answers(
        monkeypatch,
        {"resolve-endpoint": (0, '{"Url": "https://sts.eu-west-1.amazonaws.com"}', "")},
    )
    finding = cli_checks.load_check(context(tmp_path, ""))
    assert finding.status is Status.OK
    assert "STS calls go to https://sts.eu-west-1.amazonaws.com" in finding.message
    assert calls == ["resolve-endpoint"]


def test_load_check_falls_back_without_resolve_endpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    invalid = "aws: error: argument operation: Invalid choice, valid choices are:"
    calls = answers(
        monkeypatch,
        {
            "resolve-endpoint": (252, "", invalid),
            "activation-check": (1, "", "Unknown options"),
        },
    )
    finding = cli_checks.load_check(context(tmp_path, ""))
    assert finding.status is Status.PROBLEM
    assert "does not load the plugin" in finding.message
    assert calls == ["resolve-endpoint", "activation-check"]


def test_values_from_the_credentials_file_are_never_echoed(tmp_path: Path) -> None:
    (tmp_path / "credentials").write_text("[a]\nsts-region = s3cr3t-value\n")
    (finding,) = profile_checks.key_checks(
        context(tmp_path, "[plugins]\nregional_sts = awscli_regional_sts\n")
    )
    assert "did you mean sts_region?" in finding.message
    assert "s3cr3t" not in finding.message + finding.fix
    assert finding.fix.startswith("aws configure set sts_region VALUE --profile a")


def test_profile_keys_are_the_ones_settings_reads() -> None:
    from awscli_regional_sts.plugin import profilekeys, settings

    assert profilekeys.NAMES == (
        settings.PROFILE_KEY,
        settings.FALLBACK_KEY,
        settings.TIMEOUT_KEY,
    )
    assert profilekeys.AUTO == settings.AUTO


def _module_file(module: str) -> Path | None:
    """The source file of a module or package of the repository, if any."""
    base = REPO_ROOT / module.replace(".", "/")
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _module_level_imports(module: str) -> set[str]:
    """Modules imported at module level (not in functions, not under
    ``if TYPE_CHECKING``) by one module of the package."""
    path = _module_file(module)
    assert path is not None, module
    found: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize(
    "command",
    [
        "awscli_regional_sts.lifecycle.installer",
        "awscli_regional_sts.lifecycle.disable",
        "awscli_regional_sts.lifecycle.doctor",
    ],
)
def test_life_cycle_commands_start_without_botocore(command: str) -> None:
    """They run on any Python 3.9+ (the README's recipe for a frozen CLI v2
    uses one without botocore): nothing they import at start-up needs it."""
    seen: set[str] = set()
    todo = [command]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        for name in _module_level_imports(module):
            assert not name.startswith("botocore"), f"{module} imports {name}"
            if name.startswith("awscli_regional_sts."):
                parts = name.split(".")
                # `from package import module` names a module; `from module
                # import NAME` names a module's attribute.
                # Importing a module also runs its packages' __init__.
                for end in range(2, len(parts) + 1):
                    candidate = ".".join(parts[:end])
                    if _module_file(candidate) is not None:
                        todo.append(candidate)
    assert "awscli_regional_sts.plugin.settings" not in seen


def test_the_copied_package_is_the_whole_plugin() -> None:
    """What ``enable`` copies for CLI v2 is the package itself, entry point
    and handlers included, not the life-cycle folder it runs from."""
    package = plugindir.running_package()
    assert package.name == "awscli_regional_sts"
    assert (package / "__init__.py").is_file()
    assert (package / "plugin" / "registration.py").is_file()
