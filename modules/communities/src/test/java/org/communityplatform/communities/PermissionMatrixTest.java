package org.communityplatform.communities;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.ContractRoutes;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** Every write route against owner, admin, moderator, member, non-member and anonymous caller. */
class PermissionMatrixTest {

  @RegisterExtension
  static final Fixture.PerClass P = Fixture.perClass();

  private static final String[] ACTORS = {"owner", "admin", "mod", "member", "outsider", null};

  /** A community with one user per role, a group of the owner's, a post of the member's. */
  static final class World {
    final String org = Fixture.org();
    final String community;
    final String group;
    final String post;
    final String invite;
    String request;

    World(boolean withRequest) {
      community = Fixture.community(org, "owner", false);
      Fixture.joined(org, community, "owner", "admin", "admin");
      Fixture.joined(org, community, "owner", "mod", "moderator");
      Fixture.joined(org, community, "owner", "member", "member");
      Fixture.joined(org, community, "owner", "m2", "member");
      group = Fixture.post(org, "owner", "/api/groups").json(new JsonObject().put("communityId", community)
        .put("name", "Group")).send().json().getString("id");
      post = Fixture.post(org, "member", "/api/posts").json(new JsonObject().put("communityId", community)
        .put("content", "Hello")).send().json().getString("id");
      invite = Fixture.post(org, "owner", "/api/communities/" + community + "/invite")
        .json(new JsonObject().put("email", "invited@example.test")).send().json().getString("id");
      if (withRequest) {
        Fixture.adminPatch(org, Fixture.apiToken(org), community, new JsonObject().put("access", "request"));
        Res j = Fixture.post(org, "r1", "/api/v4/communities/" + community + "/join").send();
        request = j.json().getJsonArray("joinRequests").getJsonObject(0).getString("joinRequestId");
      }
    }
  }

  private static final class Cell {
    final String route;
    final int[] expected;
    final boolean withRequest;
    final BiFunction<World, String, Res> call;

    Cell(String route, int[] expected, boolean withRequest, BiFunction<World, String, Res> call) {
      this.route = route;
      this.expected = expected;
      this.withRequest = withRequest;
      this.call = call;
    }
  }

  private static int[] s(int... statuses) {
    return statuses;
  }

  @Test
  void everyWriteRouteAnswersAsTheRolesSay() {
    List<Cell> cells = cells();
    List<String> wrong = new ArrayList<>();
    for (Cell cell : cells) {
      for (int i = 0; i < ACTORS.length; i++) {
        World w = new World(cell.withRequest);
        Res r = cell.call.apply(w, ACTORS[i]);
        if (r.status() != cell.expected[i]) {
          wrong.add(cell.route + " as " + ACTORS[i] + ": expected " + cell.expected[i] + ", got " + r);
        }
        if (r.status() >= 400) {
          Fixture.assertError(r, r.status());
        }
      }
    }
    assertThat(wrong).as("cells answered differently from the rules").isEmpty();
  }

  /**
   * Issue 14's routes of this module, read from the served contract (every operation on a path with
   * {@code /bans}, {@code /mutes} or {@code /audit}): each has at least one cell above, so a route added to
   * the contract without its row in the matrix fails here.
   */
  @Test
  void everyModerationRouteOfTheContractHasACell() {
    List<String> covered = cells().stream().map(c -> c.route).toList();
    List<String> missing = ContractRoutes.uncovered(Fixture.platform().get("/openapi.json").send().json(),
      path -> path.startsWith("/api/communities/") && path.matches(".*/(bans|mutes|audit)(/.*)?"), covered);
    assertThat(covered).isNotEmpty();
    assertThat(missing).as("routes of the contract without a cell in the matrix").isEmpty();
  }

