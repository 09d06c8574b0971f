package org.communityplatform.communities;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The administrative API (003): x-api-token, the full community model and its rules. */
class AdminApiTest {

  @RegisterExtension
  static final Fixture.PerClass P = Fixture.perClass();

  private static TestPlatform p() {
    return Fixture.platform();
  }

  private static Res create(String token, JsonObject body) {
    return p().post("/api/v2/admin/communities").header("x-api-token", token).json(body).send();
  }

  private static JsonObject full() {
    JsonObject links = new JsonObject();
    for (String k : new String[] {"website", "discord", "douyin", "facebook", "instagram", "kuaishou", "linkedin",
      "messenger", "pinterest", "qq", "qzone", "quora", "reddit", "snapchat", "telegram", "tiktok", "twitter", "wechat",
      "weibo", "whatsapp", "youtube"}) {
      links.put(k, "https://" + k + ".example/acme");
    }
    JsonObject mode = new JsonObject().put("navbarLogo", "https://cdn.example/nav.png").put("logo", "https://cdn.example/l.png")
      .put("banner", "https://cdn.example/b.png").put("theme", new JsonObject().put("primary", "#ff0000"))
      .put("customCSS", "body{}").put("favicon", "https://cdn.example/f.ico");
    return new JsonObject()
      .put("name", "Acme Fans")
      .put("slug", "acme-fans")
      .put("communityType", "Brand")
      .put("access", "open")
      .put("status", "live")
      .put("tags", new JsonArray().add("0123456789abcdef01234567"))
      .put("campaigns", new JsonArray().add("abcdefabcdefabcdefabcdef"))
      .put("customTabs", new JsonArray()
        .add(new JsonObject().put("title", "Shop").put("url", "https://shop.example").put("opensInNewTab", true).put("position", 1))
        .add(new JsonObject().put("title", "Blog").put("url", "https://blog.example").put("opensInNewTab", false).put("position", 2)))
      .put("descriptionConfig", new JsonObject().put("content", "All about Acme").put("disableLineClamp", true).put("maxLines", 5.5))
      .put("links", links)
      .put("style", new JsonObject().put("lightMode", mode).put("darkMode", mode.copy().put("customCSS", "body{color:#fff}"))
        .put("general", new JsonObject().put("primaryLanguage", "english")))
      .put("verified", true)
      .put("termsAndConditionsUrl", "https://acme.example/terms")
      .put("privacyPolicyUrl", "https://acme.example/privacy")
      .put("additionalInformation", new JsonArray().add(new JsonObject().put("variableConfigId", "aaaaaaaaaaaaaaaaaaaaaaaa")
        .put("required", true).put("position", 2)))
      .put("bannerTitle", "Welcome")
      .put("bannerDescription", "Join the fans")
      .put("bannerButtonText", "Join")
      .put("bannerHref", "https://acme.example/join")
      .put("rules", new JsonObject().put("text", "Be kind").put("agreements", new JsonArray().add("I will be kind")))
      .put("requireMemberRole", false)
      .put("featured", true)
      .put("memberRequirements", new JsonArray().add(new JsonObject().put("type", "age").put("minimumAge", 13)
        .put("parentManaged", true)))
      .put("availableAsTemplateForOrganisations", new JsonArray().add("other-org"))
      .put("isGlobalTemplate", false)
      .put("referralUrlOverride", "https://acme.example/ref")
      .put("communityBackgroundImage", "https://cdn.example/bg.jpg")
      .put("password", "s3cret!")
      .put("translations", new JsonObject().put("fr", new JsonObject().put("name", "Les fans d'Acme")
        .put("description", "Tout sur Acme").put("bannerTitle", "Bienvenue")
        .put("rules", new JsonObject().put("text", "Soyez gentils"))));
  }

