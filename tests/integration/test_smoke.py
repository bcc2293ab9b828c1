def test_anonymous_visitor_is_sent_to_login(client):
    resp = client.get("/")
    assert resp.status_code == 302
    assert "/login/" in resp.headers["Location"]


def test_admin_sees_landing_cards(login_as):
    resp = login_as("admin").get("/")
    assert resp.status_code == 200, resp.text[:500]
    assert "sd-card" in resp.text
