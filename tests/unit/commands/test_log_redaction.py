"""accounts/redaction.py: issued credentials blanked out of every log
handler's records while a command runs (botocore's --debug log prints
response bodies and signed requests), each pattern exactly, and the filter
gone again after."""

from __future__ import annotations

import io
import logging

import pytest

from awscli_regional_sts.commands.accounts.redaction import (
    CredentialRedactor,
    credentials_redacted_in_logs,
)


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        (
            "<SecretAccessKey>s/k+1</SecretAccessKey><SessionToken>t=</SessionToken>",
            "<SecretAccessKey><redacted></SecretAccessKey>"
            "<SessionToken><redacted></SessionToken>",
        ),
        # A tag that does not close itself keeps its text.
        ("<SessionToken>t</SecretAccessKey>", "<SessionToken>t</SecretAccessKey>"),
        (
            "{\"SecretAccessKey\": \"s1\", 'sessionToken':b't1', "
            '"secretAccessKey":"s2"}',
            "{\"SecretAccessKey\": \"<redacted>\", 'sessionToken':b'<redacted>', "
            '"secretAccessKey":"<redacted>"}',
        ),
        ('{"SessionToken" :  "t2"}', '{"SessionToken" :  "<redacted>"}'),
        (
            "x-amz-security-token:tok3\nhost:sts",
            "x-amz-security-token:<redacted>\nhost:sts",
        ),
        (
            "{'X-Amz-Security-Token': b'tok2', 'a': 'b'}",
            "{'X-Amz-Security-Token': b'<redacted>', 'a': 'b'}",
        ),
        ("?X-Amz-Security-Token=tok4&a=1", "?X-Amz-Security-Token=<redacted>&a=1"),
        ("AccessKeyId: ASIA1234", "AccessKeyId: ASIA1234"),
    ],
)
def test_each_pattern_blanks_only_the_secret(text: str, redacted: str) -> None:
    assert CredentialRedactor().redact(text) == redacted


def test_known_values_are_blanked_until_discarded() -> None:
    redactor = CredentialRedactor()
    # Values under 8 characters, empty or None would blank common words.
    redactor.add("LONGSECRET", "12345678", "1234567", "", None)
    assert redactor.redact("a LONGSECRET b 12345678 c 1234567") == (
        "a <redacted> b <redacted> c 1234567"
    )
    redactor.discard("LONGSECRET", None, "")
    assert redactor.redact("LONGSECRET 12345678") == "LONGSECRET <redacted>"


def record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(
        "botocore", logging.DEBUG, __file__, 1, message, args, None
    )


def test_the_filter_rewrites_a_record_only_when_it_held_a_secret() -> None:
    redactor = CredentialRedactor()
    redactor.add("LONGSECRET")
    leaking = record("body: %s %d", "LONGSECRET", 3)
    assert redactor.filter(leaking) is True
    assert (leaking.msg, leaking.args) == ("body: <redacted> 3", None)
    assert leaking.getMessage() == "body: <redacted> 3"
    clean = record("body: %s", "nothing")
    assert redactor.filter(clean) is True
    assert (clean.msg, clean.args) == ("body: %s", ("nothing",))
    # A record that cannot be formatted is let through unchanged.
    broken = record("%d", "x")
    assert redactor.filter(broken) is True
    assert (broken.msg, broken.args) == ("%d", ("x",))


def test_every_handler_redacts_while_inside_and_none_after() -> None:
    root_stream, named_stream = io.StringIO(), io.StringIO()
    root_handler = logging.StreamHandler(root_stream)
    named_handler = logging.StreamHandler(named_stream)
    named = logging.getLogger("tests.redaction.named")
    logging.getLogger().addHandler(root_handler)
    named.addHandler(named_handler)
    named.setLevel(logging.DEBUG)
    named.propagate = False
    # A placeholder (a dotted name's parent not yet made) has no handlers.
    logging.getLogger("tests.redaction.placeholder.child")
    try:
        with credentials_redacted_in_logs() as redactor:
            redactor.add("LONGSECRET")
            assert redactor in root_handler.filters
            assert redactor in named_handler.filters
            named.debug("in: %s", "LONGSECRET")
            logging.getLogger().warning("root: LONGSECRET")
        assert redactor not in root_handler.filters
        assert redactor not in named_handler.filters
        named.debug("out: %s", "LONGSECRET")
    finally:
        logging.getLogger().removeHandler(root_handler)
        named.removeHandler(named_handler)
    assert named_stream.getvalue() == "in: <redacted>\nout: LONGSECRET\n"
    assert root_stream.getvalue() == "root: <redacted>\n"


def test_the_filter_is_removed_when_the_command_fails() -> None:
    handler = logging.StreamHandler(io.StringIO())
    logging.getLogger().addHandler(handler)
    try:
        with pytest.raises(RuntimeError), credentials_redacted_in_logs() as redactor:
            raise RuntimeError
        assert redactor not in handler.filters
    finally:
        logging.getLogger().removeHandler(handler)
