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


def test_a_moment_with_any_offset_python_reads_is_compared_as_that_instant(db, dana, client):
    from tests.conftest import make_ticket

    make_ticket(subject="before")
    token = Token.objects.create(user=dana)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    # PostgreSQL takes offsets up to ±15:59; Python reads up to ±23:59.
    far = client.get("/api/tickets/", {"created_after": "3939-11-23T05:19:24-18:52"}, **auth)
    past = client.get("/api/tickets/", {"created_after": "2000-01-01T00:00:00+23:00"}, **auth)
    edge = client.get("/api/tickets/", {"created_after": "0001-01-01T00:00:00+05:00"}, **auth)

    assert (far.status_code, far.json()["results"]) == (200, [])
    assert past.status_code == 200
    assert [t["subject"] for t in past.json()["results"]] == ["before"]
    assert edge.status_code == 400  # before year 1 in UTC: a clear error, not a crash
    assert "created_after" in edge.json()
