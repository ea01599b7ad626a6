"""The activation check's CLI glue: with ``../command.py``, the only code
that imports awscli. It parses, prints, writes and decides the exit
status; it imports the run and the model, never the other way."""
