"""``aws sts resolve-endpoint``: the CLI glue around ``report``.

Prints where the profile's STS calls will go, and why, through the CLI's
own formatter (``--output``, ``--query``). Sends nothing. This module is
imported whenever the ``sts`` command table is built, i.e. for every
``aws sts ...`` command, so it imports only the CLI's command base class;
the report's modules load when the command runs.
"""

from __future__ import annotations

from typing import Any

from awscli.customizations.commands import BasicCommand


class ResolveEndpointCommand(BasicCommand):  # type: ignore[misc]
    NAME = "resolve-endpoint"

    SYNOPSIS = "aws sts resolve-endpoint [--profile <value>] [--region <value>]"

    DESCRIPTION = (
        "Show where the STS calls of the profile will go, and why, without "
        "sending any request: the URL and signing region (resolved by "
        "botocore's own STS endpoint rules, as a real call resolves them), "
        "the setting that chose them (``sts_region`` of the profile, the "
        "environment variable ``AWS_STS_REGION``, or the cache file of "
        "``sts_region = auto`` and its age), or why the plugin changes "
        "nothing, the failover hops of ``sts_fallback`` with their URLs, the "
        "STS timeout, partition, FIPS and dual-stack, a configured endpoint "
        "that wins, and the plugin's version. ``sts_region = auto`` is never "
        "measured here: without a fresh cache file the report says that the "
        "first STS call will measure.\n\n"
        "Output fields: ``Profile``; ``Url`` and ``SigningRegion``: where "
        "the profile's STS calls go and the region they are signed for; "
        "``Rerouted``: true when the plugin changes botocore's choice; "
        "``Reason``: the setting behind ``Url``, or why the plugin changes "
        "nothing; ``BotocoreUrl`` and ``BotocoreSigningRegion``: botocore's "
        "own choice, without the plugin; ``StsRegion``: the configured value "
        "(``auto`` included); ``Auto``: for ``sts_region = auto``, what its "
        "cache says (``Region``, ``Note``, ``CacheFile``, ``AgeSeconds``, "
        "``Method``, ``Account``); ``Fallback``: each failover hop "
        "(``Entry``, ``Url``, ``SigningRegion``, ``Scheme``, ``RegionSet``, "
        "``Skipped``: why failover skips it) in order; "
        "``FallbackSource``; ``TimeoutSeconds`` and ``TimeoutSource``: the "
        "connect and read timeout of STS clients; ``Partition``; ``Fips`` "
        "and ``DualStack``; ``ConfiguredEndpoint``: an endpoint URL you "
        "configured, which wins over the plugin; ``Scheme`` (``sigv4`` or "
        "``sigv4a``, from ``auth_scheme_preference``) and ``RegionSet``: how "
        "the first request is signed and the ``X-Amz-Region-Set`` it carries; "
        "``Warnings``: what the profile's calls cannot do as configured, "
        "each with its fix (a failover entry outside "
        "``sigv4a_signing_region_set``; AssumeRoot, GetDelegatedAccessToken "
        "and GetWebIdentityToken sent to the global endpoint, which does "
        "not serve them); ``PluginVersion``.\n\n"
        "A bad setting stops the command with the same one line that the "
        "first STS call would print (exit status 255)."
    )

    EXAMPLES = (
        "**To see where a profile's STS calls go**\n\n"
        "::\n\n"
        "    aws sts resolve-endpoint --profile tokyo\n\n"
        "**To print only the URL**\n\n"
        "::\n\n"
        "    aws sts resolve-endpoint --profile tokyo --query Url --output text\n"
    )

    ARG_TABLE: list[dict[str, Any]] = []

    def _run_main(self, parsed_args: Any, parsed_globals: Any) -> int:
        # Loaded only when the command runs: this module is imported by
        # every `aws sts ...` command.
        from awscli_regional_sts.commands.accounts.output import print_document
        from awscli_regional_sts.commands.resolve_endpoint.report import (
            client_builtins,
            describe_route,
        )
        from awscli_regional_sts.commands.resolve_endpoint.signing_view import (
            client_signing,
        )

        session = self._session
        # The class's own create_client: the plugin's wrapper on the session
        # would read the settings, which for sts_region = auto measures.
        # Placeholder keys: no credential provider runs (it might call STS
        # or a credential process); nothing is signed or sent.
        client = type(session).create_client(
            session,
            "sts",
            region_name=parsed_globals.region,
            endpoint_url=parsed_globals.endpoint_url,
            verify=parsed_globals.verify_ssl,
            aws_access_key_id="resolve-endpoint",
            aws_secret_access_key="nothing-is-signed",  # nosec B106  # a dummy key: resolve-endpoint signs nothing and sends nothing
        )
        report = describe_route(
            session, client_builtins(client), signing=client_signing(client)
        )
        print_document(self.NAME, report.to_dict(), session, parsed_globals)
        return 0


def inject_command(command_table: Any, session: Any, **kwargs: Any) -> None:
    """Handle ``building-command-table.sts``: add ``resolve-endpoint``."""
    command_table[ResolveEndpointCommand.NAME] = ResolveEndpointCommand(session)
