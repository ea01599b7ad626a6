"""conftest's guard on the modes of ``/`` and ``/tmp``: which processes a
change fails (``make mutation`` runs several children at once)."""

from __future__ import annotations

import pytest

from tests.unit.conftest import could_change_folder_modes


@pytest.mark.parametrize(
    "mutant",
    [
        "",  # a plain pytest run, or mutmut's clean run
        "stats",  # mutmut's run that maps tests to functions: no mutant
        "awscli_regional_sts.aws.files.x__open_child__mutmut_28",
        "awscli_regional_sts.aws.files.x_write_json__mutmut_3",
    ],
)
def test_a_change_fails_the_test_where_this_process_could_have_made_it(
    mutant: str,
) -> None:
    assert could_change_folder_modes(mutant)


@pytest.mark.parametrize(
    "mutant",
    [
        "awscli_regional_sts.bridge.store.x__time__mutmut_12",
        "awscli_regional_sts.plugin.registration.x__deferred__mutmut_5",
        # A module whose name begins like files.py's is another module.
        "awscli_regional_sts.aws.filesystem.x_walk__mutmut_1",
    ],
)
def test_a_change_seen_by_another_modules_mutant_is_another_childs(
    mutant: str,
) -> None:
    assert not could_change_folder_modes(mutant)
