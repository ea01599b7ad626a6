"""activation-check for fleets: ``--baseline`` (drift), ``--report``
(CSV and HTML files), ``--shard K/N`` and ``--merge``.

Plain logic over the command's JSON report (dicts), apart from the CLI:
``shards`` (which accounts a shard holds), ``documents`` (reports read
back and checked), ``merge`` (shards into one report), ``drift`` (changes
since a baseline), ``report_csv`` / ``report_html`` (the files) and
``report_file`` (which file, written atomically). The CLI glue:
``arguments`` (the options, checked before anything is sent) and
``command`` (applied at the end of a run; ``--merge``; exit statuses).
"""
