"""No synthesized file holds a credential, and outputs that could carry one are sensitive."""

from __future__ import annotations

import re

from synthhelp import Synthesized

CREDENTIAL_PATTERNS = {
    "PEM private key or certificate": re.compile(r"-----BEGIN [A-Z ]+-----"),
    "storage account key": re.compile(r"AccountKey=|SharedAccessSignature|[?&]sig="),
    "JWT": re.compile(r"eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\."),
    # An image digest (sha256:<64 hex>) is public and pinned on purpose.
    "long base64 blob": re.compile(r"(?<![a-z0-9]:)(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{64,}={0,2}"),
    "secret-bearing attribute": re.compile(
        r'"(client_secret|client_key|client_certificate|password|token|access_key|sas_token|admin_password)"\s*:'
    ),
    "admin kubeconfig": re.compile(r"kube_admin_config"),
}


def test_no_credential_shaped_value_in_any_stack(any_synth: Synthesized) -> None:
    for stack in any_synth.stacks.values():
        for what, pattern in CREDENTIAL_PATTERNS.items():
            match = pattern.search(stack.text)
            assert match is None, f"{stack.name}: {what}: {match.group(0)[:60] if match else ''}"


def test_outputs_referencing_kube_config_are_sensitive(any_synth: Synthesized) -> None:
    for stack in any_synth.stacks.values():
        for name, output in stack.json.get("output", {}).items():
            if "kube_config" in output["value"] or "secret" in output["value"]:
                assert output.get("sensitive") is True, f"{stack.name}.{name}"


def test_the_scan_catches_a_planted_secret() -> None:
    planted = '{"provider": {"kubernetes": [{"token": "abc"}]}}'
    assert CREDENTIAL_PATTERNS["secret-bearing attribute"].search(planted)
    assert CREDENTIAL_PATTERNS["PEM private key or certificate"].search("-----BEGIN RSA PRIVATE KEY-----")
