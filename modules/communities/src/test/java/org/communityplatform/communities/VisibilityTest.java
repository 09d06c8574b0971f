package org.communityplatform.communities;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Private communities and private groups are invisible to outsiders on every route. */
class VisibilityTest {

  @RegisterExtension
  static final Fixture.PerClass P = Fixture.perClass();

  @Test
  void aPrivateCommunityIsNotFoundByOutsidersOnAnyRoute() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", true);
    Fixture.member(org, c, "owner", "member", "member");
    String group = Fixture.post(org, "owner", "/api/groups").json(new JsonObject().put("communityId", c).put("name", "Team"))
      .send().json().getString("id");
    String post = Fixture.post(org, "member", "/api/posts").json(new JsonObject().put("communityId", c).put("content", "x"))
      .send().json().getString("id");
    String groupPost = Fixture.post(org, "owner", "/api/posts").json(new JsonObject().put("communityId", c)
      .put("groupId", group).put("content", "y")).send().json().getString("id");

    // members see everything
    assertThat(Fixture.get(org, "member", "/api/communities/" + c).send().status()).isEqualTo(200);
    assertThat(Fixture.get(org, "member", "/api/communities/" + c + "/members").send().status()).isEqualTo(200);
    assertThat(Fixture.get(org, "member", "/api/posts/" + post).send().status()).isEqualTo(200);

    String base = "/api/communities/" + c;
    List<Res> answers = new ArrayList<>();
    String o = "outsider";
    answers.add(Fixture.get(org, o, base).send());
    answers.add(Fixture.get(org, o, base + "/members").send());
    answers.add(Fixture.get(org, o, base + "/members?role=owner").send());
    answers.add(Fixture.get(org, o, "/api/groups?communityId=" + c).send());
    answers.add(Fixture.get(org, o, "/api/groups/" + group).send());
    answers.add(Fixture.get(org, o, "/api/posts?communityId=" + c).send());
    answers.add(Fixture.get(org, o, "/api/posts?communityId=" + c + "&groupId=" + group).send());
    answers.add(Fixture.get(org, o, "/api/posts/" + post).send());
    answers.add(Fixture.get(org, o, "/api/posts/" + groupPost).send());
    answers.add(Fixture.get(org, o, "/api/v4/communities/" + c + "/join-requests").send());
    // writes do not reveal it either
    answers.add(Fixture.patch(org, o, base).json(new JsonObject().put("name", "Mine now")).send());
    answers.add(Fixture.delete(org, o, base).send());
    answers.add(Fixture.patch(org, o, base + "/members").json(new JsonObject().put("targetUserId", "member")
      .put("role", "admin")).send());
    answers.add(Fixture.delete(org, o, base + "/members").json(new JsonObject().put("targetUserId", "member")).send());
    answers.add(Fixture.post(org, o, base + "/invite").json(new JsonObject().put("email", "x@example.test")).send());
    answers.add(Fixture.post(org, o, "/api/v4/communities/" + c + "/join").send());
    answers.add(Fixture.post(org, o, "/api/groups").json(new JsonObject().put("communityId", c).put("name", "Mine")).send());
    answers.add(Fixture.post(org, o, "/api/posts").json(new JsonObject().put("communityId", c).put("content", "z")).send());
    answers.add(Fixture.patch(org, o, "/api/posts/" + post).json(new JsonObject().put("content", "z")).send());
    answers.add(Fixture.delete(org, o, "/api/posts/" + post).send());
    answers.add(Fixture.delete(org, o, "/api/groups/" + group).send());
    for (Res r : answers) {
      Fixture.assertError(r, 404);
    }
    // and the answer is the same as for a community that does not exist
    Res none = Fixture.get(org, o, "/api/communities/" + java.util.UUID.randomUUID()).send();
    assertThat(none.json().getJsonObject("error").getString("message"))
      .isEqualTo(answers.get(0).json().getJsonObject("error").getString("message"));
    assertThat(Fixture.get(org, o, "/api/communities").send().json().getJsonArray("data")).isEmpty();
    // nothing was changed or joined
    assertThat(Fixture.get(org, "owner", base).send().json().getInteger("memberCount")).isEqualTo(2);
  }

  @Test
  void aCommunityOfAnotherOrganisationIsNotFound() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", false);
    Fixture.assertError(Fixture.get(Fixture.org(), "owner", "/api/communities/" + c).send(), 404);
    Fixture.assertError(Fixture.post(Fixture.org(), "someone", "/api/v4/communities/" + c + "/join").send(), 404);
  }

  @Test
  void aPrivateGroupIsSeenOnlyByItsMembersAndCommunityAdmins() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", false);
    Fixture.joined(org, c, "owner", "admin", "admin");
    Fixture.joined(org, c, "owner", "insider", "member");
    Fixture.joined(org, c, "owner", "member", "member");
    String open = Fixture.post(org, "owner", "/api/groups").json(new JsonObject().put("communityId", c).put("name", "Open"))
      .send().json().getString("id");
    String secret = Fixture.post(org, "owner", "/api/groups").json(new JsonObject().put("communityId", c)
      .put("name", "Secret").put("isPrivate", true)).send().json().getString("id");
    assertThat(Fixture.post(org, "owner", "/api/groups/" + secret).json(new JsonObject().put("targetUserId", "insider"))
      .send().status()).isEqualTo(201);
    String secretPost = Fixture.post(org, "insider", "/api/posts").json(new JsonObject().put("communityId", c)
      .put("groupId", secret).put("content", "between us")).send().json().getString("id");

    for (String outsider : new String[] {"member", "stranger"}) {
      Fixture.assertError(Fixture.get(org, outsider, "/api/groups/" + secret).send(), 404);
      Fixture.assertError(Fixture.get(org, outsider, "/api/posts?communityId=" + c + "&groupId=" + secret).send(), 404);
      Fixture.assertError(Fixture.get(org, outsider, "/api/posts/" + secretPost).send(), 404);
      Fixture.assertError(Fixture.post(org, outsider, "/api/posts").json(new JsonObject().put("communityId", c)
        .put("groupId", secret).put("content", "let me in")).send(), 404);
      assertThat(names(Fixture.get(org, outsider, "/api/groups?communityId=" + c).send().json())).containsExactly("Open");
    }
    // the group's members see it and its posts
    assertThat(names(Fixture.get(org, "insider", "/api/groups?communityId=" + c).send().json()))
      .containsExactly("Open", "Secret");
    assertThat(Fixture.get(org, "insider", "/api/posts/" + secretPost).send().status()).isEqualTo(200);
    // community admins see the group, but its posts stay with its members
    assertThat(Fixture.get(org, "admin", "/api/groups/" + secret).send().status()).isEqualTo(200);
    assertThat(names(Fixture.get(org, "admin", "/api/groups?communityId=" + c).send().json())).containsExactly("Open", "Secret");
    Fixture.assertError(Fixture.get(org, "admin", "/api/posts/" + secretPost).send(), 404);
    // an open group's feed is readable by anyone who sees the community
    assertThat(Fixture.get(org, "stranger", "/api/posts?communityId=" + c + "&groupId=" + open).send().status()).isEqualTo(200);
  }

  private static List<String> names(JsonObject page) {
    List<String> names = new ArrayList<>();
    JsonArray data = page.getJsonArray("data");
    data.forEach(g -> names.add(((JsonObject) g).getString("name")));
    return names;
  }
}
