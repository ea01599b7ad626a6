"""What the commands that work on AWS accounts share, so that each reaches
accounts the same way.

* ``members``: an organization's accounts (ListAccounts, a page at a time),
  which of them to take, each member's role; the defaults for both.
* ``credentials``: the caller's credentials, AssumeRole of a member role,
  and keeping their secrets out of the ``--debug`` log only while in use.
* ``redaction``: the log filter that does that.
* ``arguments``: account ids, role names and whole numbers, checked, one
  line each; the running CLI's status for a bad parameter.
* ``progress``: the progress line on a terminal.

Imported only when a command runs, never when the ``sts`` command table is
built.
"""
