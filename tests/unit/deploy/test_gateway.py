"""The nginx gateway gives clients one origin: each prefix reaches its service, prefix stripped."""

from __future__ import annotations

import pytest

from shared.settings import SERVICES, Settings

from .manifests import NGINX_CONF, Directive, default_settings, load_compose, nginx_size, parse_nginx

CONF = parse_nginx(NGINX_CONF.read_text(encoding="utf-8"))
HTTP = CONF.find("http")[0]
SERVER = HTTP.find("server")[0]

FORWARDED_HEADERS = ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Correlation-ID")


def prefix_location(service: str) -> Directive:
    found = [loc for loc in SERVER.find("location") if loc.args == [f"/{service}/"]]
    assert len(found) == 1, f"nginx.conf needs one `location /{service}/`"
    return found[0]


def upstream_servers(name: str) -> list[str]:
    found = [u for u in HTTP.find("upstream") if u.args == [name]]
    assert len(found) == 1, f"no upstream {name!r}"
    return [d.args[0] for d in found[0].find("server")]


@pytest.mark.parametrize("service", SERVICES)
def test_prefix_routes_to_the_services_port_and_strips_the_prefix(service: str) -> None:
    location = prefix_location(service)
    proxy_pass = location.find("proxy_pass")
    assert len(proxy_pass) == 1
    target = proxy_pass[0].args[0]
    assert target.startswith("http://") and target.endswith("/"), (
        f"proxy_pass {target}: a URI part ('/') is what strips /{service}/"
    )
    host_port = target.removeprefix("http://").rstrip("/")
    if ":" in host_port:
        servers = [host_port]
    else:
        servers = upstream_servers(host_port)
    port = default_settings().port(service)
    assert servers == [f"{service}:{port}"], f"/{service}/ must reach {service}:{port}, not {servers}"
    assert service in load_compose()["services"], f"{service} is not a compose service"


@pytest.mark.parametrize("service", SERVICES)
def test_forwarded_and_correlation_headers_are_passed(service: str) -> None:
    headers = {d.args[0].lower(): d.args[1] for d in prefix_location(service).find("proxy_set_header")}
    for header in FORWARDED_HEADERS:
        assert header.lower() in headers, f"/{service}/ does not set {header}"
    assert headers["x-forwarded-for"] == "$proxy_add_x_forwarded_for"
    assert headers["x-forwarded-prefix"] == f"/{service}"


def test_correlation_id_is_kept_or_started() -> None:
    maps = [m for m in HTTP.find("map") if m.args == ["$http_x_correlation_id", "$correlation_id"]]
    assert maps, "map the caller's X-Correlation-ID to $correlation_id"
    entries = {d.name: d.args for d in maps[0].block or []}
    assert entries["default"] == ["$http_x_correlation_id"]
    assert entries[""] == ["$request_id"]


def test_request_body_limit_is_set_and_not_below_the_services() -> None:
    sizes = [d for d in HTTP.walk() if d.name == "client_max_body_size"]
    assert sizes, "set client_max_body_size"
    limit = nginx_size(sizes[0].args[0])
    assert 1024**2 <= limit <= 100 * 1024**2
    if "max_body_bytes" in Settings.model_fields:
        assert limit >= default_settings().max_body_bytes, "the service, not the gateway, should answer 413"


def test_gateway_listens_where_compose_publishes_it() -> None:
    listens = [d.args[0] for d in SERVER.find("listen")]
    gateway = load_compose()["services"]["gateway"]
    container_ports = {str(p).rsplit(":", 1)[-1] for p in gateway["ports"]}
    assert any(listen.rsplit(":", 1)[-1] in container_ports for listen in listens), (listens, container_ports)


def test_gateway_has_its_own_health_endpoint() -> None:
    assert any(loc.args == ["=", "/healthz"] for loc in SERVER.find("location"))
