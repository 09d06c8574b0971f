package org.communityplatform.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Bulk-loads the {@link DataSet} straight into the modules' tables, after the platform's migrations
 * created them: PostgreSQL COPY ({@link BulkCopy}), rows generated on the fly.
 *
 * <p>Large tables get the bulk treatment {@link BulkCopy} describes (secondary indexes dropped and
 * recreated, no per-row foreign key checks: the rows are consistent by construction, and checked
 * after loading). Kept counters (communities' member counts per role,
 * directory positions, pages' member counts) are written consistent and verified. Then
 * {@code VACUUM ANALYZE}, so the planner and index-only scans see the data as a long-running
 * database would.
 */
final class Loader {

  static final String[] FIRST = {"alice", "bruno", "carla", "david", "elena", "felix", "greta", "hugo", "irene", "jonas",
    "karin", "lukas", "maria", "nina", "oscar", "paula", "quentin", "rosa", "simon", "tara", "ulrich", "vera", "walter",
    "xenia", "yusuf", "zoe", "anna", "ben", "clara", "dana", "emil", "fiona", "georg", "hanna", "ivan", "julia", "kai",
    "lena", "marco", "noah", "olga", "peter", "ruth", "sara", "tom", "ute", "viktor", "wanda", "yara", "zeno", "amir",
    "bianca", "chen", "dmitri", "eva", "farah", "gina", "hassan", "ines", "jakob", "keiko", "leon", "mila", "nils",
    "omar", "pia", "rafael", "selin", "theo", "uma", "valentin", "wen", "yvonne", "zara", "arne", "bea", "cyril",
    "doris", "erik", "freya", "gustav", "helga", "igor", "jana", "kurt", "lisa", "moritz", "nora", "otto", "petra",
    "raul", "sonja", "timo", "ulla", "vito", "wilma", "yann", "zita", "aaron", "berit"};
  static final String[] LAST = {"lee", "smith", "garcia", "muller", "rossi", "dubois", "novak", "kowalski", "jensen",
    "silva", "tanaka", "kim", "nguyen", "ivanova", "horvat", "popescu", "schmidt", "fischer", "weber", "meyer",
    "wagner", "becker", "schulz", "hoffmann", "koch", "richter", "klein", "wolf", "neumann", "schwarz", "braun",
    "zimmermann", "kruger", "hartmann", "lange", "werner", "krause", "lehmann", "kaiser", "fuchs", "peters", "scholz",
    "moller", "jung", "hahn", "vogel", "keller", "frank", "berger", "roth", "beck", "lorenz", "baumann", "franke",
    "albrecht", "ludwig", "winter", "simon", "kraus", "martin", "schumacher", "vogt", "jager", "otto", "sommer",
    "gross", "seidel", "heinrich", "brandt", "haas", "schreiber", "graf", "dietrich", "ziegler", "kuhn", "pohl",
    "engel", "horn", "busch", "bergmann", "thomas", "voigt", "sauer", "arnold", "wolff", "pfeiffer"};
  static final String[] COMPANIES = {"acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka",
    "tyrell", "cyberdyne", "soylent", "aperture", "oscorp", "vandelay", "massive", "dunder", "pied", "gringotts",
    "monarch", "nakatomi"};
  static final String[] JOBS = {"designer", "engineer", "manager", "writer", "analyst", "teacher", "nurse", "chef",
    "architect", "photographer"};
  static final String[] CITIES = {"berlin", "paris", "lisbon", "vienna", "prague", "madrid", "oslo", "dublin",
    "warsaw", "rome"};
  static final String[] COUNTRIES = {"DE", "FR", "PT", "AT", "CZ", "ES", "NO", "IE", "PL", "IT"};
  static final String[] INTERESTS = {"typography", "ui", "hiking", "jazz", "chess", "cooking", "cycling", "poetry",
    "robotics", "gardening", "running", "painting", "astronomy", "film", "climbing"};

  private static final DateTimeFormatter TS = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
  private static final OffsetDateTime T0 = OffsetDateTime.of(2025, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

  private final Pg pg;
  private final DataSet ds;
  /** What could not be loaded (table or column missing), by table. */
  final List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
  final List<String> timings = new java.util.concurrent.CopyOnWriteArrayList<>();

  Loader(Pg pg, DataSet ds) {
    this.pg = pg;
    this.ds = ds;
  }

  /** Loads everything; returns the wall time in ms. Two loader threads: the machine has two cores. */
  long load() throws Exception {
    long t0 = System.nanoTime();
    ExecutorService ex = Executors.newFixedThreadPool(2);
    try {
      Future<?> a = ex.submit(() -> {
        step("profiles.users", this::loadProfiles);
        step("pages.pages+members", this::loadPages);
        return null;
      });
      Future<?> b = ex.submit(() -> {
        step("communities.communities", this::loadCommunities);
        step("communities.members", this::loadMembers);
        step("communities.posts", this::loadPosts);
        return null;
      });
      a.get(30, TimeUnit.MINUTES);
      b.get(30, TimeUnit.MINUTES);
    } finally {
      ex.shutdownNow();
    }
    long loaded = System.nanoTime();
    try (Connection c = pg.connect(); Statement s = c.createStatement()) {
      for (String t : List.of("profiles.users", "communities.communities", "communities.members", "communities.posts",
        "pages.pages", "pages.members")) {
        if (BulkCopy.exists(c, t)) {
          s.execute("VACUUM (ANALYZE) " + t);
        }
      }
    }
    timings.add(String.format("VACUUM ANALYZE %.1f s", (System.nanoTime() - loaded) / 1e9));
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private interface Step {
    void run(Connection c) throws Exception;
  }

  private void step(String name, Step step) {
    long t0 = System.nanoTime();
    try (Connection c = pg.connect()) {
      c.setAutoCommit(true);
      step.run(c);
      timings.add(String.format("%s %.1f s", name, (System.nanoTime() - t0) / 1e9));
    } catch (Exception e) {
      problems.add(name + ": " + e.getMessage());
      System.out.println("  ! could not load " + name + ": " + e.getMessage());
    }
  }


  private static String ts(long secondsAfterT0) {
    return T0.plusSeconds(secondsAfterT0).format(TS);
  }

  // ---------------------------------------------------------------------------------------- profiles

  private void loadProfiles(Connection c) throws Exception {
    String cols = "org, id, type, id_tag, name, first_name, last_name, email, email_verified, image, bio, company, "
      + "job_title, city, country, interests, social, created_at, updated_at";
    BulkCopy.copy(c, "profiles.users", cols, true, rows -> {
      profileRows(rows, DataSet.ORG, ds.profiles, DataSet::user);
      profileRows(rows, DataSet.SMALL_ORG, ds.smallProfiles, DataSet::smallUser);
      profileRows(rows, DataSet.XL_ORG, ds.xlProfiles, DataSet::xlUser);
    });
  }

  private static void profileRows(BulkCopy.Rows rows, String org, int n, java.util.function.IntFunction<String> id) {
    for (int i = 1; i <= n; i++) {
      String uid = id.apply(i);
      String first = FIRST[(i * 7) % FIRST.length];
      String last = LAST[(i * 13) % LAST.length];
      String name = cap(first) + " " + cap(last);
      String ts = ts(i);
      rows.v(org).v(uid).v("person").v(uid).v(name).v(cap(first)).v(cap(last))
        .v(first + "." + last + "." + i + "@bench.example").v("true")
        .v("https://cdn.bench.example/avatars/" + uid + ".png")
        .v("Hello, I am " + cap(first) + ".")
        .v(cap(COMPANIES[i % COMPANIES.length])).v(cap(JOBS[(i / 3) % JOBS.length]))
        .v(cap(CITIES[(i / 7) % CITIES.length])).v(COUNTRIES[(i / 7) % COUNTRIES.length])
        .v("{" + INTERESTS[i % INTERESTS.length] + "," + INTERESTS[(i / 5) % INTERESTS.length] + "}")
        .v("{\"twitter\":\"@" + first + i + "\"}")
        .v(ts).v(ts).end();
    }
  }

  static String cap(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  // ------------------------------------------------------------------------------------- communities

  private void loadCommunities(Connection c) throws Exception {
    String cols = "id, org, name, slug, description, is_private, community_type, access, status, details, translations, "
      + "member_count, count_owner, count_admin, count_moderator, count_member, created_by, created_at, updated_at, next_seq";
    BulkCopy.copy(c, "communities.communities", cols, false, rows -> {
      for (int k = 0; k < ds.communities; k++) {
        int n = ds.memberCount(k);
        String ts = ts(k * 60L);
        rows.v(DataSet.communityId(k)).v(DataSet.ORG).v("Bench community " + k).v(DataSet.slug(k))
          .v("A generated community for the benchmark, number " + k + ".").v("false").v("Community").v("open")
          .v("live").v("{}").v("{}")
          .v(n).v(1).v(0).v(0).v(n - 1).v(ds.memberAt(k, 1)).v(ts).v(ts).v(n + 1).end();
      }
    });
  }

  private void loadMembers(Connection c) throws Exception {
    // seq: the join number the directory's keyset cursor walks (equal to pos for members loaded in order)
    String cols = "community_id, user_id, org, role, status, pos, role_pos, seq, joined_at";
    BulkCopy.copy(c, "communities.members", cols, true, rows -> {
      for (int k = 0; k < ds.communities; k++) {
        String cid = DataSet.communityId(k).toString();
        int n = ds.memberCount(k);
        for (int pos = 1; pos <= n; pos++) {
          rows.v(cid).v(ds.memberAt(k, pos)).v(DataSet.ORG).v(pos == 1 ? "owner" : "member").v("active")
            .v(pos).v(pos == 1 ? 1 : pos - 1).v(pos).v(ts(k * 60L + pos)).end();
        }
      }
    });
  }

  private void loadPosts(Connection c) throws Exception {
    String cols = "id, org, community_id, group_id, author_id, title, content, attachments, is_pinned, created_at, updated_at";
    BulkCopy.copy(c, "communities.posts", cols, true, rows -> {
      for (int i = 0; i < ds.posts; i++) {
        int k = i % ds.communities;
        int members = ds.memberCount(k);
        String author = ds.memberAt(k, 1 + (i / ds.communities) % members);
        String ts = ts(1_000_000L + i);
        rows.v(DataSet.postId(i)).v(DataSet.ORG).v(DataSet.communityId(k)).v(null).v(author)
          .v(i % 3 == 0 ? "Post " + i : null)
          .v("Generated post " + i + ": a few sentences of text that a member might write to the community.")
          .v("[]").v(i % 500 == 0 ? "true" : "false").v(ts).v(ts).end();
      }
    });
  }

  // -------------------------------------------------------------------------------------------- pages

  private void loadPages(Connection c) throws Exception {
    String cols = "id, org, name, type, category, description, image, visibility, owner_id, owner_email, member_count, "
      + "created_at, updated_at";
    BulkCopy.copy(c, "pages.pages", cols, false, rows -> {
      for (int k = 0; k < ds.pages; k++) {
        String owner = DataSet.user(1 + k % ds.profiles);
        String ts = ts(2_000_000L + k * 10L);
        rows.v(DataSet.pageId(k)).v(DataSet.ORG).v("Bench page " + k + " " + DataSet.category(k))
          .v(DataSet.TYPES[k % DataSet.TYPES.length]).v(DataSet.category(k))
          .v("A generated page about " + DataSet.category(k) + ", number " + k + ".").v(null)
          .v(k % 10 == 9 ? "private" : "public").v(owner).v(owner + "@bench.example").v(1 + ds.pageMembers)
          .v(ts).v(ts).end();
      }
    });
    BulkCopy.copy(c, "pages.members", "org, page_id, user_id, email, role, source, joined_at", false, rows -> {
      for (int k = 0; k < ds.pages; k++) {
        int ownerIdx = 1 + k % ds.profiles;
        String ts = ts(2_000_000L + k * 10L);
        rows.v(DataSet.ORG).v(DataSet.pageId(k)).v(DataSet.user(ownerIdx)).v(null).v("owner").v("auto").v(ts).end();
        for (int j = 1; j <= ds.pageMembers; j++) {
          int u = 1 + (ownerIdx - 1 + j * 997) % ds.profiles;
          rows.v(DataSet.ORG).v(DataSet.pageId(k)).v(DataSet.user(u)).v(null).v("member").v("request")
            .v(ts(2_000_000L + k * 10L + j)).end();
        }
      }
    });
  }

  /** Checks the kept counters against the rows; returns a line for the report. */
  String verify() {
    List<String> out = new ArrayList<>();
    try (Connection c = pg.connect(); Statement s = c.createStatement()) {
      if (BulkCopy.exists(c, "communities.members")) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM communities.communities c WHERE c.member_count <> "
          + "(SELECT count(*) FROM communities.members m WHERE m.community_id = c.id) OR c.count_owner + c.count_member <> c.member_count "
          + "OR c.member_count <> coalesce((SELECT max(pos) FROM communities.members m WHERE m.community_id = c.id), 0)")) {
          rs.next();
          out.add("communities with inconsistent counters: " + rs.getLong(1));
        }
      }
      if (BulkCopy.exists(c, "pages.members")) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pages.pages p WHERE p.member_count <> "
          + "(SELECT count(*) FROM pages.members m WHERE m.page_id = p.id AND m.user_id IS NOT NULL)")) {
          rs.next();
          out.add("pages with inconsistent counters: " + rs.getLong(1));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT pg_size_pretty(pg_database_size(current_database()))")) {
        rs.next();
        out.add("database size " + rs.getString(1));
      }
    } catch (SQLException e) {
      out.add("verification failed: " + e.getMessage());
    }
    return String.join("; ", out);
  }
}
