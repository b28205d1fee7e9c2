"""Every container image the topology runs, where it comes from, and its copy in the registry.

The cluster pulls only from the project's own registry (private endpoints, AcrPull for the
kubelet); ``make images`` (``python -m dualstack.images import``) copies each source image
into it with ``az acr import``, a control-plane operation that needs no network path to the
private registry. The deploy workflow runs it before the workloads stacks.

Digests: an image is pinned by digest only where the digest comes from a published source;
none is invented. An image whose publisher gives no digests for a release (cert-manager's,
and the ingress controller's: ``ingress_controller.IMAGE``; each image's ``pin_note`` says
why) is pinned by tag, and ``make images`` prints the digest the registry holds after the
import so a team can review it.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from dualstack import ingress_controller
from dualstack.config import Global, Ingress, Tls
from dualstack.kube import Image

ECHO_DIGEST = "sha256:f55000d9196bd3c853d384af7315f509d21ffb85de315c26e9874033b9f83e15"

CERT_MANAGER_COMPONENTS = ("controller", "webhook", "cainjector", "acmesolver", "startupapicheck")


def _listed(ingress: Ingress, tls: Tls) -> tuple[Image, ...]:
    """The images a config runs, in a fixed order: the ingress controller's first."""
    out = [ingress_controller.IMAGE]
    if ingress.sample_app_enabled:
        out.append(
            Image(
                key="echo",
                source="docker.io/mendhak/http-https-echo:37",
                repository="mendhak/http-https-echo",
                tag="37",
                digest=ECHO_DIGEST,
                pin_note="digest of tag 37 as recorded when the sample app was first pinned; the "
                "maintainer publishes none, independent public pins of the same tag agree",
            )
        )
    if tls.enabled:
        version = tls.chart_version
        out += [
            Image(
                key=f"cert-manager-{component}",
                source=f"quay.io/jetstack/cert-manager-{component}:{version}",
                repository=f"jetstack/cert-manager-{component}",
                tag=version,
                digest=None,
                pin_note="tag only: cert-manager publishes no digests (its images are cosign-signed); "
                "make images prints the digest imported",
            )
            for component in CERT_MANAGER_COMPONENTS
        ]
    return tuple(out)


@dataclass(frozen=True)
class Catalog:
    """The images one config runs (``images``, the ingress controller's first) and the project's
    registry they are copied into and pulled from."""

    registry_name: str
    images: tuple[Image, ...]

    @property
    def login_server(self) -> str:
        return f"{self.registry_name}.azurecr.io"

    def image(self, key: str) -> Image:
        (found,) = [i for i in self.images if i.key == key]
        return found

    def import_commands(self) -> list[list[str]]:
        """One ``az acr import`` per image (``--force`` never: an existing tag is left alone)."""
        return [
            [
                "az",
                "acr",
                "import",
                "--name",
                self.registry_name,
                "--source",
                i.source,
                "--image",
                f"{i.repository}:{i.tag}",
            ]
            for i in self.images
        ]


def catalog(global_: Global, ingress: Ingress, tls: Tls) -> Catalog:
    """The catalog of a config, from the three sections it depends on (``global.registry_name``,
    ``ingress.sample_app_enabled``, ``tls``)."""
    return Catalog(registry_name=global_.registry_name, images=_listed(ingress, tls))


# --- make images ------------------------------------------------------------------------


def _exists(registry: str, ref: str) -> str | None:
    """The digest of ``ref`` in the registry, or None when it is not there."""
    run = subprocess.run(
        [
            "az",
            "acr",
            "repository",
            "show",
            "--name",
            registry,
            "--image",
            ref,
            "--query",
            "digest",
            "-o",
            "tsv",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return run.stdout.strip() or None if run.returncode == 0 else None


def main(argv: Sequence[str] | None = None) -> int:
    from dualstack.config.loader import ConfigError, config_path_from_env, load_config

    parser = argparse.ArgumentParser(prog="python -m dualstack.images", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "command", choices=["list", "import"], help="list: print the image table; import: az acr import"
    )
    parser.add_argument("--dry-run", action="store_true", help="import: print the commands, run nothing")
    args = parser.parse_args(argv)
    try:
        config = load_config(config_path_from_env())
    except ConfigError as exc:
        for line in exc.lines:
            print(f"error: {line}", file=sys.stderr)
        return 2
    listed = catalog(config.global_, config.ingress, config.tls)
    if args.command == "list":
        print("| Image | Source | In the registry | Pin |")
        print("|---|---|---|---|")
        for i in listed.images:
            print(f"| {i.key} | `{i.source}` | `{i.reference(listed.login_server)}` | {i.pin_note} |")
        return 0
    if args.dry_run:
        for command in listed.import_commands():
            print(" ".join(command))
        return 0
    return _import_all(listed)


def _import_all(listed: Catalog) -> int:
    """Import every image the registry lacks, then check each digest against the list's pin."""
    if shutil.which("az") is None:
        print("error: the Azure CLI (az) is not on PATH; install it and run az login", file=sys.stderr)
        return 1
    registry = listed.registry_name
    for i, command in zip(listed.images, listed.import_commands(), strict=True):
        ref = f"{i.repository}:{i.tag}"
        digest = _exists(registry, ref)
        if digest is None:
            print(f"importing {i.source} -> {registry}/{ref}", flush=True)
            if subprocess.run(command, check=False).returncode != 0:
                print(f"error: az acr import of {i.source} failed", file=sys.stderr)
                return 1
            digest = _exists(registry, ref)
        else:
            print(f"present   {registry}/{ref}")
        if i.digest is not None and digest != i.digest:
            print(
                f"error: {registry}/{ref} has digest {digest}, the image list pins {i.digest}",
                file=sys.stderr,
            )
            return 1
        print(f"          digest {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