  @Test
  void theTokenDecides() {
    String org = Fixture.org();
    String token = Fixture.apiToken(org);
    Res missing = p().get("/api/v2/admin/communities").send();
    Fixture.assertError(missing, 401);
    Fixture.assertError(p().get("/api/v2/admin/communities").header("x-api-token", "cpt_not-a-real-token").send(), 401);
    // a user's bearer token is no API token
    Fixture.assertError(p().get("/api/v2/admin/communities").bearer(Fixture.token("u")).send(), 401);
    assertThat(p().get("/api/v2/admin/communities").header("x-api-token", token).send().status()).isEqualTo(200);
    String c = create(token, new JsonObject().put("name", "Tokened")).json().getString("id");

    // revoke through the core route: the token stops working at once
    String admin = p().token("org-admin", new JsonObject().put("roles", new JsonArray().add("admin")).put("org", org));
    JsonArray tokens = p().get("/api/admin/api-tokens").org(org).bearer(admin).send().json().getJsonArray("data");
    String tokenId = tokens.getJsonObject(0).getString("id");
    assertThat(p().delete("/api/admin/api-tokens/" + tokenId).org(org).bearer(admin).send().status()).isEqualTo(200);
    Fixture.assertError(p().get("/api/v2/admin/communities/" + c).header("x-api-token", token).send(), 401);
    Fixture.assertError(create(token, new JsonObject().put("name", "After revocation")), 401);
    Fixture.assertError(p().patch("/api/v2/admin/communities/" + c).header("x-api-token", token)
      .json(new JsonObject().put("featured", true)).send(), 401);

    // a token of another organisation finds nothing of this one
    String other = Fixture.apiToken(Fixture.org());
    Fixture.assertError(p().get("/api/v2/admin/communities/" + c).header("x-api-token", other).send(), 404);
    assertThat(p().get("/api/v2/admin/communities").header("x-api-token", other).send().json().getLong("total")).isZero();
  }

  @Test
  void theFullModelIsStoredAndAnsweredWithoutThePassword() {
    String org = Fixture.org();
    String token = Fixture.apiToken(org);
    Res r = create(token, full().put("ownerId", "boss"));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    JsonObject c = r.json();
    String id = c.getString("id");
    assertThat(c.getString("organisationId")).isEqualTo(org);
    assertThat(c.containsKey("password")).isFalse();
    assertThat(c.getBoolean("hasPassword")).isTrue();
    assertThat(c.encode()).doesNotContain("s3cret!");
    JsonObject got = p().get("/api/v2/admin/communities/" + id).header("x-api-token", token).send().json();
    JsonObject expected = full();
    for (String key : expected.fieldNames()) {
      if (key.equals("password") || key.equals("translations") || key.equals("availableAsTemplateForOrganisations")) {
        continue;
      }
      assertThat(got.getValue(key)).as(key).isEqualTo(expected.getValue(key));
    }
    assertThat(got.getJsonArray("availableAsTemplateForOrganisations")).containsExactly("other-org");
    assertThat(got.getJsonArray("usersWaiting")).isEmpty();
    assertThat(got.getInteger("memberCount")).isEqualTo(1);
    assertThat(got.getString("createdAt")).isNotNull();
    // the owner named at creation is the owner in the plain API too, which reads the same row
    JsonObject plain = Fixture.get(org, "boss", "/api/communities/" + id).send().json();
    assertThat(plain.getString("role")).isEqualTo("owner");
    assertThat(plain.getString("name")).isEqualTo("Acme Fans");
    assertThat(plain.getString("description")).isEqualTo("All about Acme");
    assertThat(plain.getString("slug")).isEqualTo("acme-fans");
    // and a change there shows here
    Fixture.patch(org, "boss", "/api/communities/" + id).json(new JsonObject().put("description", "New text")).send();
    assertThat(p().get("/api/v2/admin/communities/" + id).header("x-api-token", token).send().json()
      .getJsonObject("descriptionConfig").getString("content")).isEqualTo("New text");
    assertThat(Fixture.count("SELECT count(*) FROM communities.communities WHERE password_hash LIKE '%s3cret%'")).isZero();

    // list with filters
    create(token, new JsonObject().put("name", "Other one").put("communityType", "Place"));
    JsonObject list = p().get("/api/v2/admin/communities?communityType=Brand").header("x-api-token", token).send().json();
    assertThat(list.getLong("total")).isEqualTo(1);
    assertThat(list.getJsonArray("data").getJsonObject(0).getString("id")).isEqualTo(id);
    assertThat(p().get("/api/v2/admin/communities?featured=true&verified=true").header("x-api-token", token).send().json()
      .getLong("total")).isEqualTo(1);
    assertThat(p().get("/api/v2/admin/communities?slug=ACME-FANS").header("x-api-token", token).send().json()
      .getLong("total")).isEqualTo(1);
    assertThat(p().get("/api/v2/admin/communities?limit=1&page=2").header("x-api-token", token).send().json()
      .getJsonArray("data")).hasSize(1);
  }

