"""What ``aws sts`` gains: one subpackage per command. Each registers its
command table entry from ``plugin/registry.py`` and loads its logic only
when it runs."""
