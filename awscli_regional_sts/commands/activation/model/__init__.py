"""The activation check's model: plain data and pure functions (the facts'
table, the report, the exit statuses). Nothing here imports botocore or
awscli, the run or the CLI glue."""
