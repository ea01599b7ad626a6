"""The plugin's version: a leaf that every layer may read.

Kept out of the package's ``__init__`` so that the commands and the
life-cycle tool can name it without importing the entry points above them.
"""

__version__ = "0.1.0"