  @Test
  void updatesReplaceFieldsAndNullClearsThem() {
    String org = Fixture.org();
    String token = Fixture.apiToken(org);
    String id = create(token, full()).json().getString("id");
    JsonObject after = Fixture.adminPatch(org, token, id, new JsonObject()
      .put("links", new JsonObject().put("website", "https://new.example"))
      .put("bannerTitle", null)
      .put("password", null)
      .put("customTabs", new JsonArray())
      .put("translations", new JsonObject().put("fr", null).put("de", new JsonObject().put("name", "Acme-Freunde"))));
    assertThat(after.getJsonObject("links").fieldNames()).containsExactly("website");
    assertThat(after.getString("bannerTitle")).isNull();
    assertThat(after.getBoolean("hasPassword")).isFalse();
    assertThat(after.getJsonArray("customTabs")).isEmpty();
    assertThat(after.getJsonObject("translations").fieldNames()).containsExactly("de");
    // untouched fields stay
    assertThat(after.getString("name")).isEqualTo("Acme Fans");
    assertThat(after.getJsonObject("rules").getString("text")).isEqualTo("Be kind");
    Fixture.assertError(p().patch("/api/v2/admin/communities/" + java.util.UUID.randomUUID()).header("x-api-token", token)
      .json(new JsonObject().put("featured", true)).send(), 404);
  }

