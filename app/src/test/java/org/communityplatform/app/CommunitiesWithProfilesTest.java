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
 * Communities and profiles together: the member directory carries each member's real public profile
 * (one profiles.lookup per page), and a member without an account is listed with profile null.
 */
class CommunitiesWithProfilesTest {

  @RegisterExtension
  static final PlatformExtension PLATFORM = PlatformExtension.create().bind(t -> p = t);
  static TestPlatform p;

  private static String user(String id) {
    return p.token(id, new JsonObject().put("name", "Person " + id).put("email", id + "@example.org")
      .put("org", "communities-profiles"));
  }

  @Test
  void theDirectoryShowsPublicProfiles() {
    String org = "communities-profiles";
    String owner = user("owner");
    assertThat(p.post("/api/users/sync").org(org).bearer(owner).send().status()).isBetween(200, 201);
    Res created = p.post("/api/communities").org(org).bearer(owner).json(new JsonObject().put("name", "Readers")).send();
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String c = created.json().getString("id");
    for (int i = 0; i < 30; i++) {
      String t = user("reader" + i);
      if (i < 29) {
        assertThat(p.post("/api/users/sync").org(org).bearer(t).send().status()).isBetween(200, 201);
      }
      assertThat(p.post("/api/v4/communities/" + c + "/join").org(org).bearer(t).send().status()).isEqualTo(200);
    }
    Res first = p.get("/api/communities/" + c + "/members?limit=20").org(org).bearer(owner).send();
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    JsonArray data = first.json().getJsonArray("data");
    assertThat(data).hasSize(20);
    JsonObject ownerRow = data.getJsonObject(0);
    assertThat(ownerRow.getString("role")).isEqualTo("owner");
    assertThat(ownerRow.getJsonObject("profile")).isNotNull();
    assertThat(ownerRow.getJsonObject("profile").getString("userId")).isEqualTo("owner");
    assertThat(ownerRow.getJsonObject("profile").getString("email")).isEqualTo("owner@example.org");
    for (int i = 1; i < data.size(); i++) {
      assertThat(data.getJsonObject(i).getJsonObject("profile")).as("row " + i).isNotNull();
    }
    // the last reader never synced an account: listed, without a profile
    JsonArray last = p.get("/api/communities/" + c + "/members?limit=20&page=2").org(org).bearer(owner).send().json()
      .getJsonArray("data");
    JsonObject noAccount = last.getJsonObject(last.size() - 1);
    assertThat(noAccount.getString("userId")).isEqualTo("reader29");
    assertThat(noAccount.getValue("profile")).isNull();
    // the public projection never carries private fields
    assertThat(ownerRow.getJsonObject("profile").fieldNames()).doesNotContain("phone", "phoneNumber", "address", "addresses");

    // issue 10 (9): a plain member sees no one's address but their own
    JsonArray asMember = p.get("/api/communities/" + c + "/members?limit=20").org(org).bearer(user("reader3")).send().json()
      .getJsonArray("data");
    for (int i = 0; i < asMember.size(); i++) {
      JsonObject row = asMember.getJsonObject(i);
      JsonObject profile = row.getJsonObject("profile");
      if (row.getString("userId").equals("reader3")) {
        assertThat(profile.getString("email")).isEqualTo("reader3@example.org");
      } else {
        assertThat(profile.containsKey("email")).as(row.getString("userId")).isFalse();
      }
    }
    // an admin of the community sees them
    assertThat(p.patch("/api/communities/" + c + "/members").org(org).bearer(owner)
      .json(new JsonObject().put("targetUserId", "reader3").put("role", "admin")).send().status()).isEqualTo(200);
    JsonArray asAdmin = p.get("/api/communities/" + c + "/members?limit=20").org(org).bearer(user("reader3")).send().json()
      .getJsonArray("data");
    assertThat(asAdmin.getJsonObject(1).getJsonObject("profile").getString("email")).isEqualTo("reader0@example.org");
  }
}
