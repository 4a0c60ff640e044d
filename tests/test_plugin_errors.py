"""The MkDocs plugin says which kind of error stopped the build: the date setting or the data."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError

import generator.site.mkdocs_plugin as plugin_module
from tests.conftest import mkdocs_build


def test_a_bad_volunteers_today_is_named(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLUNTEERS_TODAY", "2012-13-40")
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 1
    assert "VOLUNTEERS_TODAY 应为日期" in result.stderr


def test_an_error_while_loading_is_not_called_a_date_error(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VOLUNTEERS_TODAY", raising=False)

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("数据里的一处错误")

    monkeypatch.setattr(plugin_module, "load_site", broken)
    config = load_config(str(project / "mkdocs.yml"))
    plugin = config.plugins["volunteers"]
    with pytest.raises(ValueError, match="数据里的一处错误") as caught:
        plugin.on_config(config)
    assert "VOLUNTEERS_TODAY" not in str(caught.value)
    assert not isinstance(caught.value, PluginError)
