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

from dualstack import ingress_controller
from dualstack.config import Config
from dualstack.kube import Image

ECHO_DIGEST = "sha256:f55000d9196bd3c853d384af7315f509d21ffb85de315c26e9874033b9f83e15"

CERT_MANAGER_COMPONENTS = ("controller", "webhook", "cainjector", "acmesolver", "startupapicheck")


def images(config: Config) -> tuple[Image, ...]:
    """The images this config runs, in a fixed order: the ingress controller's first."""
    out = [ingress_controller.IMAGE]
    if config.ingress.sample_app_enabled:
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
    if config.tls.enabled:
        version = config.tls.chart_version
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


def image(config: Config, key: str) -> Image:
    (found,) = [i for i in images(config) if i.key == key]
    return found


def login_server(config: Config) -> str:
    return f"{config.global_.registry_name}.azurecr.io"


# --- make images ------------------------------------------------------------------------


def import_commands(config: Config) -> list[list[str]]:
    """One ``az acr import`` per image (``--force`` never: an existing tag is left alone)."""
    registry = config.global_.registry_name
    return [
        [
            "az",
            "acr",
            "import",
            "--name",
            registry,
            "--source",
            i.source,
            "--image",
            f"{i.repository}:{i.tag}",
        ]
        for i in images(config)
    ]


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
    from dualstack.loader import ConfigError, config_path_from_env, load_config

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
    if args.command == "list":
        print("| Image | Source | In the registry | Pin |")
        print("|---|---|---|---|")
        for i in images(config):
            print(f"| {i.key} | `{i.source}` | `{i.reference(login_server(config))}` | {i.pin_note} |")
        return 0
    if args.dry_run:
        for command in import_commands(config):
            print(" ".join(command))
        return 0
    return _import_all(config)


def _import_all(config: Config) -> int:
    """Import every image the registry lacks, then check each digest against the list's pin."""
    if shutil.which("az") is None:
        print("error: the Azure CLI (az) is not on PATH; install it and run az login", file=sys.stderr)
        return 1
    registry = config.global_.registry_name
    for i, command in zip(images(config), import_commands(config), strict=True):
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
