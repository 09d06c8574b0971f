package org.communityplatform.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pages and profiles together: member rows carry the real public profile (one profiles.lookup per
 * page of rows) with the email shown only to the page's owner and admins; an invitation never
 * becomes a membership by itself, neither when someone registers with that email nor when the
 * invitee already has an account (issue 10: only a verified address accepts).
 */
class PagesWithProfilesTest {

  @RegisterExtension
  static final PlatformExtension PLATFORM = PlatformExtension.with(new JsonObject().put("modules", new JsonObject()
    .put("profiles", new JsonObject().put("bcryptCost", 4)))).bind(t -> p = t);
  static TestPlatform p;
  static final String PAGES = "/client/community/pages";

  private static String register(String org, String tag) {
    Res r = p.post("/api/profiles/register").org(org).json(new JsonObject().put("type", "idp").put("idTag", tag)
      .put("email", tag + "@example.org").put("password", "password-" + tag)).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getJsonObject("data").getString("token");
  }

  private static JsonArray members(String org, String pageId) {
    return members(org, pageId, null);
  }

  private static JsonArray members(String org, String pageId, String token) {
    TestPlatform.Req q = p.get(PAGES + "/" + pageId + "/members").org(org);
    Res r = (token == null ? q : q.bearer(token)).send();
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

    JsonObject ownerRow = members(org, pageId, owner).getJsonObject(0);
    assertThat(ownerRow.getString("source")).isEqualTo("auto");
    assertThat(ownerRow.getJsonObject("profile")).isNotNull();
    assertThat(ownerRow.getJsonObject("profile").getString("email")).isEqualTo("olive@example.org");
    // an anonymous reader sees the profile without the address (issue 10, item 9)
    assertThat(members(org, pageId).getJsonObject(0).getJsonObject("profile").getValue("email")).isNull();

    Res inv = p.post(PAGES + "/" + pageId + "/invite").org(org).bearer(owner)
      .json(new JsonObject().put("email", "latecomer@example.org")).send();
    assertThat(inv.status()).as(inv.toString()).isEqualTo(201);
    assertThat(inv.json().getString("status")).isEqualTo("pending");
    assertThat(members(org, pageId)).hasSize(1);

    // registering with the address (not verified) makes nobody a member
    register(org, "latecomer");
    Thread.sleep(300);
    assertThat(members(org, pageId)).hasSize(1);

    // an invitee who already has an account gets a pending invitation, not a membership
    register(org, "known");
    Res known = p.post(PAGES + "/" + pageId + "/invite").org(org).bearer(owner)
      .json(new JsonObject().put("email", "known@example.org")).send();
    assertThat(known.status()).as(known.toString()).isEqualTo(201);
    assertThat(known.json().getString("status")).isEqualTo("pending");
    assertThat(members(org, pageId)).hasSize(1);
  }
}
