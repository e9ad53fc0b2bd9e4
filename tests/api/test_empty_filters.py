"""A filter that can match nothing gives an empty page, never a server error.

On PostgreSQL, Django knows before asking that an integer lookup outside the column's range
matches no row (it raises EmptyResultSet while compiling); the paginator counts that as 0.
"""

from __future__ import annotations

from rest_framework.authtoken.models import Token


def test_a_health_bound_below_any_score_lists_no_customer(db, yossi, client):
    token = Token.objects.create(user=yossi)
    response = client.get(
        "/api/customer-scores/",
        {"health_below": -25116},
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )

    assert response.status_code == 200
    assert response.json()["results"] == []
    assert response.json()["count"] == 0
