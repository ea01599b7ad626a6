"""Every module of the package imports inside AWS's frozen CLI v2.

AWS's installers ship CLI v2 frozen (PyInstaller): a Python of its own
(3.14 in 2.38) and only the standard-library modules the CLI's own code
imports, so a plugin importing anything else fails there with
ModuleNotFoundError, and only there. No interpreter of the bundle can be
started by hand: a plugin is the one way in. So the test takes the path a
user's plugin takes: `aws-regional-sts enable --aws <frozen aws>` copies the
package into ~/.aws/cli/plugins/regional-sts/ and writes
`cli_legacy_plugin_path`; a test-only plugin beside it
(testing/import_probe.py, listed first in [plugins]) then imports every
module of the copy the CLI found, recording every warning, while the CLI
runs a routed `aws sts get-caller-identity`.
"""

from __future__ import annotations

import json
import shutil

from testing.clients import CLI_V2_FROZEN, REPO_ROOT, AwsEnv, aws_command
from testing.import_probe import PROBE_ENV, module_names
from tests.e2e.test_installer import SYSTEM_PATH, enable, plugin_dir

TOKYO_HOST = "sts.ap-northeast-1.amazonaws.com"


def test_every_module_imports_in_the_frozen_cli_from_the_enabled_directory(
    aws_env: AwsEnv,
) -> None:
    (aws,) = aws_command(CLI_V2_FROZEN)
    done = enable(aws_env, aws)
    assert done.returncode == 0, done.stderr
    assert "bundled" in done.stdout and "no Python to check with" in done.stdout
    directory = plugin_dir(aws_env)
    shutil.copy(
        REPO_ROOT / "testing" / "import_probe.py", directory / "awscli_import_probe.py"
    )
    written = aws_env.config_file.read_text()
    assert written.startswith("[plugins]\n"), written
    # First in [plugins]: its awscli_initialize runs before the plugin's.
    aws_env.config = written.replace(
        "[plugins]\n", "[plugins]\nimport_probe = awscli_import_probe\n", 1
    ) + ("\n[profile tokyo]\nsts_region = ap-northeast-1\n")
    aws_env.add_keys("tokyo", aws_env.simulator.add_user("frozen"))
    aws_env.write_files(CLI_V2_FROZEN, plugin=False)
    report = aws_env.root / "imports.json"

    ran = aws_env.run(
        CLI_V2_FROZEN,
        "sts",
        "get-caller-identity",
        "--profile",
        "tokyo",
        plugin=False,
        env={PROBE_ENV: str(report), "PATH": SYSTEM_PATH},
    ).check()

    # Nothing printed but the answer: no warning, no traceback.
    assert ran.stderr == ""
    assert [(r.host, r.status) for r in aws_env.simulator.requests] == [
        (TOKYO_HOST, 200)
    ]
    document = json.loads(report.read_text())
    assert document["frozen"] is True, document["executable"]
    expected = module_names(str(REPO_ROOT / "awscli_regional_sts"))
    assert [m["module"] for m in document["modules"]] == expected
    assert len(expected) > 80
    failed = {m["module"]: m["error"] for m in document["modules"] if m["error"]}
    assert not failed, failed
    warned = {m["module"]: m["warnings"] for m in document["modules"] if m["warnings"]}
    assert not warned, warned
    # Each module came from the directory `enable` filled, not the checkout.
    outside = [
        m["file"]
        for m in document["modules"]
        if not str(m["file"]).startswith(f"{directory}/")
    ]
    assert not outside, outside
