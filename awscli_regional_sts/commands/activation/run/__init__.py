"""The activation check's run: the code that talks to botocore (clients,
probes, one account's check, the organization's). It imports the model
(``commands/activation/model``), never the CLI glue."""
