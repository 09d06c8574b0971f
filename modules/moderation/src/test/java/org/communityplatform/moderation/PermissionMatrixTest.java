package org.communityplatform.moderation;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.ContractRoutes;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every moderation route against owner, admin, moderator, member, outsider and anonymous caller (and the
 * audit routes against admins, API tokens and others), each cell in a world built fresh; every mismatch
 * is collected before one assertion. A second pass proves that refused calls changed nothing.
 */
class PermissionMatrixTest {

  private static final String[] ACTORS = {"owner", "admin", "mod", "member", "outsider", null};

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.create();

  static StandIn stand;
  static Calls calls;

  @BeforeAll
  static void standIn() {
    stand = StandIn.on(p.get());
    calls = new Calls(p.get());
  }

  /**
   * A community (moderator "mod") and a page (where "mod" is a plain member), each with members "member",
   * "m2" and "author", a post by author in each, and an open report by m2 on each post.
   */
  static final class World {
    final String org = Calls.org();
    final String community;
    final String page;
    final String post;
    final String pagePost;
    final String communityReport;
    final String pageReport;

    World(boolean isPrivate) {
      community = stand.place(org, true, isPrivate, "owner");
      page = stand.place(org, false, isPrivate, "owner");
      for (String place : List.of(community, page)) {
        stand.member(org, place, "admin", "admin");
        stand.member(org, place, "mod", place.equals(community) ? "moderator" : "member");
        for (String m : List.of("member", "m2", "author")) {
          stand.member(org, place, m, "member");
        }
      }
      post = stand.post(org, community, "author", false);
      pagePost = stand.post(org, page, "author", true);
      communityReport = calls.reported(org, "m2", Calls.post(post, "spam"));
      pageReport = calls.reported(org, "m2", Calls.pagePost(pagePost, "spam"));
    }

    long open() {
      return p.get().sql("SELECT count(*) FROM moderation.reports WHERE org = $1 AND status = 'open'", org).get(0).getLong(0);
    }
  }

  private record Cell(String route, int[] expected, boolean isPrivate, BiFunction<World, String, Res> call) {
  }

  private static int[] s(int... statuses) {
    return statuses;
  }

  /** One cell per place route (and variant), with the status each actor gets. */
  private static List<Cell> cells() {
    return List.of(
      new Cell("POST /api/reports (post)", s(201, 201, 201, 201, 403, 401), false, (w, a) ->
        calls.report(w.org, a, Calls.post(w.post, "hate"))),
      new Cell("POST /api/reports (post, private community)", s(201, 201, 201, 201, 404, 401), true, (w, a) ->
        calls.report(w.org, a, Calls.post(w.post, "hate"))),
      new Cell("POST /api/reports (page post)", s(201, 201, 201, 201, 403, 401), false, (w, a) ->
        calls.report(w.org, a, Calls.pagePost(w.pagePost, "hate"))),
      new Cell("POST /api/reports (page post, private page)", s(201, 201, 201, 201, 404, 401), true, (w, a) ->
        calls.report(w.org, a, Calls.pagePost(w.pagePost, "hate"))),
      new Cell("POST /api/reports (member)", s(201, 201, 201, 201, 403, 401), false, (w, a) ->
        calls.report(w.org, a, Calls.member("author", w.community, "harassment"))),
      new Cell("POST /api/reports (member of a page)", s(201, 201, 201, 201, 403, 401), false, (w, a) ->
        calls.report(w.org, a, new JsonObject().put("targetType", "member").put("targetId", "author")
          .put("pageId", w.page).put("reason", "harassment"))),
      new Cell("GET /api/communities/{id}/reports", s(200, 200, 200, 403, 403, 401), false, (w, a) ->
        calls.communityQueue(w.org, a, w.community)),
      new Cell("GET /api/communities/{id}/reports (private)", s(200, 200, 200, 403, 404, 401), true, (w, a) ->
        calls.communityQueue(w.org, a, w.community)),
      new Cell("GET /client/community/pages/{id}/reports", s(200, 200, 403, 403, 403, 401), false, (w, a) ->
        calls.pageQueue(w.org, a, w.page)),
      new Cell("GET /client/community/pages/{id}/reports (private)", s(200, 200, 403, 403, 404, 401), true, (w, a) ->
        calls.pageQueue(w.org, a, w.page)),
      new Cell("POST /api/reports/{id}/resolve (community, dismiss)", s(200, 200, 200, 403, 404, 401), false, (w, a) ->
        calls.resolve(w.org, a, w.communityReport, Calls.action("dismiss"))),
      new Cell("POST /api/reports/{id}/resolve (community, ban)", s(200, 200, 200, 403, 404, 401), false, (w, a) ->
        calls.resolve(w.org, a, w.communityReport, Calls.action("ban"))),
      new Cell("POST /api/reports/{id}/resolve (community, remove_content)", s(200, 200, 200, 403, 404, 401), true, (w, a) ->
        calls.resolve(w.org, a, w.communityReport, Calls.action("remove_content"))),
      new Cell("POST /api/reports/{id}/resolve (page, dismiss)", s(200, 200, 403, 403, 404, 401), false, (w, a) ->
        calls.resolve(w.org, a, w.pageReport, Calls.action("dismiss"))),
      new Cell("POST /api/reports/{id}/resolve (page, mute)", s(200, 200, 403, 403, 404, 401), false, (w, a) ->
        calls.resolve(w.org, a, w.pageReport, Calls.action("mute"))));

  }

