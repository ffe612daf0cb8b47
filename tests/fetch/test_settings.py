import pytest
from pydantic import ValidationError

from pipeline.fetch import FetchSettings


def test_defaults_are_polite_and_bounded():
    settings = FetchSettings()
    assert settings.user_agent == "newsflow/0.1 (+https://github.com/newsflow)"
    assert settings.obey_robots is True
    assert settings.per_host_delay_seconds == 1.0
    assert settings.max_crawl_delay_seconds == 30
    assert settings.max_concurrency == 8
    assert (settings.timeout_seconds, settings.connect_timeout_seconds) == (30, 10)
    assert (settings.max_body_bytes, settings.max_decompressed_bytes) == (10_000_000, 50_000_000)
    assert settings.max_redirects == 5
    assert settings.retries == 3
    assert (settings.backoff_base_seconds, settings.backoff_max_seconds) == (1.0, 60.0)
    assert settings.allowed_private_hosts == []
    assert "text/html" in settings.accepted_content_types
    assert "application/rss+xml" in settings.accepted_content_types
    assert "image/png" not in settings.accepted_content_types


def test_every_field_is_documented():
    undocumented = [name for name, info in FetchSettings.model_fields.items()
                    if not info.description]
    assert undocumented == []


def test_accepted_content_types_are_compared_in_lower_case():
    settings = FetchSettings(accepted_content_types=[" Text/HTML "])
    assert settings.accepted_content_types == ["text/html"]


@pytest.mark.parametrize("settings", [
    pytest.param({"allowed_private_hosts": ["10.0.0.0/33"]}, id="bad-cidr"),
    pytest.param({"max_concurrency": 0}, id="no-concurrency"),
    pytest.param({"timeout_seconds": 0}, id="zero-timeout"),
])
def test_invalid_settings_are_refused(settings):
    with pytest.raises(ValidationError):
        FetchSettings.model_validate(settings)
