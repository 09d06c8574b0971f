package org.communityplatform.pages;

import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.ContractRoutes;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.communityplatform.pages.PagesTestSupport.PAGES;
import static org.communityplatform.pages.PagesTestSupport.create;
import static org.communityplatform.pages.PagesTestSupport.page;
import static org.communityplatform.pages.PagesTestSupport.token;

/** Every new page route (invitations, bans, mutes) against owner, admin, member, outsider and anonymous caller. */
class PagePermissionMatrixTest {

  private static final String[] ACTORS = {"owner", "admin", "member", "outsider", null};
  private static final AtomicInteger ORGS = new AtomicInteger();

  private static JsonObject generous() {
    return new JsonObject().put("max", 100_000).put("windowSeconds", 60);
  }

  @RegisterExtension
  static final PlatformExtension PLATFORM = PlatformExtension.with(new JsonObject().put("throttle", new JsonObject()
    .put("pageJoins", generous()).put("pageJoinsByAddress", generous())
    .put("pageInvites", generous()).put("pageInvitesByAddress", generous()))).bind(t -> p = t);
  static TestPlatform p;

  /** A public page with an owner, an admin and two members, an open invitation of the owner's, a ban and a mute of m2. */
  static final class World {
    final String org = "matrix-" + ORGS.incrementAndGet();
    final String page;
    final String invite;

    World() {
      page = create(p, org, "owner", page("Matrix")).getString("id");
      for (String u : new String[] {"admin", "member", "m2", "m3", "m4"}) {
        p.post(PAGES + "/" + page + "/join").org(org).bearer(token(p, org, u)).send();
      }
      p.patch(PAGES + "/" + page + "/members/admin").org(org).bearer(token(p, org, "owner")).json(new JsonObject().put("role", "admin")).send();
      invite = p.post(PAGES + "/" + page + "/invite").org(org).bearer(token(p, org, "owner"))
        .json(new JsonObject().put("email", "guest@example.org")).send().json().getString("id");
      // m3 banned and m2 muted by the admin (the owner and any admin may lift those); m4 banned and
      // muted by the owner (only the owner may lift those)
      JsonObject reason = new JsonObject().put("targetUserId", "m3").put("reason", "set up");
      p.post(PAGES + "/" + page + "/bans").org(org).bearer(token(p, org, "admin")).json(reason).send();
      p.post(PAGES + "/" + page + "/mutes").org(org).bearer(token(p, org, "admin")).json(reason.copy().put("targetUserId", "m2")).send();
      p.post(PAGES + "/" + page + "/mutes").org(org).bearer(token(p, org, "owner")).json(reason.copy().put("targetUserId", "m4")).send();
      p.post(PAGES + "/" + page + "/bans").org(org).bearer(token(p, org, "owner")).json(reason.copy().put("targetUserId", "m4")).send();
    }

    TestPlatform.Req as(TestPlatform.Req r, String actor) {
      r.org(org);
      return actor == null ? r : r.bearer(token(p, org, actor));
    }
  }

  private record Cell(String route, int[] expected, BiFunction<World, String, Res> call) {
  }

  private static int[] s(int... statuses) {
    return statuses;
  }

