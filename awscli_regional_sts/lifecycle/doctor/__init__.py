"""``aws-regional-sts doctor``: is the plugin set up right for one ``aws``?

Everything here looks from outside, as ``installer.py`` does: the CLI's
version from ``aws --version``, its config files as text, the plugin's import
in the Python ``aws`` runs on. No request goes to AWS: the last check asks
the CLI itself something that sends nothing (``aws sts resolve-endpoint``
where the CLI has it, else the help of ``aws sts activation-check``), which
proves the CLI loads the plugin. One line per finding, each problem with the
command that fixes it; exit status 0 when healthy, 1 otherwise.
"""

from awscli_regional_sts.lifecycle.doctor.command import doctor_arguments, run_doctor

__all__ = ["doctor_arguments", "run_doctor"]
