"""``images`` alone: the catalog of a config's images and ``make images``' commands."""

from __future__ import annotations

from synthhelp import CONFIGS

from dualstack.workloads.stack import image_catalog


def test_make_images_imports_each_image_once_without_force() -> None:
    config = CONFIGS["default"]
    listed = image_catalog(config)
    commands = listed.import_commands()
    assert len(commands) == len(listed.images) == 7
    for command, image in zip(commands, listed.images, strict=True):
        assert command[:5] == ["az", "acr", "import", "--name", config.global_.registry_name]
        assert command[command.index("--source") + 1] == image.source
        assert command[command.index("--image") + 1] == f"{image.repository}:{image.tag}"
        assert "--force" not in command
