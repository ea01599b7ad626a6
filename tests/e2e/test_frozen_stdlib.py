"""The plugin needs no standard-library module that CLI v2 does not load.

AWS's installers ship CLI v2 frozen (PyInstaller): the bundle carries the
standard-library modules that the CLI's own code reaches, and no more, so a
plugin importing anything else fails there with ModuleNotFoundError. No
frozen CLI v2 runs here; the closest check is against the CLI v2 that does
(Debian's 2.9.19 on /usr/bin/python3): every standard-library module that
any file of the package imports, at module level or inside a function
(activation-check, failover, the life-cycle commands, the credentials bridge
if present), must be one that this CLI v2 itself has loaded after a few
ordinary commands run *without* the plugin. What the CLI loads is a lower
bound of what its bundle holds (PyInstaller follows every import it can
see), so a module passing here is in the bundle; one failing might still be
there, but nothing here could prove it.

How the loaded set is read: the `aws` script runs under exec() in a
wrapper that imports nothing (sys is built in), and writes `sys.modules`
when the command ends; no sitecustomize, no -X flag whose own imports could
add modules.
"""

from __future__ import annotations

import ast
import importlib.util
import subprocess

from testing.clients import CLI_V2, DEBIAN_AWS, REPO_ROOT, AwsEnv, aws_command

PACKAGE = REPO_ROOT / "awscli_regional_sts"
#: The Python that Debian's CLI v2 runs on (its script's shebang).
CLI_V2_PYTHON = "/usr/bin/python3"

#: Runs the `aws` script as its shebang would, then lists sys.modules.
#: argv: OUT AWS ARGS...
WRAPPER = """
import sys
out, aws = sys.argv[1], sys.argv[2]
sys.argv = sys.argv[2:]
sys.path[0] = aws.rpartition("/")[0]
try:
    with open(aws) as script:
        code = compile(script.read(), aws, "exec")
    exec(code, {"__name__": "__main__", "__file__": aws})
finally:
    with open(out, "w") as listing:
        listing.write("\\n".join(sorted(sys.modules)))
"""


def _under_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _Imports(ast.NodeVisitor):
    """Every module an ``import`` statement names, at any depth, except
    under ``if TYPE_CHECKING:`` (never run)."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_If(self, node: ast.If) -> None:
        if _under_type_checking(node):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.names.update(alias.name for alias in node.names)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module or node.module == "__future__":
            return
        self.names.add(node.module)
        # `from os import path` imports the module os.path.
        self.names.update(f"{node.module}.{alias.name}" for alias in node.names)


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def stdlib_module_names() -> set[str]:
    """The standard library's top-level modules, as CLI v2's Python lists
    them (sys.stdlib_module_names is 3.10+; the tests may run on 3.9)."""
    listing = subprocess.run(
        [CLI_V2_PYTHON, "-c", "import sys; print(*sys.stdlib_module_names)"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(listing.stdout.split())


def package_stdlib_imports() -> dict[str, list[str]]:
    """{standard-library module: [files importing it]} for the package."""
    stdlib = stdlib_module_names()
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        visitor = _Imports()
        visitor.visit(ast.parse(path.read_text(), str(path)))
        for name in visitor.names:
            if name.split(".")[0] in stdlib and _is_module(name):
                found.setdefault(name, []).append(str(path.relative_to(REPO_ROOT)))
    return found


def cli_v2_loaded(env: AwsEnv, *commands: tuple[str, ...]) -> set[str]:
    """Modules CLI v2 (without the plugin) has loaded, over ``commands``,
    plus the interpreter's built-in modules (always in a bundle)."""
    (aws,) = aws_command(CLI_V2)
    python = CLI_V2_PYTHON
    builtins = subprocess.run(
        [python, "-c", "import sys; print('\\n'.join(sys.builtin_module_names))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    loaded = set(builtins)
    env.write_files(CLI_V2, plugin=False)
    for number, args in enumerate(commands):
        out = env.root / f"modules-{number}.txt"
        done = subprocess.run(
            [python, "-c", WRAPPER, str(out), aws, *args],
            env=env.env(),
            capture_output=True,
            text=True,
            timeout=120,
            cwd=env.home,
        )
        assert done.returncode == 0, done.stderr
        loaded.update(out.read_text().split())
    return loaded


def test_every_stdlib_module_the_package_imports_is_loaded_by_cli_v2(
    aws_env: AwsEnv,
) -> None:
    if not DEBIAN_AWS.exists():
        aws_command(CLI_V2)  # ClientMissing: skipped
    aws_env.add_keys("default", aws_env.simulator.add_user("frozen"))
    aws_env.config = "[default]\nregion = ap-northeast-1\n"
    loaded = cli_v2_loaded(
        aws_env,
        ("--version",),
        ("sts", "get-caller-identity"),
        ("configure", "list"),
    )
    # The wrapper itself must not have pulled anything in: a module the
    # CLI surely never needs stays out.
    assert "statistics" not in loaded and "tkinter" not in loaded
    needed = package_stdlib_imports()
    assert "json" in needed and "difflib" in needed  # sanity
    offending = {
        name: files for name, files in sorted(needed.items()) if name not in loaded
    }
    assert not offending, (
        "standard-library modules the plugin imports but CLI v2 never loads "
        "(a frozen CLI v2 may not carry them): "
        + "; ".join(f"{name} ({', '.join(files)})" for name, files in offending.items())
    )