  @Test
  void theModelsRulesAreChecked() {
    String org = Fixture.org();
    String token = Fixture.apiToken(org);
    String first = create(token, new JsonObject().put("name", "First").put("slug", "the-slug")).json().getString("id");
    Res taken = create(token, new JsonObject().put("name", "Second").put("slug", "The-Slug"));
    Fixture.assertError(taken, 409);
    assertThat(taken.errorCode()).isEqualTo("slug_taken");
    String second = create(token, new JsonObject().put("name", "Second")).json().getString("id");
    Fixture.assertError(p().patch("/api/v2/admin/communities/" + second).header("x-api-token", token)
      .json(new JsonObject().put("slug", "THE-SLUG")).send(), 409);
    // another organisation may use the same slug
    assertThat(create(Fixture.apiToken(Fixture.org()), new JsonObject().put("name", "Elsewhere").put("slug", "the-slug"))
      .status()).isEqualTo(201);

    JsonObject tab = new JsonObject().put("title", "T").put("url", "https://t.example");
    JsonObject[] bad = {
      new JsonObject().put("name", "X").put("slug", "has1digit"),
      new JsonObject().put("name", "Xy").put("slug", "under_score"),
      new JsonObject().put("name", "Xy").put("slug", "-leading"),
      new JsonObject().put("name", "Xy").put("customTabs", new JsonArray().add(tab).add(tab).add(tab)),
      new JsonObject().put("name", "Xy").put("communityType", "Band"),
      new JsonObject().put("name", "Xy").put("access", "closed"),
      new JsonObject().put("name", "Xy").put("status", "open"),
      new JsonObject().put("name", "Xy").put("tags", new JsonArray().add("music")),
      new JsonObject().put("name", "Xy").put("links", new JsonObject().put("myspace", "https://m.example")),
      new JsonObject().put("name", "Xy").put("style", new JsonObject().put("sepiaMode", new JsonObject())),
      new JsonObject().put("name", "Xy").put("termsAndConditionsUrl", "not a url"),
      new JsonObject().put("name", "Xy").put("startsAt", "tomorrow"),
      new JsonObject().put("name", "Xy").put("startsAt", "2030-01-02T00:00:00Z").put("expiresAt", "2030-01-01T00:00:00Z"),
      new JsonObject().put("name", "Xy").put("rules", new JsonObject().put("agreements", "yes")),
      new JsonObject().put("name", "Xy").put("password", "abc"),
      new JsonObject().put("name", "Xy").put("id", "0123456789abcdef01234567"),
      new JsonObject().put("name", "Xy").put("usersWaiting", new JsonArray()),
      new JsonObject().put("name", "Xy").put("translations", new JsonObject().put("f r", new JsonObject().put("name", "Xy"))),
      new JsonObject().put("slug", "no-name"),
    };
    for (JsonObject body : bad) {
      Res r = create(token, body);
      assertThat(r.status()).as(body.encode() + " -> " + r).isBetween(400, 499);
      Fixture.assertError(r, r.status());
    }
    assertThat(p().get("/api/v2/admin/communities").header("x-api-token", token).send().json().getLong("total")).isEqualTo(2);
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void theStatusFollowsTheDates() {
    String org = Fixture.org();
    String token = Fixture.apiToken(org);
    Instant now = p().clock().instant();
    String id = create(token, new JsonObject().put("name", "Timed")
      .put("startsAt", now.plus(Duration.ofDays(1)).toString())
      .put("expiresAt", now.plus(Duration.ofDays(3)).toString())).json().getString("id");
    Duration moved = Duration.ZERO;
    try {
      assertThat(status(token, id)).isEqualTo("scheduled");
      assertThat(p().get("/api/v2/admin/communities?status=scheduled").header("x-api-token", token).send().json()
        .getLong("total")).isEqualTo(1);
      p().clock().advance(Duration.ofDays(2));
      moved = moved.plusDays(2);
      assertThat(status(token, id)).isEqualTo("live");
      assertThat(p().get("/api/v2/admin/communities?status=live").header("x-api-token", token).send().json()
        .getLong("total")).isEqualTo(1);
      p().clock().advance(Duration.ofDays(2));
      moved = moved.plusDays(2);
      assertThat(status(token, id)).isEqualTo("expired");
      assertThat(p().get("/api/v2/admin/communities?status=expired").header("x-api-token", token).send().json()
        .getLong("total")).isEqualTo(1);
    } finally {
      p().clock().advance(moved.negated());
    }
    Fixture.adminPatch(org, token, id, new JsonObject().put("status", "archived"));
    assertThat(status(token, id)).isEqualTo("archived");
  }

  private static String status(String token, String id) {
    return p().get("/api/v2/admin/communities/" + id).header("x-api-token", token).send().json().getString("status");
  }

  @Test
  void xLanguagePicksATranslationAndFallsBackToTheDefaultLanguage() {
    String org = Fixture.org();
    String token = Fixture.apiToken(org);
    String id = create(token, full()).json().getString("id");
    JsonObject fr = p().get("/api/v2/admin/communities/" + id).header("x-api-token", token).header("x-language", "fr-CA")
      .send().json();
    assertThat(fr.getString("name")).isEqualTo("Les fans d'Acme");
    assertThat(fr.getJsonObject("descriptionConfig").getString("content")).isEqualTo("Tout sur Acme");
    assertThat(fr.getString("bannerTitle")).isEqualTo("Bienvenue");
    assertThat(fr.getString("bannerDescription")).isEqualTo("Join the fans");
    assertThat(fr.getJsonObject("rules").getString("text")).isEqualTo("Soyez gentils");
    assertThat(fr.getJsonObject("rules").getJsonArray("agreements")).containsExactly("I will be kind");
    assertThat(fr.getString("language")).isEqualTo("fr");
    JsonObject de = p().get("/api/v2/admin/communities/" + id).header("x-api-token", token).header("x-language", "de")
      .send().json();
    assertThat(de.getString("name")).isEqualTo("Acme Fans");
    assertThat(de.getString("language")).isEqualTo("en");
    // the plain API honours it too
    assertThat(Fixture.as(p().get("/api/communities/" + id), org, "u").header("x-language", "FR").send().json()
      .getString("name")).isEqualTo("Les fans d'Acme");

    // an organisation whose default language is French: its base text is French
    String frToken = Fixture.apiToken("french-org");
    String fid = create(frToken, new JsonObject().put("name", "Les amis")
      .put("translations", new JsonObject().put("en", new JsonObject().put("name", "The friends")))).json().getString("id");
    JsonObject base = p().get("/api/v2/admin/communities/" + fid).header("x-api-token", frToken).send().json();
    assertThat(base.getString("name")).isEqualTo("Les amis");
    assertThat(base.getString("language")).isEqualTo("fr");
    assertThat(p().get("/api/v2/admin/communities/" + fid).header("x-api-token", frToken).header("x-language", "en")
      .send().json().getString("name")).isEqualTo("The friends");
  }
}
