"""Settings: embedded defaults, a TOML file, KIOSK_* variables, and a clear error for bad values."""

from __future__ import annotations

import pytest

from kiosk.config.settings import SettingsError, load_settings
from kiosk.core.staff_pins import verify_pin


def test_embedded_defaults(where) -> None:
    settings = load_settings(where)
    assert settings.idle_timeout_s == 120
    assert settings.idle_countdown_s == 15
    assert settings.language == "zh"
    assert settings.catalog_path.is_file()
    assert verify_pin("246810", settings.staff_pin_hash)  # the README's demo PIN


def test_toml_file_then_environment(where, monkeypatch: pytest.MonkeyPatch) -> None:
    where.config_file.parent.mkdir(parents=True, exist_ok=True)
    where.config_file.write_text('kiosk_id = "hall-07"\nidle_timeout_s = 90\n', encoding="utf-8")
    assert load_settings(where).kiosk_id == "hall-07"
    monkeypatch.setenv("KIOSK_IDLE_TIMEOUT_S", "60")
    settings = load_settings(where)
    assert (settings.kiosk_id, settings.idle_timeout_s) == ("hall-07", 60)


@pytest.mark.parametrize(
    ("toml", "complaint"),
    [
        ("idle_timeout_s = -1\n", "idle_timeout_s: Input should be greater than 0"),
        ('language = "fr"\n', "language: Input should be 'zh' or 'en'"),
        ('kiosk_id = "hall 1"\n', "kiosk_id: String should match pattern"),
        ("idle_timeout = 30\n", "idle_timeout: Extra inputs are not permitted"),
        ('catalog_path = "/nowhere.json"\n', "catalog_path /nowhere.json is not a file"),
        ("idle_timeout_s = \n", "cannot read the kiosk settings"),
        ('token_key_kind = "dsa"\n', "token_key_kind: Input should be 'ec', 'rsa' or 'sm2'"),
        ('token_policy_path = "/nowhere.json"\n', "token_policy_path /nowhere.json is not a file"),
        ("token_poll_s = 0\n", "token_poll_s: Input should be greater than 0"),
    ],
)
def test_bad_settings_name_the_setting(where, toml: str, complaint: str) -> None:
    where.config_file.parent.mkdir(parents=True, exist_ok=True)
    where.config_file.write_text(toml, encoding="utf-8")
    with pytest.raises(SettingsError, match=complaint.replace("(", r"\(")):
        load_settings(where)


def test_kiosk_home_points_everything_at_one_folder(where, tmp_path) -> None:
    base = tmp_path / "kiosk-home"
    for path in (where.config_file, where.data_dir, where.key_file, where.log_dir):
        assert path.is_relative_to(base)


def test_token_slot_comes_from_the_settings(where, monkeypatch: pytest.MonkeyPatch) -> None:
    """A vendor's module and slots drop in through kiosk.toml or KIOSK_* variables."""
    from kiosk.devices.token.runtime import softhsm_for

    settings = load_settings(where)
    assert settings.token_module.name == "libsofthsm2.so"
    local = softhsm_for(settings, where)
    assert local is not None and local.conf.is_relative_to(where.data_dir)  # SoftHSM in the kiosk's home
    where.config_file.parent.mkdir(parents=True, exist_ok=True)
    where.config_file.write_text(
        'token_module = "/opt/vendor/libukey-pkcs11.so"\ntoken_rescan_by_reinitialize = false\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("KIOSK_TOKEN_SLOTS", "[1, 2]")
    vendor = load_settings(where)
    assert str(vendor.token_module) == "/opt/vendor/libukey-pkcs11.so"
    assert vendor.token_slots == [1, 2] and not vendor.token_rescan_by_reinitialize
    assert softhsm_for(vendor, where) is None
