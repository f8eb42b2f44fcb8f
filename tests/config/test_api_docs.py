"""The API's OpenAPI document and interactive docs, served without any CDN."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_schema_documents_the_public_api(client):
    response = client.get("/api/schema/", HTTP_HOST="localhost")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith("openapi: 3")
    for path in ("/api/v1/me/", "/api/v1/courses/", "/api/v1/products/", "/api/v1/vendors/"):
        assert f"{path}:" in body, path
    assert "/admin/api/" not in body


def test_interactive_docs_load_every_asset_from_this_site(client):
    response = client.get("/api/docs/", HTTP_HOST="localhost")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r'"(/static/[^"]+)"', html)
    assert any("swagger-ui" in asset for asset in assets), assets
    assert not re.search(r"https?://(?!localhost)", " ".join(assets)), assets
    assert "cdn.jsdelivr" not in html
