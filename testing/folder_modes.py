"""The one module of the package that sets the mode of folders it walks.

``aws/files.py`` walks every folder from ``/`` and sets modes, so a mutant
of it can change the mode of ``/`` or ``/tmp`` (the suite runs as root).
Two places act on that, from this one name: ``make mutation`` runs its
mutants alone, after the rest (``scripts/mutation.py``'s ``ALONE``), and
the unit tests' guard on those folders fails a test only where its own
process could have made the change (``tests/unit/conftest.py``). Kept in
testing/ because mutmut copies it beside the tests (pyproject.toml's
``also_copy``), where scripts/ is not.
"""

from __future__ import annotations

#: mutmut's name of the module (its mutants are ``NAME.x_function__mutmut_N``).
FOLDER_MODE_SETTER = "awscli_regional_sts.aws.files"