  /** One cell per write route (and variant), with the status each actor gets. */
  private static List<Cell> cells() {
    return List.of(
      new Cell("PATCH /api/communities/{id}", s(200, 200, 403, 403, 403, 401), false, (w, a) ->
        Fixture.patch(w.org, a, "/api/communities/" + w.community).json(new JsonObject().put("name", "Renamed")).send()),
      new Cell("DELETE /api/communities/{id}", s(200, 403, 403, 403, 403, 401), false, (w, a) ->
        Fixture.delete(w.org, a, "/api/communities/" + w.community).send()),
      new Cell("PATCH /api/communities/{id}/members", s(200, 200, 403, 403, 403, 401), false, (w, a) ->
        Fixture.patch(w.org, a, "/api/communities/" + w.community + "/members")
          .json(new JsonObject().put("targetUserId", "m2").put("role", "moderator")).send()),
      new Cell("PATCH /api/communities/{id}/members (make admin)", s(200, 403, 403, 403, 403, 401), false, (w, a) ->
        Fixture.patch(w.org, a, "/api/communities/" + w.community + "/members")
          .json(new JsonObject().put("targetUserId", "m2").put("role", "admin")).send()),
      new Cell("DELETE /api/communities/{id}/members", s(200, 200, 403, 403, 403, 401), false, (w, a) ->
        Fixture.delete(w.org, a, "/api/communities/" + w.community + "/members")
          .json(new JsonObject().put("targetUserId", "m2")).send()),
      new Cell("POST /api/communities/{id}/invite", s(201, 201, 201, 201, 403, 401), false, (w, a) ->
        Fixture.post(w.org, a, "/api/communities/" + w.community + "/invite")
          .json(new JsonObject().put("email", "new@example.test")).send()),
      new Cell("POST /api/communities/{id}/invite (as moderator)", s(201, 201, 201, 403, 403, 401), false, (w, a) ->
        Fixture.post(w.org, a, "/api/communities/" + w.community + "/invite")
          .json(new JsonObject().put("email", "new@example.test").put("role", "moderator")).send()),
      new Cell("POST /api/groups", s(201, 201, 403, 403, 403, 401), false, (w, a) ->
        Fixture.post(w.org, a, "/api/groups").json(new JsonObject().put("communityId", w.community).put("name", "G2")).send()),
      new Cell("PATCH /api/groups/{id}", s(200, 403, 403, 403, 403, 401), false, (w, a) ->
        Fixture.patch(w.org, a, "/api/groups/" + w.group).json(new JsonObject().put("name", "G3")).send()),
      new Cell("DELETE /api/groups/{id}", s(200, 200, 403, 403, 403, 401), false, (w, a) ->
        Fixture.delete(w.org, a, "/api/groups/" + w.group).send()),
      new Cell("POST /api/groups/{id}", s(201, 403, 403, 403, 403, 401), false, (w, a) ->
        Fixture.post(w.org, a, "/api/groups/" + w.group).json(new JsonObject().put("targetUserId", "m2")).send()),
      new Cell("POST /api/posts", s(201, 201, 201, 201, 403, 401), false, (w, a) ->
        Fixture.post(w.org, a, "/api/posts").json(new JsonObject().put("communityId", w.community).put("content", "Hi")).send()),
      new Cell("POST /api/posts (pinned)", s(201, 201, 201, 403, 403, 401), false, (w, a) ->
        Fixture.post(w.org, a, "/api/posts").json(new JsonObject().put("communityId", w.community).put("content", "Hi")
          .put("isPinned", true)).send()),
      new Cell("PATCH /api/posts/{id} (content)", s(403, 403, 403, 200, 403, 401), false, (w, a) ->
        Fixture.patch(w.org, a, "/api/posts/" + w.post).json(new JsonObject().put("content", "Edited")).send()),
      new Cell("PATCH /api/posts/{id} (pin)", s(200, 200, 200, 403, 403, 401), false, (w, a) ->
        Fixture.patch(w.org, a, "/api/posts/" + w.post).json(new JsonObject().put("isPinned", true)).send()),
      new Cell("DELETE /api/posts/{id}", s(200, 200, 200, 200, 403, 401), false, (w, a) ->
        Fixture.delete(w.org, a, "/api/posts/" + w.post).send()),
      new Cell("POST /api/v4/communities/{id}/join", s(200, 200, 200, 200, 200, 401), false, (w, a) ->
        Fixture.post(w.org, a, "/api/v4/communities/" + w.community + "/join").send()),
      new Cell("POST .../join-requests/{id}/approve", s(200, 200, 200, 403, 403, 401), true, (w, a) ->
        Fixture.post(w.org, a, "/api/v4/communities/" + w.community + "/join-requests/" + w.request + "/approve").send()),
      new Cell("POST .../join-requests/{id}/reject", s(200, 200, 200, 403, 403, 401), true, (w, a) ->
        Fixture.post(w.org, a, "/api/v4/communities/" + w.community + "/join-requests/" + w.request + "/reject").send()),
      new Cell("POST /api/stream/token", s(200, 200, 200, 200, 200, 401), false, (w, a) ->
        Fixture.post(w.org, a, "/api/stream/token").send()),
      new Cell("GET /api/communities/{id}/invites", s(200, 200, 200, 200, 403, 401), false, (w, a) ->
        Fixture.get(w.org, a, "/api/communities/" + w.community + "/invites").send()),
      new Cell("DELETE /api/communities/{id}/invites/{inviteId} (the owner's)", s(200, 200, 404, 404, 403, 401), false, (w, a) ->
        Fixture.delete(w.org, a, "/api/communities/" + w.community + "/invites/" + w.invite).send()),
      new Cell("POST /api/communities/{id}/bans (a member)", s(201, 201, 201, 403, 403, 401), false, (w, a) ->
        Fixture.post(w.org, a, "/api/communities/" + w.community + "/bans")
          .json(new JsonObject().put("targetUserId", "m2").put("reason", "spam")).send()),
      new Cell("POST /api/communities/{id}/bans (an admin; the admin themselves: 400)", s(201, 400, 403, 403, 403, 401), false, (w, a) ->
        Fixture.post(w.org, a, "/api/communities/" + w.community + "/bans")
          .json(new JsonObject().put("targetUserId", "admin").put("reason", "spam")).send()),
      new Cell("GET /api/communities/{id}/bans", s(200, 200, 200, 403, 403, 401), false, (w, a) ->
        Fixture.get(w.org, a, "/api/communities/" + w.community + "/bans").send()),
      new Cell("DELETE /api/communities/{id}/bans/{userId} (placed by a moderator)", s(200, 200, 200, 403, 403, 401), false, (w, a) -> {
        sanction(w, "bans", "mod");
        return Fixture.delete(w.org, a, "/api/communities/" + w.community + "/bans/m2").send();
      }),
      new Cell("DELETE /api/communities/{id}/bans/{userId} (placed by the owner)", s(200, 403, 403, 403, 403, 401), false, (w, a) -> {
        sanction(w, "bans");
        return Fixture.delete(w.org, a, "/api/communities/" + w.community + "/bans/m2").send();
      }),
      new Cell("POST /api/communities/{id}/mutes (a member)", s(201, 201, 201, 403, 403, 401), false, (w, a) ->
        Fixture.post(w.org, a, "/api/communities/" + w.community + "/mutes")
          .json(new JsonObject().put("targetUserId", "m2").put("reason", "noise")).send()),
      new Cell("POST /api/communities/{id}/mutes (the owner)", s(400, 403, 403, 403, 403, 401), false, (w, a) ->
        Fixture.post(w.org, a, "/api/communities/" + w.community + "/mutes")
          .json(new JsonObject().put("targetUserId", "owner").put("reason", "noise")).send()),
      new Cell("GET /api/communities/{id}/mutes", s(200, 200, 200, 403, 403, 401), false, (w, a) ->
        Fixture.get(w.org, a, "/api/communities/" + w.community + "/mutes").send()),
      new Cell("DELETE /api/communities/{id}/mutes/{userId} (placed by a moderator)", s(200, 200, 200, 403, 403, 401), false, (w, a) -> {
        sanction(w, "mutes", "mod");
        return Fixture.delete(w.org, a, "/api/communities/" + w.community + "/mutes/m2").send();
      }),
      new Cell("DELETE /api/communities/{id}/mutes/{userId} (placed by the owner)", s(200, 403, 403, 403, 403, 401), false, (w, a) -> {
        sanction(w, "mutes");
        return Fixture.delete(w.org, a, "/api/communities/" + w.community + "/mutes/m2").send();
      }),
      new Cell("GET /api/communities/{id}/audit", s(200, 200, 403, 403, 403, 401), false, (w, a) ->
        Fixture.get(w.org, a, "/api/communities/" + w.community + "/audit").send()));

  }

