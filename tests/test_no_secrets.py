"""No synthesized file holds a credential, and outputs that could carry one are sensitive."""

from __future__ import annotations

import re

from synthhelp import Synthesized

from dualstack.review.redact import CREDENTIAL_SHAPES

CREDENTIAL_PATTERNS = {
    **CREDENTIAL_SHAPES,  # the shapes the change summary redacts
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


def test_no_output_carries_a_credential_and_cross_stack_outputs_are_sensitive(any_synth: Synthesized) -> None:
    for stack in any_synth.stacks.values():
        for name, output in stack.json.get("output", {}).items():
            value = output["value"]
            # kube_config holds the cluster's credentials when local accounts are on, and
            # nothing here should ever pass it on.
            assert "kube_config" not in value and "kube_admin_config" not in value, f"{stack.name}.{name}"
            assert "client_secret" not in value and "primary_access_key" not in value, f"{stack.name}.{name}"
            if name.startswith("cross-stack-output-"):
                assert output.get("sensitive") is True, f"{stack.name}.{name}"


def test_the_scan_catches_a_planted_secret() -> None:
    planted = '{"provider": {"kubernetes": [{"token": "abc"}]}}'
    assert CREDENTIAL_PATTERNS["secret-bearing attribute"].search(planted)
    assert CREDENTIAL_PATTERNS["PEM private key or certificate"].search("-----BEGIN RSA PRIVATE KEY-----")
    assert CREDENTIAL_PATTERNS["storage account key"].search("https://x.blob.core.windows.net/c?sv=1&sig=abc")
    assert CREDENTIAL_PATTERNS["JWT"].search("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig")
