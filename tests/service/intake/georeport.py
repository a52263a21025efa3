"""A GeoReport v2 client written from the published specification (wiki.open311.org/GeoReport_v2),
JSON format only. It knows nothing of this system beyond the spec: paths, parameter names, response
fields, and the error format ``[{"code", "description"}]``."""

from __future__ import annotations

from typing import Any

import httpx

SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
ATTRIBUTE_FIELDS = {"variable", "code", "datatype", "required", "datatype_description", "order", "description"}
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


class GeoReportError(Exception):
    def __init__(self, status: int, errors: list[dict[str, Any]], headers: httpx.Headers) -> None:
        super().__init__(f"{status}: {errors}")
        self.status = status
        self.errors = errors
        self.headers = headers

    @property
    def descriptions(self) -> list[str]:
        return [str(e["description"]) for e in self.errors]


class GeoReportClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        endpoint: str,
        *,
        api_key: str | None = None,
        jurisdiction_id: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.http = http
        self.endpoint = endpoint.rstrip("/")
        self.api_key = api_key
        self.jurisdiction_id = jurisdiction_id
        self.headers = headers or {}

    def _common(self) -> dict[str, str]:
        return {"jurisdiction_id": self.jurisdiction_id} if self.jurisdiction_id else {}

    async def _check(self, response: httpx.Response) -> Any:
        if response.status_code >= 400:
            errors = response.json()
            assert isinstance(errors, list) and errors, "spec: errors are a list"
            for e in errors:
                assert set(e) == {"code", "description"}, e
            raise GeoReportError(response.status_code, errors, response.headers)
        return response.json()

    async def discovery(self) -> dict[str, Any]:
        data = await self._check(await self.http.get(f"{self.endpoint}/discovery.json", headers=self.headers))
        for endpoint in data["endpoints"]:
            assert {"specification", "url", "changeset", "type", "formats"} <= set(endpoint)
        return dict(data)

    async def services(self) -> list[dict[str, Any]]:
        data = await self._check(
            await self.http.get(f"{self.endpoint}/services.json", params=self._common(), headers=self.headers)
        )
        for service in data:
            assert SERVICE_FIELDS <= set(service), service
            assert service["type"] in ("realtime", "batch", "blackbox")
            assert isinstance(service["metadata"], bool)
        return list(data)

    async def service_definition(self, service_code: str) -> dict[str, Any]:
        data = await self._check(
            await self.http.get(
                f"{self.endpoint}/services/{service_code}.json", params=self._common(), headers=self.headers
            )
        )
        assert data["service_code"] == service_code
        for attribute in data["attributes"]:
            assert ATTRIBUTE_FIELDS <= set(attribute), attribute
            assert attribute["datatype"] in DATATYPES
            if attribute["datatype"].endswith("valuelist"):
                assert all({"key", "name"} <= set(v) for v in attribute["values"])
        return dict(data)

    async def create_request(
        self,
        service_code: str,
        *,
        attributes: dict[str, Any] | None = None,
        as_json: bool = False,
        **fields: Any,
    ) -> dict[str, Any]:
        """POST requests.json; ``fields`` are the spec's arguments (description, address_string, lat, long,
        first_name, last_name, phone, email, ...). Returns the one response item."""
        params: dict[str, Any] = {"service_code": service_code, **self._common(), **fields}
        if self.api_key:
            params["api_key"] = self.api_key
        if as_json:
            if attributes:
                params["attribute"] = attributes
            response = await self.http.post(f"{self.endpoint}/requests.json", json=params, headers=self.headers)
        else:
            form = [(k, str(v)) for k, v in params.items() if v is not None]
            form += [(f"attribute[{k}]", str(v)) for k, v in (attributes or {}).items()]
            response = await self.http.post(f"{self.endpoint}/requests.json", data=dict(form), headers=self.headers)
        data = await self._check(response)
        assert isinstance(data, list) and len(data) == 1
        item = data[0]
        assert "service_request_id" in item or "token" in item
        return dict(item)

    def _auth(self) -> dict[str, str]:
        return {"api_key": self.api_key} if self.api_key else {}

    async def token(self, token: str) -> list[dict[str, Any]]:
        data = await self._check(
            await self.http.get(
                f"{self.endpoint}/tokens/{token}.json", params={**self._common(), **self._auth()}, headers=self.headers
            )
        )
        for item in data:
            assert {"service_request_id", "token"} <= set(item)
        return list(data)

    async def request(self, service_request_id: str) -> dict[str, Any]:
        data = await self._check(
            await self.http.get(
                f"{self.endpoint}/requests/{service_request_id}.json",
                params={**self._common(), **self._auth()},
                headers=self.headers,
            )
        )
        assert isinstance(data, list) and len(data) == 1
        assert REQUEST_FIELDS <= set(data[0]), data[0]
        return dict(data[0])

    async def requests(self, **filters: str) -> list[dict[str, Any]]:
        data = await self._check(
            await self.http.get(
                f"{self.endpoint}/requests.json", params={**self._common(), **self._auth(), **filters}, headers=self.headers
            )
        )
        for item in data:
            assert REQUEST_FIELDS <= set(item)
            assert item["status"] in ("open", "closed")
        return list(data)
