package org.communityplatform.app;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The communities module's writes each append their event (issue 13, "each module's writes produce
 * their events, with the right subject ids"), with the actor, and a refused write appends none.
 * The backlog, profiles, pages and moderation modules' own tests cover theirs.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CommunityEventsTest {

  static final String ORG = "cev";

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.with(new JsonObject()
    .put("modules", new JsonObject().put("communities", new JsonObject().put("passwordHashIterations", 1000))));

  private static TestPlatform.Req as(TestPlatform.Req r, String user) {
    return r.org(ORG).bearer(p.get().token(user, new JsonObject().put("email", user + "@example.test").put("name", "User " + user)
      .put("org", ORG)));
  }

  /** Events of the community since {@code afterId}, oldest first: {type, subject, actor}. */
  private static List<JsonObject> events(String communityId, long afterId) {
    return p.get().sql("SELECT id, type, subject, actor FROM platform.events WHERE org = $1 AND community_id = $2 AND id > $3"
        + " ORDER BY id", ORG, communityId, afterId).stream()
      .map((Row r) -> new JsonObject().put("id", r.getLong(0)).put("type", r.getString(1)).put("subject", r.getValue(2))
        .put("actor", r.getString(3)))
      .toList();
  }

  private static long last(String communityId) {
    List<JsonObject> all = events(communityId, 0);
    return all.isEmpty() ? 0 : all.get(all.size() - 1).getLong("id");
  }

  private static JsonObject only(String communityId, long after, String type) {
    List<JsonObject> e = events(communityId, after);
    assertThat(e).extracting(x -> x.getString("type")).containsExactly(type);
    return e.get(0);
  }

  @Test
  void eachWriteAppendsItsEventWithItsSubjectIdsAndActor() {
    TestPlatform.Res c = as(p.get().post("/api/communities"), "owner").json(new JsonObject().put("name", "Event garden")).send();
    assertThat(c.status()).as(c.toString()).isEqualTo(201);
    String id = c.json().getString("id");
    List<JsonObject> created = events(id, 0);
    assertThat(created).extracting(x -> x.getString("type")).contains("community.created");
    JsonObject first = created.stream().filter(x -> x.getString("type").equals("community.created")).findFirst().orElseThrow();
    assertThat(first.getJsonObject("subject").getString("communityId")).isEqualTo(id);
    assertThat(first.getString("actor")).isEqualTo("owner");

    long at = last(id);
    assertThat(as(p.get().patch("/api/communities/" + id), "owner").json(new JsonObject().put("description", "grows")).send().status())
      .isEqualTo(200);
    assertThat(only(id, at, "community.updated").getJsonObject("subject").getString("communityId")).isEqualTo(id);

    at = last(id);
    TestPlatform.Res join = as(p.get().post("/api/v4/communities/" + id + "/join"), "joiner").json(new JsonObject()).send();
    assertThat(join.status()).as(join.toString()).isEqualTo(200);
    JsonObject joined = only(id, at, "community.member.joined");
    assertThat(joined.getJsonObject("subject").getString("userId")).isEqualTo("joiner");
    assertThat(joined.getString("actor")).isEqualTo("joiner");

    at = last(id);
    TestPlatform.Res g = as(p.get().post("/api/groups"), "owner").json(new JsonObject().put("communityId", id).put("name", "Seeds")).send();
    assertThat(g.status()).as(g.toString()).isEqualTo(201);
    String groupId = g.json().getString("id");
    List<JsonObject> groupEvents = events(id, at);
    JsonObject groupCreated = groupEvents.stream().filter(x -> x.getString("type").equals("group.created")).findFirst().orElseThrow();
    assertThat(groupCreated.getJsonObject("subject").getString("groupId")).isEqualTo(groupId);

    at = last(id);
    TestPlatform.Res post = as(p.get().post("/api/posts"), "owner").json(new JsonObject().put("communityId", id).put("content", "hello")).send();
    assertThat(post.status()).as(post.toString()).isEqualTo(201);
    String postId = post.json().getString("id");
    assertThat(only(id, at, "post.created").getJsonObject("subject").getString("postId")).isEqualTo(postId);

    at = last(id);
    assertThat(as(p.get().patch("/api/posts/" + postId), "owner").json(new JsonObject().put("content", "hello again")).send().status())
      .isEqualTo(200);
    assertThat(only(id, at, "post.updated").getJsonObject("subject").getString("postId")).isEqualTo(postId);

    // refused writes (an outsider editing, a post without content) append nothing
    at = last(id);
    assertThat(as(p.get().patch("/api/communities/" + id), "joiner").json(new JsonObject().put("description", "mine now")).send().status())
      .isEqualTo(403);
    assertThat(as(p.get().post("/api/posts"), "owner").json(new JsonObject().put("communityId", id).put("content", " ")).send().status())
      .isEqualTo(400);
    assertThat(events(id, at)).isEmpty();

    assertThat(as(p.get().delete("/api/posts/" + postId), "owner").send().status()).isBetween(200, 204);
    assertThat(only(id, at, "post.deleted").getJsonObject("subject").getString("postId")).isEqualTo(postId);
    at = last(id);
    assertThat(as(p.get().delete("/api/communities/" + id), "owner").send().status()).isBetween(200, 204);
    assertThat(events(id, at)).extracting(x -> x.getString("type")).contains("community.deleted");
  }
}