  /** One cell per route (and variant) of issues 10 and 14, with the status each actor gets. */
  private static List<Cell> cells() {
    String base = PAGES + "/";
    JsonObject banM2 = new JsonObject().put("targetUserId", "member").put("reason", "rude");
    return List.of(
      new Cell("POST /invite (member role)", s(201, 201, 201, 403, 401), (w, a) ->
        w.as(p.post(base + w.page + "/invite"), a).json(new JsonObject().put("email", "new@example.org")).send()),
      new Cell("POST /invite (admin role)", s(201, 403, 403, 403, 401), (w, a) ->
        w.as(p.post(base + w.page + "/invite"), a).json(new JsonObject().put("email", "new@example.org").put("role", "admin")).send()),
      new Cell("GET /invitations", s(200, 200, 200, 403, 401), (w, a) ->
        w.as(p.get(base + w.page + "/invitations"), a).send()),
      new Cell("DELETE /invitations/{id}", s(200, 200, 403, 403, 401), (w, a) ->
        w.as(p.delete(base + w.page + "/invitations/" + w.invite), a).send()),
      new Cell("POST /invitations/{id}/accept (not the addressee)", s(404, 404, 404, 404, 401), (w, a) ->
        w.as(p.post(base + w.page + "/invitations/" + w.invite + "/accept"), a).send()),
      new Cell("POST /invitations/{id}/decline (not the addressee)", s(404, 404, 404, 404, 401), (w, a) ->
        w.as(p.post(base + w.page + "/invitations/" + w.invite + "/decline"), a).send()),
      new Cell("GET /invitations/mine", s(200, 200, 200, 200, 401), (w, a) ->
        w.as(p.get(PAGES + "/invitations/mine"), a).send()),
      new Cell("POST /bans", s(201, 201, 403, 403, 401), (w, a) ->
        w.as(p.post(base + w.page + "/bans"), a).json(banM2).send()),
      new Cell("GET /bans", s(200, 200, 403, 403, 401), (w, a) ->
        w.as(p.get(base + w.page + "/bans"), a).send()),
      new Cell("DELETE /bans/{userId} (placed by an admin)", s(200, 200, 403, 403, 401), (w, a) ->
        w.as(p.delete(base + w.page + "/bans/m3"), a).send()),
      new Cell("DELETE /bans/{userId} (placed by the owner)", s(200, 403, 403, 403, 401), (w, a) ->
        w.as(p.delete(base + w.page + "/bans/m4"), a).send()),
      new Cell("POST /mutes", s(201, 201, 403, 403, 401), (w, a) ->
        w.as(p.post(base + w.page + "/mutes"), a).json(banM2).send()),
      new Cell("GET /mutes", s(200, 200, 403, 403, 401), (w, a) ->
        w.as(p.get(base + w.page + "/mutes"), a).send()),
      new Cell("DELETE /mutes/{userId} (placed by an admin)", s(200, 200, 403, 403, 401), (w, a) ->
        w.as(p.delete(base + w.page + "/mutes/m2"), a).send()),
      new Cell("DELETE /mutes/{userId} (placed by the owner)", s(200, 403, 403, 403, 401), (w, a) ->
        w.as(p.delete(base + w.page + "/mutes/m4"), a).send()));
  }

  /**
   * Issue 14's routes of this module, read from the served contract (every operation on a page path with
   * {@code /bans} or {@code /mutes}): each has at least one cell, so a route added to the contract
   * without its row in the matrix fails here.
   */
  @Test
  void everyModerationRouteOfTheContractHasACell() {
    List<String> covered = new ArrayList<>();
    for (Cell c : cells()) {
      String[] route = c.route().split(" \\(")[0].split(" ", 2);
      covered.add(route[0] + " " + PAGES + "/{}" + route[1]);
    }
    List<String> missing = ContractRoutes.uncovered(p.get("/openapi.json").send().json(),
      path -> path.startsWith(PAGES + "/") && path.matches(".*/(bans|mutes)(/.*)?"), covered);
    assertThat(missing).as("routes of the contract without a cell in the matrix").isEmpty();
  }

  @Test
  void everyNewRouteAnswersAsTheRolesSay() {
    List<Cell> cells = cells();
    List<String> wrong = new ArrayList<>();
    try (FakeAccounts accounts = new FakeAccounts(p)) {
      for (Cell cell : cells) {
        for (int i = 0; i < ACTORS.length; i++) {
          World w = new World();
          Res r = cell.call().apply(w, ACTORS[i]);
          if (r.status() != cell.expected()[i]) {
            wrong.add(cell.route() + " as " + ACTORS[i] + ": " + r.status() + " (expected " + cell.expected()[i] + ") " + r.body());
          }
        }
      }
    }
    assertThat(wrong).as("expected per actor " + Arrays.toString(ACTORS)).isEmpty();
  }
}
