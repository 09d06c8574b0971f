package org.communityplatform.communities;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12 (1): every cursor list of the module is a keyset on an immutable key, so a walk returns every
 * item that stayed put exactly once while others leave, change role, are decided or are pinned.
 */
class CursorStabilityTest {

  @RegisterExtension
  static final Fixture.PerClass P = Fixture.perClass();

  /** Follows nextCursor from {@code first} to the end, running {@code during} after the first page; gives the ids in order. */
  private static List<String> walk(String org, String user, String path, String idField, Runnable during) {
    List<String> ids = new ArrayList<>();
    String cursor = null;
    boolean first = true;
    do {
      String sep = path.contains("?") ? "&" : "?";
      Res r = Fixture.get(org, user, path + (cursor == null ? "" : sep + "cursor=" + cursor)).send();
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      r.json().getJsonArray("data").forEach(o -> ids.add(((JsonObject) o).getString(idField)));
      cursor = r.json().getString("nextCursor");
      if (first) {
        during.run();
        first = false;
      }
    } while (cursor != null);
    return ids;
  }

  private static void assertOnce(List<String> seen, Set<String> mustSee) {
    assertThat(new HashSet<>(seen)).as("no item twice").hasSize(seen.size());
    assertThat(seen).as("every item that stayed put").containsAll(mustSee);
  }

  @Test
  void aMemberLeavingDuringAWalkMakesNoOneJumpBehindTheCursor() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", false);
    List<String> all = new ArrayList<>(List.of("owner"));
    for (int i = 1; i <= 24; i++) {
      Fixture.joined(org, c, "owner", "u" + i, "member");
      all.add("u" + i);
    }
    // the example: limit 10, the 3rd member of the first page leaves, the cursor is followed
    List<String> seen = walk(org, "owner", "/api/communities/" + c + "/members?limit=10", "userId", () ->
      assertThat(Fixture.delete(org, "u2", "/api/communities/" + c + "/members")
        .json(new JsonObject().put("targetUserId", "u2")).send().status()).isEqualTo(200));
    Set<String> stayed = new HashSet<>(all);
    stayed.remove("u2");
    assertOnce(seen, stayed);
    assertThat(seen).hasSize(25);

    // a role=member walk: a seen member is promoted meanwhile; no other member is dropped
    List<String> members = walk(org, "owner", "/api/communities/" + c + "/members?role=member&limit=5", "userId", () ->
      assertThat(Fixture.patch(org, "owner", "/api/communities/" + c + "/members")
        .json(new JsonObject().put("targetUserId", "u1").put("role", "moderator")).send().status()).isEqualTo(200));
    Set<String> stillMembers = new HashSet<>(all);
    stillMembers.removeAll(List.of("owner", "u1", "u2"));
    assertOnce(members, stillMembers);
    // a member who joins during a walk is met at the end
    List<String> withNewcomer = walk(org, "owner", "/api/communities/" + c + "/members?limit=7", "userId", () ->
      Fixture.joined(org, c, "owner", "late", "member"));
    assertThat(withNewcomer).endsWith("late");
  }

  @Test
  void joinRequestsDecidedDuringAWalkSkipNoOtherRequest() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", false);
    Fixture.adminPatch(org, Fixture.apiToken(org), c, new JsonObject().put("access", "request"));
    Set<String> requesters = new HashSet<>();
    for (int i = 0; i < 9; i++) {
      assertThat(Fixture.post(org, "r" + i, "/api/v4/communities/" + c + "/join").send().status()).isEqualTo(200);
      requesters.add("r" + i);
    }
    String path = "/api/v4/communities/" + c + "/join-requests?limit=3";
    JsonArray firstPage = Fixture.get(org, "owner", path).send().json().getJsonArray("data");
    String firstId = firstPage.getJsonObject(0).getString("joinRequestId");
    List<String> seen = walk(org, "owner", path, "userId", () ->
      assertThat(Fixture.post(org, "owner", "/api/v4/communities/" + c + "/join-requests/" + firstId + "/approve").send()
        .status()).isEqualTo(200));
    assertOnce(seen, requesters);
    assertThat(seen).hasSize(9);
  }

  @Test
  void pinningAndUnpinningDuringAPostWalkNeitherRepeatsNorDrops() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", false);
    Function<Integer, String> post = i -> {
      Res r = Fixture.post(org, "owner", "/api/posts").json(new JsonObject().put("communityId", c)
        .put("content", "post " + i).put("isPinned", i % 7 == 0)).send();
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
      return r.json().getString("id");
    };
    List<String> ids = new ArrayList<>();
    try {
      createPosts(post, ids);
    } finally {
      Fixture.resetClock(Fixture.platform());
    }
    checkWalk(org, c, ids);
  }

  private static void createPosts(Function<Integer, String> post, List<String> ids) {
    for (int i = 0; i < 24; i++) {
      ids.add(post.apply(i));
      Fixture.advance(Fixture.platform(), java.time.Duration.ofSeconds(1));
    }
  }

  private static void checkWalk(String org, String c, List<String> ids) {
    String path = "/api/posts?communityId=" + c + "&limit=5";
    // the first page lists the pinned posts (0, 7, 14, 21) first, newest first
    JsonArray head = Fixture.get(org, "owner", path).send().json().getJsonArray("data");
    assertThat(head.getJsonObject(0).getString("id")).isEqualTo(ids.get(21));
    assertThat(head.getJsonObject(0).getBoolean("isPinned")).isTrue();
    assertThat(head.getJsonObject(3).getString("id")).isEqualTo(ids.get(0));
    assertThat(head.getJsonObject(4).getBoolean("isPinned")).isFalse();

    // during the walk: an unseen post is pinned, a seen pinned post unpinned, an unseen pinned post unpinned
    List<String> seen = walk(org, "owner", path, "id", () -> {
      for (String[] change : new String[][] {{ids.get(3), "true"}, {ids.get(21), "false"}, {ids.get(0), "false"}}) {
        Res r = Fixture.patch(org, "owner", "/api/posts/" + change[0])
          .json(new JsonObject().put("isPinned", Boolean.parseBoolean(change[1]))).send();
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
      }
    });
    assertOnce(seen, new HashSet<>(ids));
    assertThat(seen).hasSize(24);
    // a fresh walk shows the new pin state first
    JsonArray fresh = Fixture.get(org, "owner", path).send().json().getJsonArray("data");
    assertThat(fresh.getJsonObject(0).getString("id")).isEqualTo(ids.get(14));
    assertThat(fresh.getJsonObject(1).getString("id")).isEqualTo(ids.get(7));
    assertThat(fresh.getJsonObject(2).getString("id")).isEqualTo(ids.get(3));
    // a cursor of one feed is refused by another, and a forged one is a 400
    String next = Fixture.get(org, "owner", path).send().json().getString("nextCursor");
    String other = Fixture.community(org, "owner", false);
    Fixture.assertError(Fixture.get(org, "owner", "/api/posts?communityId=" + other + "&cursor=" + next).send(), 400);
    Fixture.assertError(Fixture.get(org, "owner", path + "&cursor=bm9wZQ").send(), 400);
  }
}
