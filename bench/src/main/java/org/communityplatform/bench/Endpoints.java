package org.communityplatform.bench;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.communityplatform.bench.Run.LIMIT;
import static org.communityplatform.bench.Run.PEOPLE_Q;
import static org.communityplatform.bench.Run.abbreviate;
import static org.communityplatform.bench.Run.findKey;
import static org.communityplatform.bench.Run.membersPath;
import static org.communityplatform.bench.Run.withAuth;

/**
 * The endpoint table of a run: every measured request with its headers and pre-minted tokens (HS256
 * with the secret the bench gives the platform), and the baseline's one request.
 */
final class Endpoints {

  final List<Endpoint> list;
  final Wrk.Request baselineReq;
  final Path tokDir;

  private Endpoints(List<Endpoint> list, Wrk.Request baselineReq, Path tokDir) {
    this.list = list;
    this.baselineReq = baselineReq;
    this.tokDir = tokDir;
  }

  /** Mints the tokens into {@code <work>/tokens} and builds the table; {@code --only} filters it. */
  static Endpoints build(Run run, Node platform) throws IOException {
    Options o = run.o;
    DataSet ds = run.ds;
    Tokens tokens = new Tokens(Run.SECRET, 24 * 3600);
    Path tokDir = o.work.resolve("tokens");
    int joinTokens = o.smoke ? 10 : 120_000;
    int joinWarm = o.smoke ? 10 : 30_000;
    tokens.writeFile(tokDir.resolve("join-measure.txt"), DataSet.ORG, joinTokens, i -> DataSet.joiner(1 + i));
    tokens.writeFile(tokDir.resolve("join-warmup.txt"), DataSet.ORG, joinWarm, i -> DataSet.joiner(500_001 + i));
    tokens.writeFile(tokDir.resolve("post-authors.txt"), DataSet.ORG, Math.min(1000, ds.midMembers - 1),
      i -> DataSet.user(2 + i));
    String reader = tokens.mint(DataSet.user(2), DataSet.ORG, DataSet.user(2) + "@bench.example");
    List<String> singleIds = new ArrayList<>();
    for (int k = 0; k < ds.communities; k++) {
      singleIds.add(DataSet.communityId(k).toString());
    }
    Map<String, String> auth = Map.of("Authorization", "Bearer " + reader, "orgid", DataSet.ORG);
    Map<String, String> org = Map.of("orgid", DataSet.ORG);

    Wrk.Request baselineReq = new Wrk.Request("GET", singleIds.stream().map(id -> BaselineServer.PREFIX + id).toList(),
      Map.of(), null, null);
    List<Endpoint> endpoints = new ArrayList<>();
    endpoints.add(new Endpoint("single-read", "GET /api/communities/{id} (auth)",
      new Wrk.Request("GET", singleIds.stream().map(id -> "/api/communities/" + id).toList(), auth, null, null), auth, false, "read"));
    endpoints.add(new Endpoint("pages-list", "GET /client/community/pages?category=design",
      Wrk.Request.get("/client/community/pages?category=design", org), org, false, "read"));
    String big = ds.big().toString();
    String mid = ds.mid().toString();
    int deepPage = ds.bigMembers / LIMIT;
    endpoints.add(new Endpoint("members-p1-1M", "GET /api/communities/{1M}/members page 1",
      Wrk.Request.get(membersPath(big, "page=1"), auth), auth, false, "members"));
    endpoints.add(new Endpoint("members-deep-page-1M", "GET .../members?page=" + deepPage + " (1M)",
      Wrk.Request.get(membersPath(big, "page=" + deepPage), auth), auth, false, "members"));
    String cursor = deepCursor(run, platform, big, deepPage, auth);
    if (cursor != null) {
      endpoints.add(new Endpoint("members-deep-cursor-1M", "GET .../members?cursor=(page " + deepPage + ") (1M)",
        Wrk.Request.get(membersPath(big, "cursor=" + cursor), auth), auth, false, "members"));
    } else {
      run.notes.add("no cursor for page " + deepPage + " of the member directory could be obtained (no `nextCursor` in the answer "
        + "of page " + (deepPage - 1) + "): the cursor figures are missing");
    }
    endpoints.add(new Endpoint("members-p1-10k", "GET /api/communities/{10k}/members page 1",
      Wrk.Request.get(membersPath(mid, "page=1"), auth), auth, false, "members"));
    endpoints.add(new Endpoint("people-100k", "GET /client/community/people?q=" + PEOPLE_Q + " (100k org)",
      Wrk.Request.get("/client/community/people?q=" + PEOPLE_Q, org), org, false, "people"));
    Map<String, String> smallOrg = Map.of("orgid", DataSet.SMALL_ORG);
    endpoints.add(new Endpoint("people-10k", "GET /client/community/people?q=" + PEOPLE_Q + " (10k org)",
      Wrk.Request.get("/client/community/people?q=" + PEOPLE_Q, smallOrg), smallOrg, false, "people"));
    if (ds.xlProfiles > 0) {
      Map<String, String> xlOrg = Map.of("orgid", DataSet.XL_ORG);
      endpoints.add(new Endpoint("people-1M", "GET /client/community/people?q=" + PEOPLE_Q + " (1M org)",
        Wrk.Request.get("/client/community/people?q=" + PEOPLE_Q, xlOrg), xlOrg, false, "people"));
    }
    String joinPath = "/api/v4/communities/" + ds.joinTarget() + "/join";
    String checkJoiner = tokens.mint(DataSet.joiner(0), DataSet.ORG, DataSet.joiner(0) + "@bench.example");
    endpoints.add(new Endpoint("join", "POST /api/v4/communities/{id}/join (distinct users)",
      new Wrk.Request("POST", List.of(joinPath), org, null, tokDir.resolve("join-measure.txt")),
      withAuth(org, checkJoiner), true, "write"));
    String postBody = new JsonObject().put("communityId", mid)
      .put("content", "A benchmark post: a few words, as a member would write them.").encode();
    endpoints.add(new Endpoint("post-create", "POST /api/posts",
      new Wrk.Request("POST", List.of("/api/posts"), org, postBody, tokDir.resolve("post-authors.txt")),
      auth, true, "write"));
    if (!o.only.isEmpty()) {
      endpoints.removeIf(e -> !o.only.contains(e.key()));
    }
    return new Endpoints(endpoints, baselineReq, tokDir);
  }