  /** The owner bans or mutes m2, so that a cell can lift it. */
  private static void sanction(World w, String kind) {
    sanction(w, kind, "owner");
  }

  /** {@code placer} bans or mutes m2, so that a cell can lift it. */
  private static void sanction(World w, String kind, String placer) {
    Res r = Fixture.post(w.org, placer, "/api/communities/" + w.community + "/" + kind)
      .json(new JsonObject().put("targetUserId", "m2").put("reason", "set-up")).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  @Test
  void refusedWritesChangeNothing() {
    World w = new World(false);
    sanction(w, "mutes");
    long eventsBefore = Fixture.count("SELECT count(*) FROM platform.events WHERE org = $1", w.org);
    long auditBefore = Fixture.count("SELECT count(*) FROM platform.audit_log WHERE org = $1", w.org);
    for (String actor : Arrays.asList("mod", "member", "outsider", null)) {
      Fixture.patch(w.org, actor, "/api/communities/" + w.community).json(new JsonObject().put("name", "Hijacked")).send();
      Fixture.delete(w.org, actor, "/api/communities/" + w.community).send();
      Fixture.delete(w.org, actor, "/api/groups/" + w.group).send();
      Fixture.post(w.org, actor, "/api/communities/" + w.community + "/bans")
        .json(new JsonObject().put("targetUserId", "admin").put("reason", "coup")).send();
      Fixture.post(w.org, actor, "/api/communities/" + w.community + "/mutes")
        .json(new JsonObject().put("targetUserId", "owner").put("reason", "coup")).send();
      if (!"mod".equals(actor)) {
        Fixture.delete(w.org, actor, "/api/communities/" + w.community + "/mutes/m2").send();
        Fixture.delete(w.org, actor, "/api/communities/" + w.community + "/invites/" + w.invite).send();
      }
    }
    assertThat(Fixture.count("SELECT count(*) FROM communities.bans WHERE community_id = $1::uuid", w.community)).isZero();
    assertThat(Fixture.count("SELECT count(*) FROM communities.mutes WHERE community_id = $1::uuid", w.community)).isEqualTo(1);
    assertThat(Fixture.count("SELECT count(*) FROM communities.invites WHERE community_id = $1::uuid AND revoked_at IS NULL",
      w.community)).isEqualTo(1);
    assertThat(Fixture.count("SELECT count(*) FROM platform.events WHERE org = $1", w.org)).isEqualTo(eventsBefore);
    assertThat(Fixture.count("SELECT count(*) FROM platform.audit_log WHERE org = $1", w.org)).isEqualTo(auditBefore);
    JsonObject c = Fixture.get(w.org, "owner", "/api/communities/" + w.community).send().json();
    assertThat(c.getString("name")).isEqualTo("Community of owner");
    assertThat(c.getInteger("memberCount")).isEqualTo(5);
    assertThat(Fixture.get(w.org, "owner", "/api/groups/" + w.group).send().status()).isEqualTo(200);
    JsonArray members = Fixture.get(w.org, "owner", "/api/communities/" + w.community + "/members").send().json()
      .getJsonArray("data");
    assertThat(members).hasSize(5);
  }
}
