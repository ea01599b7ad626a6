"""What runs inside every ``aws`` and boto3 process that loads the plugin.

The handler table (``registry``), putting it on an emitter or session
(``registration``), the profile's settings, routing, failover and its
memory, nearest-region choice and its cache. Empty on purpose: the AWS CLI
imports this package for every command.
"""
