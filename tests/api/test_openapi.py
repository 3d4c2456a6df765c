"""Every answer of the API validates against its OpenAPI document: schemathesis's stateless checks over every
operation, on a site's host and on the city portal, against the WSGI app."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from core.extensions import limiter


def _operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("where", ["site", "portal"])
def test_every_operation_answers_as_its_document_says(app, city, where):
    host = city.rsj.host if where == "site" else "localhost"
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, headers={"Host": host})
    operations = _operations(schema)
    assert {op.path for op in operations} >= {"/api/v1/articles", "/api/v1/articles/{article_id}",
                                              "/api/v1/policies", "/api/v1/policies/{article_id}",
                                              "/api/v1/disclosure", "/api/v1/disclosure/{article_id}",
                                              "/api/v1/services", "/api/v1/services/{item_id}", "/api/v1/sections"}
    # The requests reach the host asked: the portal's list names both sites, a site's only itself.
    articles = next(op for op in operations if op.path == "/api/v1/articles")
    plain = articles.Case(query={}).call_and_validate(headers={"Host": host})
    expected = {"rsj"} if where == "site" else {"rsj", "czj"}
    assert {item["site"]["slug"] for item in plain.json()["items"]} == expected
    assert not limiter.enabled  # the tests' config: the limit has tests of its own (test_http.py)
    statuses: dict[str, set[int]] = {}
    for operation in operations:
        @settings(max_examples=30, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call_and_validate(headers={"Host": host})
            statuses.setdefault(operation.path, set()).add(response.status_code)
            assert response.status_code < 500

        check()
    # The lists answered with content, not only with refusals.
    for path in ("/api/v1/articles", "/api/v1/policies", "/api/v1/services", "/api/v1/sections"):
        assert 200 in statuses[path], (path, statuses[path])


def test_the_document_is_at_a_stable_address_on_every_public_host(city, client_for):
    for host in (city.rsj.host, "localhost"):
        response = client_for(host).get("/api/v1/openapi.json")
        assert response.status_code == 200 and response.json["openapi"].startswith("3.")
        assert response.json["servers"][0]["url"].startswith("http://")
    assert client_for("platform.localhost").get("/api/v1/openapi.json").status_code == 404
