package org.communityplatform.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pages and profiles together: member rows carry the real public profile (one profiles.lookup per
 * page of rows), and an invitation sent to an email without an account becomes a membership when
 * someone registers with that email (events.profiles.user.created).
 */
class PagesWithProfilesTest {

  static TestPlatform p;
  static final String PAGES = "/client/community/pages";

  @BeforeAll
  static void start() {
    p = TestPlatform.start(new JsonObject().put("modules", new JsonObject()
      .put("profiles", new JsonObject().put("bcryptCost", 4))));
  }

  @AfterAll
  static void stop() {
    p.close();
  }

  private static String register(String org, String tag) {
    Res r = p.post("/api/profiles/register").org(org).json(new JsonObject().put("type", "idp").put("idTag", tag)
      .put("email", tag + "@example.org").put("password", "password-" + tag)).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getJsonObject("data").getString("token");
  }

  private static JsonArray members(String org, String pageId) {
    Res r = p.get(PAGES + "/" + pageId + "/members").org(org).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getJsonArray("data");
  }

  @Test
  void membersCarryProfilesAndAnInvitationAttachesAtSignUp() throws Exception {
    String org = "pages-profiles";
    String owner = register(org, "olive");
    Res page = p.post(PAGES).org(org).bearer(owner).json(new JsonObject().put("name", "Type Designers")
      .put("type", "community").put("category", "design")).send();
    assertThat(page.status()).as(page.toString()).isEqualTo(201);
    String pageId = page.json().getString("id");
    assertThat(page.json().getString("ownerEmail")).isEqualTo("olive@example.org");

    JsonObject ownerRow = members(org, pageId).getJsonObject(0);
    assertThat(ownerRow.getString("source")).isEqualTo("auto");
    assertThat(ownerRow.getJsonObject("profile")).isNotNull();
    assertThat(ownerRow.getJsonObject("profile").getString("email")).isEqualTo("olive@example.org");

    Res inv = p.post(PAGES + "/" + pageId + "/invite").org(org).bearer(owner)
      .json(new JsonObject().put("email", "latecomer@example.org")).send();
    assertThat(inv.status()).as(inv.toString()).isEqualTo(201);
    assertThat(inv.json().getString("status")).isEqualTo("pending");
    assertThat(members(org, pageId)).hasSize(1);

    register(org, "latecomer");
    long deadline = System.currentTimeMillis() + 10_000;
    while (members(org, pageId).size() < 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    JsonArray rows = members(org, pageId);
    assertThat(rows).hasSize(2);
    JsonObject late = rows.getJsonObject(1);
    assertThat(late.getString("source")).isEqualTo("invitation");
    assertThat(late.getString("invitedBy")).isEqualTo(ownerRow.getString("userId"));
    assertThat(late.getJsonObject("profile").getString("email")).isEqualTo("latecomer@example.org");

    // an invitee who already has an account becomes a member at once (profiles.byEmail)
    register(org, "known");
    Res known = p.post(PAGES + "/" + pageId + "/invite").org(org).bearer(owner)
      .json(new JsonObject().put("email", "known@example.org")).send();
    assertThat(known.status()).as(known.toString()).isEqualTo(201);
    assertThat(known.json().getString("status")).isEqualTo("member");
    assertThat(members(org, pageId)).hasSize(3);
  }
}
