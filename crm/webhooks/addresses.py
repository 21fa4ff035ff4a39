"""Where webhooks may go: addresses on the internet only, unless the configuration allows the
private network (WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: a receiver inside the foundation's own
network, or the tests' local one). Otherwise an administrator's account, or a typo, could make
the CRM post to itself, to a database port of the private network, or to a cloud provider's
metadata address. Checked when the endpoint is saved and again before each delivery, since a
name may point elsewhere later."""

import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app


def _addresses(host: str, port: int) -> list:
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    found = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1 is 127.0.0.1
        found.append(mapped or address)
    return found


def refusal(url: str) -> str | None:
    """Why `url` may not receive webhooks ("" is never returned), or None when it may."""
    if current_app.config["WEBHOOKS_ALLOW_PRIVATE_ADDRESSES"]:
        return None
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = _addresses(parts.hostname or "", port)
    except (OSError, ValueError, UnicodeError):
        return "unknown host"
    private = [str(a) for a in addresses if not a.is_global]
    if private or not addresses:
        return f"private address {', '.join(private)}".strip()
    return None
