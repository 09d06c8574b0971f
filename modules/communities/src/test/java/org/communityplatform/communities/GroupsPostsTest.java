package org.communityplatform.communities;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Groups and posts: their rules, limits and order. */
class GroupsPostsTest {

  @RegisterExtension
  static final Fixture.PerClass P = Fixture.perClass();

  @Test
  void groupsFollowTheirRules() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", false);
    Fixture.joined(org, c, "owner", "admin", "admin");
    Fixture.joined(org, c, "owner", "m1", "member");
    Res created = Fixture.post(org, "admin", "/api/groups").json(new JsonObject().put("communityId", c)
      .put("name", "Runners").put("description", "We run")).send();
    assertThat(created.status()).isEqualTo(201);
    JsonObject g = created.json();
    assertThat(g.getString("role")).isEqualTo("admin");
    assertThat(g.getLong("memberCount")).isEqualTo(1);
    assertThat(g.getBoolean("isPrivate")).isFalse();
    String id = g.getString("id");

    // adding needs a community member as target
    Res notMember = Fixture.post(org, "admin", "/api/groups/" + id).json(new JsonObject().put("targetUserId", "stranger")).send();
    Fixture.assertError(notMember, 400);
    assertThat(Fixture.post(org, "admin", "/api/groups/" + id).json(new JsonObject().put("targetUserId", "m1")).send()
      .status()).isEqualTo(201);
    Res again = Fixture.post(org, "admin", "/api/groups/" + id).json(new JsonObject().put("targetUserId", "m1")).send();
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getBoolean("added")).isFalse();
    assertThat(Fixture.get(org, "m1", "/api/groups/" + id).send().json().getString("role")).isEqualTo("member");
    // a plain group member cannot add others or change the group
    Fixture.assertError(Fixture.post(org, "m1", "/api/groups/" + id).json(new JsonObject().put("targetUserId", "owner")).send(), 403);
    Fixture.assertError(Fixture.patch(org, "m1", "/api/groups/" + id).json(new JsonObject().put("name", "Walkers")).send(), 403);
    Res changed = Fixture.patch(org, "admin", "/api/groups/" + id).json(new JsonObject().put("name", "Walkers")
      .put("description", null).put("isPrivate", true)).send();
    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.json().getString("name")).isEqualTo("Walkers");
    assertThat(changed.json().getString("description")).isNull();
    assertThat(changed.json().getBoolean("isPrivate")).isTrue();

    // leaving the community leaves its groups
    Fixture.delete(org, "m1", "/api/communities/" + c + "/members").json(new JsonObject().put("targetUserId", "m1")).send();
    assertThat(Fixture.get(org, "admin", "/api/groups/" + id).send().json().getLong("memberCount")).isEqualTo(1);

    for (JsonObject bad : new JsonObject[] {
      new JsonObject().put("communityId", c).put("name", "x"),
      new JsonObject().put("communityId", c).put("name", "x".repeat(81)),
      new JsonObject().put("communityId", c).put("name", "   "),
      new JsonObject().put("communityId", c).put("name", "Fine").put("description", "d".repeat(301)),
      new JsonObject().put("communityId", "nope").put("name", "Fine"),
      new JsonObject().put("name", "Fine"),
      new JsonObject().put("communityId", c).put("name", "Fine").put("owner", "me")}) {
      Fixture.assertError(Fixture.post(org, "owner", "/api/groups").json(bad).send(), 400);
    }
    Fixture.assertError(Fixture.post(org, "owner", "/api/groups").json(new JsonObject()
      .put("communityId", java.util.UUID.randomUUID().toString()).put("name", "Fine")).send(), 404);
    Fixture.assertError(Fixture.get(org, "owner", "/api/groups").send(), 400);

    // deleting a group deletes its posts
    Fixture.post(org, "admin", "/api/posts").json(new JsonObject().put("communityId", c).put("groupId", id).put("content", "x")).send();
    assertThat(Fixture.delete(org, "owner", "/api/groups/" + id).send().status()).isEqualTo(200);
    Fixture.assertError(Fixture.get(org, "owner", "/api/groups/" + id).send(), 404);
    assertThat(Fixture.count("SELECT count(*) FROM communities.posts WHERE group_id = $1::uuid", id)).isZero();
  }

  @Test
  void postsHaveLimitsAndComePinnedFirstThenNewest() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", false);
    Fixture.joined(org, c, "owner", "mod", "moderator");
    Fixture.joined(org, c, "owner", "m1", "member");
    List<String> made = new ArrayList<>();
    for (int i = 1; i <= 25; i++) {
      Res r = Fixture.post(org, i % 2 == 0 ? "m1" : "owner", "/api/posts").json(new JsonObject().put("communityId", c)
        .put("content", "post " + i).put("title", "T" + i)
        .put("attachments", new JsonArray().add("https://files.example/" + i + ".png"))).send();
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
      made.add(r.json().getString("id"));
    }
    // pin an early post (as moderator, not its author)
    assertThat(Fixture.patch(org, "mod", "/api/posts/" + made.get(2)).json(new JsonObject().put("isPinned", true)).send()
      .json().getBoolean("isPinned")).isTrue();

    JsonObject first = Fixture.get(org, "m1", "/api/posts?communityId=" + c).send().json();
    assertThat(first.getLong("total")).isEqualTo(25);
    assertThat(first.getInteger("limit")).isEqualTo(20);
    JsonArray data = first.getJsonArray("data");
    assertThat(data).hasSize(20);
    assertThat(data.getJsonObject(0).getString("content")).isEqualTo("post 3");
    assertThat(data.getJsonObject(1).getString("content")).isEqualTo("post 25");
    assertThat(data.getJsonObject(2).getString("content")).isEqualTo("post 24");
    JsonArray second = Fixture.get(org, "m1", "/api/posts?communityId=" + c + "&page=2").send().json().getJsonArray("data");
    assertThat(second).hasSize(5);
    assertThat(second.getJsonObject(4).getString("content")).isEqualTo("post 1");
    assertThat(Fixture.get(org, "m1", "/api/posts?communityId=" + c + "&limit=100").send().json().getJsonArray("data"))
      .hasSize(25);
    Fixture.assertError(Fixture.get(org, "m1", "/api/posts?communityId=" + c + "&limit=101").send(), 400);
    Fixture.assertError(Fixture.get(org, "m1", "/api/posts").send(), 400);

    // edits: the author only; the post shows them
    String mine = made.get(1);
    Res edited = Fixture.patch(org, "m1", "/api/posts/" + mine).json(new JsonObject().put("content", "edited")
      .put("title", null).put("attachments", new JsonArray())).send();
    assertThat(edited.status()).isEqualTo(200);
    assertThat(edited.json().getString("content")).isEqualTo("edited");
    assertThat(edited.json().getString("title")).isNull();
    Fixture.assertError(Fixture.patch(org, "owner", "/api/posts/" + mine).json(new JsonObject().put("content", "mine now"))
      .send(), 403);
    Fixture.assertError(Fixture.patch(org, "m1", "/api/posts/" + mine).json(new JsonObject().put("isPinned", true)).send(), 403);
    assertThat(Fixture.get(org, "owner", "/api/posts/" + mine).send().json().getString("content")).isEqualTo("edited");

    // limits
    JsonObject base = new JsonObject().put("communityId", c);
    JsonArray eleven = new JsonArray();
    for (int i = 0; i < 11; i++) {
      eleven.add("https://files.example/" + i);
    }
    for (JsonObject bad : new JsonObject[] {
      base.copy().put("content", ""),
      base.copy().put("content", "  \n "),
      base.copy().put("content", "x".repeat(10_001)),
      base.copy().put("content", "ok").put("title", "t".repeat(201)),
      base.copy().put("content", "ok").put("attachments", eleven),
      base.copy().put("content", "ok").put("attachments", new JsonArray().add("not a url")),
      base.copy().put("content", "ok").put("isPinned", "yes"),
      base.copy()}) {
      Fixture.assertError(Fixture.post(org, "owner", "/api/posts").json(bad).send(), 400);
    }
    assertThat(Fixture.post(org, "owner", "/api/posts").json(base.copy().put("content", "x".repeat(10_000))
      .put("title", "t".repeat(200)).put("attachments", new JsonArray().add("https://a.example/1"))).send().status())
      .isEqualTo(201);
    // a group post needs a group of this community
    Fixture.assertError(Fixture.post(org, "owner", "/api/posts").json(base.copy().put("content", "ok")
      .put("groupId", java.util.UUID.randomUUID().toString())).send(), 404);
    // members only
    Fixture.assertError(Fixture.post(org, "stranger", "/api/posts").json(base.copy().put("content", "hi")).send(), 403);

    // deletion: author or moderators
    assertThat(Fixture.delete(org, "m1", "/api/posts/" + mine).send().status()).isEqualTo(200);
    Fixture.assertError(Fixture.get(org, "m1", "/api/posts/" + mine).send(), 404);
    Fixture.assertError(Fixture.delete(org, "m1", "/api/posts/" + made.get(0)).send(), 403);
    assertThat(Fixture.delete(org, "mod", "/api/posts/" + made.get(0)).send().status()).isEqualTo(200);
  }

  @Test
  void aGroupFeedIsSeparateFromTheCommunityFeed() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", false);
    Fixture.joined(org, c, "owner", "m1", "member");
    String g = Fixture.post(org, "owner", "/api/groups").json(new JsonObject().put("communityId", c).put("name", "Inner"))
      .send().json().getString("id");
    Fixture.post(org, "owner", "/api/posts").json(new JsonObject().put("communityId", c).put("content", "to all")).send();
    Fixture.post(org, "owner", "/api/posts").json(new JsonObject().put("communityId", c).put("groupId", g)
      .put("content", "to the group")).send();
    // posting in a group takes group membership
    Fixture.assertError(Fixture.post(org, "m1", "/api/posts").json(new JsonObject().put("communityId", c).put("groupId", g)
      .put("content", "me too")).send(), 403);
    JsonArray all = Fixture.get(org, "m1", "/api/posts?communityId=" + c).send().json().getJsonArray("data");
    assertThat(all).hasSize(1);
    assertThat(all.getJsonObject(0).getString("content")).isEqualTo("to all");
    JsonArray inGroup = Fixture.get(org, "m1", "/api/posts?communityId=" + c + "&groupId=" + g).send().json().getJsonArray("data");
    assertThat(inGroup).hasSize(1);
    assertThat(inGroup.getJsonObject(0).getString("groupId")).isEqualTo(g);
  }
}