  /**
   * The cursor of directory page {@code deepPage}: the {@code nextCursor} of page {@code deepPage - 1},
   * read by page number once (positions make that an index range).
   */
  private static String deepCursor(Run run, Node platform, String community, int deepPage, Map<String, String> auth) {
    Http.Res r = Http.get(platform.base() + membersPath(community, "page=" + (deepPage - 1)), auth);
    if (!r.ok()) {
      run.say("  page %d of the directory answered %d: %s", deepPage - 1, r.status(), abbreviate(r.body(), 200));
      return null;
    }
    try {
      Object c = findKey(new JsonObject(r.body()), "nextCursor");
      if (c instanceof String && !((String) c).isBlank()) {
        return (String) c;
      }
    } catch (RuntimeException e) {
      // not JSON: fall through
    }
    return keysetCursor(run, community, deepPage);
  }

  /**
   * A directory answered by page number carries no cursor (only keyset pages do): the cursor of page
   * {@code deepPage} is then written as the communities module writes it ("m2*", the unit separator,
   * the join number {@code seq} of the last member of the page before, base64url without padding),
   * that number read from the bench's database. The request measured is the same keyset read a client
   * following {@code nextCursor} makes.
   */
  private static String keysetCursor(Run run, String community, int deepPage) {
    String sql = "SELECT seq FROM communities.members WHERE community_id = ?::uuid ORDER BY seq OFFSET ? LIMIT 1";
    try (java.sql.Connection c = run.pg.connect(); java.sql.PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, community);
      st.setLong(2, (long) (deepPage - 1) * LIMIT - 1);
      try (java.sql.ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        String raw = "m2*" + '\u001F' + rs.getLong(1);
        return java.util.Base64.getUrlEncoder().withoutPadding()
          .encodeToString(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    } catch (java.sql.SQLException e) {
      run.say("  no seq for page %d of the directory: %s", deepPage, e.getMessage());
      return null;
    }
  }
}