  /** The audit routes the organisation-level matrix below walks. */
  private static final List<String> AUDIT_ROUTES = List.of("/api/admin/audit", "/api/admin/audit/verify");

  /**
   * This module's routes, read from the served contract (every operation on a path with {@code /reports}
   * or under {@code /api/admin/audit}): each has a cell in one of the two matrices, so a route added to
   * the contract without its row fails here.
   */
  @Test
  void everyRouteOfTheContractHasACell() {
    List<String> covered = new ArrayList<>(cells().stream().map(c -> c.route()).toList());
    AUDIT_ROUTES.forEach(r -> covered.add("GET " + r));
    List<String> missing = ContractRoutes.uncovered(p.get().get("/openapi.json").send().json(),
      path -> path.matches(".*/reports(/.*)?") || path.startsWith("/api/admin/audit"), covered);
    assertThat(missing).as("routes of the contract without a cell in the matrix").isEmpty();
  }

  @Test
  void everyPlaceRouteAnswersAsTheRolesSay() {
    List<Cell> cells = cells();
    List<String> wrong = new ArrayList<>();
    for (Cell cell : cells) {
      for (int i = 0; i < ACTORS.length; i++) {
        World w = new World(cell.isPrivate());
        Res r = cell.call().apply(w, ACTORS[i]);
        if (r.status() != cell.expected()[i]) {
          wrong.add(cell.route() + " as " + ACTORS[i] + ": expected " + cell.expected()[i] + ", got " + r);
        }
        if (r.status() >= 400) {
          Calls.assertError(r, r.status());
        }
      }
    }
    assertThat(wrong).as("cells answered differently from the rules").isEmpty();
  }

  @Test
  void theAuditRoutesAnswerOrganisationAdminsAndApiTokensOnly() {
    String org = Calls.org();
    Res created = p.get().post("/api/admin/api-tokens").org(org)
      .bearer(p.get().token("boss", new JsonObject().put("roles", new JsonArray().add("admin")).put("org", org)))
      .json(new JsonObject().put("name", "matrix")).send();
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String apiToken = created.json().getString("token");
    String[] callers = {"org admin", "api token", "admin of another org", "moderator", "anonymous"};
    int[] expected = {200, 200, 403, 403, 401};
    List<String> wrong = new ArrayList<>();
    for (String path : AUDIT_ROUTES) {
      for (int i = 0; i < callers.length; i++) {
        var req = p.get().get(path).org(org);
        switch (callers[i]) {
          case "org admin" -> req.bearer(p.get().token("boss", new JsonObject().put("roles", new JsonArray().add("admin"))
            .put("org", org)));
          case "api token" -> req.header("x-api-token", apiToken);
          case "admin of another org" -> req.bearer(p.get().token("boss2", new JsonObject()
            .put("roles", new JsonArray().add("admin")).put("org", Calls.org())));
          case "moderator" -> req.bearer(p.get().token("mod", new JsonObject().put("roles", new JsonArray().add("moderator"))
            .put("org", org)));
          default -> { }
        }
        Res r = req.send();
        if (r.status() != expected[i]) {
          wrong.add("GET " + path + " as " + callers[i] + ": expected " + expected[i] + ", got " + r);
        }
        if (r.status() >= 400) {
          Calls.assertError(r, r.status());
        }
      }
    }
    assertThat(wrong).as("cells answered differently from the rules").isEmpty();
  }

  @Test
  void refusedCallsChangeNothing() {
    World w = new World(false);
    int before = stand.moderateCalls.size();
    for (String actor : Arrays.asList("member", "outsider", "m2", null)) {
      for (String action : List.of("ban", "mute", "remove_content", "dismiss")) {
        calls.resolve(w.org, actor, w.communityReport, Calls.action(action));
      }
      calls.resolve(w.org, actor, w.pageReport, Calls.action("ban"));
    }
    calls.resolve(w.org, "mod", w.pageReport, Calls.action("ban"));
    calls.report(w.org, "outsider", Calls.post(w.post, "spam"));
    calls.report(w.org, null, Calls.post(w.post, "spam"));
    calls.report(w.org, "outsider", Calls.member("author", w.community, "spam"));

    assertThat(w.open()).isEqualTo(2);
    assertThat(p.get().sql("SELECT count(*) FROM moderation.reports WHERE org = $1", w.org).get(0).getLong(0)).isEqualTo(2);
    assertThat(stand.moderateCalls.stream().skip(before).filter(m -> w.org.equals(m.getString("org")))).isEmpty();
    assertThat(stand.posts).containsKeys(w.post, w.pagePost);
    assertThat(stand.get(w.org, w.community).roles).containsEntry("author", "member");
    assertThat(p.get().sql("SELECT count(*) FROM platform.audit_log WHERE org = $1", w.org).get(0).getLong(0)).isZero();
    assertThat(p.get().sql("SELECT type FROM platform.events WHERE org = $1", w.org))
      .extracting(r -> r.getString(0)).containsOnly("report.created").hasSize(2);
  }
}
