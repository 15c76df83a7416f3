"""SitesManager and UsersManager through the HTTP API (what import_logs.py and clients use)."""

from __future__ import annotations

from tests.api.conftest import ApiWorld


def test_site_from_id_and_its_access(world: ApiWorld) -> None:
    site = world.root("SitesManager.getSiteFromId", idSite=1, format="json").json()
    assert (site["idsite"], site["name"], site["main_url"], site["timezone"],
            site["currency"]) == (1, "Site A", "https://a.example", "UTC", "USD")
    assert list(site)[:4] == ["idsite", "name", "main_url", "ts_created"]
    xml = world.root("SitesManager.getSiteFromId", idSite=1).text
    assert xml.startswith('<?xml version="1.0" encoding="utf-8" ?>\n<result>\n\t<row>\n'
                          "\t\t<idsite>1</idsite>\n\t\t<name>Site A</name>\n")
    viewer = world.get("SitesManager.getSiteFromId", idSite=2, format="json",
                       token_auth=world.viewer_token)
    assert viewer.status_code == 401


def test_sites_lists_follow_the_callers_access(world: ApiWorld) -> None:
    mine = world.get("SitesManager.getSitesWithAtLeastViewAccess", format="json",
                     token_auth=world.viewer_token).json()
    assert [s["idsite"] for s in mine] == [1, 3]
    assert world.get("SitesManager.getSitesIdWithAtLeastViewAccess", format="json",
                     token_auth=world.viewer_token).json() == [1, 3]
    assert [s["idsite"] for s in world.root("SitesManager.getAllSites", format="json").json()] \
        == [1, 2, 3]
    assert world.get("SitesManager.getAllSites", format="json",
                     token_auth=world.viewer_token).status_code == 401
    limited = world.root("SitesManager.getAllSitesId", format="json", filter_limit=2,
                         filter_offset=1).json()
    assert limited == [2, 3]


def test_sites_id_from_site_url_ignores_scheme_and_www(world: ApiWorld) -> None:
    assert world.root("SitesManager.getSitesIdFromSiteUrl", url="http://www.b.example/",
                      format="json").json() == [{"idsite": 2}]
    assert world.get("SitesManager.getSitesIdFromSiteUrl", url="https://b.example",
                     format="json", token_auth=world.viewer_token).json() == []


def test_add_and_update_site(world: ApiWorld) -> None:
    created = world.root("SitesManager.addSite", siteName="New one", format="json",
                         timezone="Europe/Paris", currency="EUR", ecommerce=1,
                         excludedIps="10.0.0.1,10.0.0.2", **{"urls[0]": "https://new.example",
                                                              "urls[1]": "https://alias.example"})
    assert created.json() == {"value": 4}
    site = world.root("SitesManager.getSiteFromId", idSite=4, format="json").json()
    assert (site["name"], site["timezone"], site["currency"], site["ecommerce"],
            site["excluded_ips"]) == ("New one", "Europe/Paris", "EUR", 1, "10.0.0.1,10.0.0.2")
    assert world.root("SitesManager.getSiteUrlsFromId", idSite=4, format="json").json() == \
        ["https://new.example", "https://alias.example"]
    updated = world.root("SitesManager.updateSite", idSite=4, siteName="Renamed", format="json")
    assert updated.json() == {"result": "success", "message": "ok"}
    assert world.root("SitesManager.getSiteFromId", idSite=4,
                      format="json").json()["name"] == "Renamed"
    refused = world.get("SitesManager.updateSite", idSite=1, siteName="x", format="json",
                        token_auth=world.viewer_token)
    assert refused.status_code == 401 and "'admin' access" in refused.json()["message"]
    bad = world.root("SitesManager.addSite", siteName="Bad", urls="ftp://x", format="json")
    assert bad.status_code == 200 and bad.json()["result"] == "error"


def test_javascript_tag(world: ApiWorld) -> None:
    tag = world.root("SitesManager.getJavascriptTag", idSite=1, piwikUrl="https://stats.example",
                     format="json").json()["value"]
    assert "setSiteId" in tag and "stats.example" in tag
    here = world.root("SitesManager.getJavascriptTag", idSite=1, format="json").json()["value"]
    assert world.server.base_url.split("//")[1] in here  # defaults to where Footfall is reached
    image = world.root("SitesManager.getImageTrackingCode", idSite=1, format="json").json()
    assert "idsite=1" in image["value"]


def test_app_specific_token_by_password(world: ApiWorld) -> None:
    response = world.get("UsersManager.createAppSpecificTokenAuth", userLogin="viewer",
                         passwordConfirmation="secret-pass-1", description="import logs",
                         format="json")
    token = response.json()["value"]
    assert len(token) == 32 and int(token, 16) >= 0
    assert world.get("VisitsSummary.getVisits", idSite=1, period="day", date="2026-11-02",
                     format="json", token_auth=token).status_code == 200
    wrong = world.get("UsersManager.createAppSpecificTokenAuth", userLogin="viewer",
                      passwordConfirmation="nope", description="x", format="json")
    assert wrong.status_code == 401
    assert wrong.json()["message"] == "The current password you entered is not correct."


def test_users(world: ApiWorld) -> None:
    me = world.get("UsersManager.getUser", userLogin="viewer", format="json",
                   token_auth=world.viewer_token).json()
    assert (me["login"], me["email"], me["superuser_access"]) == ("viewer", "viewer@example.com", 0)
    assert not any("token" in key or "password" in key for key in me)
    other = world.get("UsersManager.getUser", userLogin="root", format="json",
                      token_auth=world.viewer_token)
    assert other.status_code == 401
    added = world.root("UsersManager.addUser", userLogin="newbie", password="long-password-1",
                       email="n@example.com", initialIdSite=2, format="json")
    assert added.json() == {"result": "success", "message": "ok"}
    token = world.get("UsersManager.createAppSpecificTokenAuth", userLogin="newbie",
                      passwordConfirmation="long-password-1", description="t",
                      format="json").json()["value"]
    assert world.get("SitesManager.getSitesIdWithAtLeastViewAccess", format="json",
                     token_auth=token).json() == [2, 3]
    assert world.get("UsersManager.hasSuperUserAccess", format="json",
                     token_auth=token).json() == {"value": False}
    assert world.root("UsersManager.hasSuperUserAccess", format="json").json() == {"value": True}


def test_settings_and_version(world: ApiWorld) -> None:
    assert world.get("API.getSettings", format="json").json() == \
        {"SDK_batch_size": 10, "SDK_interval_value": 30}
    assert world.get("API.getMatomoVersion", format="xml").text == \
        '<?xml version="1.0" encoding="utf-8" ?>\n<result>5.2.0</result>'
