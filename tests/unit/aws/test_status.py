"""The words of reports and cache files: each prints as its plain value,
also inside a format spec (the table columns of reports)."""

from __future__ import annotations

import json

from awscli_regional_sts.aws.status import MeasurementMethod, RegionStatus


def test_words_print_and_serialise_as_their_value() -> None:
    assert str(RegionStatus.NOT_ENABLED) == "not-enabled"
    assert f"{MeasurementMethod.FIRST_USE}" == "first use"
    assert f"[{RegionStatus.ACTIVE:<8}]" == "[active  ]"
    assert f"[{RegionStatus.INACTIVE:>10}]" == "[  inactive]"
    assert json.dumps({"Status": RegionStatus.UNKNOWN}) == '{"Status": "unknown"}'
