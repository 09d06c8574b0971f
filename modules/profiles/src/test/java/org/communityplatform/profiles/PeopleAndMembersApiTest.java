package org.communityplatform.profiles;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.communityplatform.profiles.Fixtures.assertError;
import static org.communityplatform.profiles.Fixtures.data;
import static org.communityplatform.profiles.Fixtures.register;

/** The people directory, the customer record and its sensitive fields, member profiles, sync, organisations and the bus. */
class PeopleAndMembersApiTest {

  static final String ISSUER = "https://clerk.example.test";
  static final String ISSUER_SECRET = "external-issuer-secret-external-issuer-secret";
  static TestPlatform p;
  static JWTAuth external;
  static final List<JsonObject> events = new CopyOnWriteArrayList<>();

  @RegisterExtension
  static final PlatformExtension platform = PlatformExtension.with(Fixtures.config(new JsonObject())
    .put("auth", new JsonObject().put("externalIssuers", new JsonArray().add(new JsonObject().put("issuer", ISSUER)
      .put("key", "clerk").put("orgClaim", "org").put("algorithm", "HS256").put("secret", ISSUER_SECRET)))));

  @BeforeAll
  static void start() {
    p = platform.get();
    external = JWTAuth.create(p.platform().vertx(), new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(ISSUER_SECRET)));
    p.platform().vertx().eventBus().<JsonObject>consumer("events.profiles.user.created",
      m -> events.add(m.body().copy().put("event", "created")));
    p.platform().vertx().eventBus().<JsonObject>consumer("events.profiles.user.updated",
      m -> events.add(m.body().copy().put("event", "updated")));
  }

  /**
   * A token of the external issuer, as a hosted sign-in service would hand out, for {@code org}
   * (the issuer is configured with orgClaim org). The platform namespaces the subject: the user
   * id is ext:clerk:{@code sub}.
   */
  static String externalToken(String org, String sub, JsonObject claims) {
    return external.generateToken(claims.copy().put("org", org), new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER).setSubject(sub)
      .setExpiresInSeconds(600));
  }

  private static JsonObject account(String org, String tag, String email) {
    return register(p, org, tag, email, "correct horse battery");
  }

  private static JsonObject fullRecord() {
    return new JsonObject()
      .put("displayName", "Alice Lee")
      .put("firstName", "Alice").put("lastName", "Lee")
      .put("image", "https://cdn.example.com/alice.png")
      .put("company", "Acme").put("jobTitle", "Designer").put("bio", "Type nerd")
      .put("city", "Berlin").put("country", "DE")
      .put("interests", new JsonArray().add("typography").add("ui"))
      .put("social", new JsonObject().put("twitter", "@alice").put("linkedin", "https://linkedin.example/alice"))
      .put("phone", "+49 30 5550199")
      .put("addresses", new JsonArray().add(new JsonObject().put("label", "home").put("line1", "Geheimweg 42")
        .put("city", "Berlin").put("postalCode", "10115").put("country", "DE")))
      .put("paymentReferences", new JsonArray().add(new JsonObject().put("provider", "sepa")
        .put("reference", "DE89370400440532013000")));
  }

  @Test
  void theCustomerRecordIsWrittenAndReadOnlyByItsOwner() {
    String org = "acct";
    JsonObject s = account(org, "alice", "alice@acme.example");
    Res put = p.put("/client-account/profile").bearer(s.getString("token")).json(fullRecord()).send();
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    JsonObject rec = put.json();
    assertThat(rec.getString("phone")).isEqualTo("+49 30 5550199");
    assertThat(rec.getJsonArray("addresses").getJsonObject(0).getString("line1")).isEqualTo("Geheimweg 42");
    assertThat(rec.getJsonArray("paymentReferences").getJsonObject(0).getString("reference")).isEqualTo("DE89370400440532013000");
    var row = p.sql("SELECT first_name, last_name, company, job_title, city, country, phone, interests::text, "
      + "social->>'twitter' AS tw, addresses->0->>'line1' AS line1, payment_refs->0->>'reference' AS ref, name "
      + "FROM profiles.users WHERE org = $1", org).get(0);
    assertThat(row.getString("first_name")).isEqualTo("Alice");
    assertThat(row.getString("job_title")).isEqualTo("Designer");
    assertThat(row.getString("phone")).isEqualTo("+49 30 5550199");
    assertThat(row.getString("interests")).isEqualTo("{typography,ui}");
    assertThat(row.getString("tw")).isEqualTo("@alice");
    assertThat(row.getString("line1")).isEqualTo("Geheimweg 42");
    assertThat(row.getString("ref")).isEqualTo("DE89370400440532013000");
    assertThat(row.getString("name")).isEqualTo("Alice Lee");

    // fields left out keep their value; null clears
    JsonObject after = p.put("/client-account/profile").bearer(s.getString("token"))
      .json(new JsonObject().put("city", "Hamburg").putNull("company")).send().json();
    assertThat(after.getString("city")).isEqualTo("Hamburg");
    assertThat(after.getString("company")).isNull();
    assertThat(after.getString("phone")).isEqualTo("+49 30 5550199");
    assertThat(p.get("/client-account/profile").bearer(s.getString("token")).send().json().getString("city")).isEqualTo("Hamburg");

    assertError(p.put("/client-account/profile").json(new JsonObject().put("city", "x")).send(), 401, null);
    assertError(p.put("/client-account/profile").bearer(s.getString("token")).json(new JsonObject().put("email", "x@y.zz"))
      .send(), 400, null);
    assertError(p.put("/client-account/profile").bearer(s.getString("token")).json(new JsonObject().put("phone", "call me"))
      .send(), 400, null);
    assertError(p.put("/client-account/profile").bearer(s.getString("token")).json(new JsonObject().put("image", "javascript:x"))
      .send(), 400, null);
    assertError(p.put("/client-account/profile").bearer(s.getString("token")).json(new JsonObject()
      .put("addresses", new JsonArray().add(new JsonObject().put("line1", "a").put("secret", "b")))).send(), 400, null);
    assertThat(p.sql("SELECT city FROM profiles.users WHERE org = $1", org).get(0).getString(0)).isEqualTo("Hamburg");
  }

  @Test
  void sensitiveFieldsNeverLeaveThroughPublicOrMemberRoutes() {
    String org = "leak";
    events.clear();
    JsonObject s = account(org, "alice", "alice@acme.example");
    String t = s.getString("token");
    String id = s.getString("userId");
    assertThat(p.put("/client-account/profile").bearer(t).json(fullRecord()).send().status()).isEqualTo(200);
    // the member route writes the same phone column
    assertThat(p.patch("/api/members/" + id + "/profile").bearer(t).json(new JsonObject().put("phoneNumber", "+49 30 5550199"))
      .send().status()).isEqualTo(200);
    String other = Fixtures.token(p, org, "bob");

    List<String> bodies = new ArrayList<>();
    bodies.add(ok(p.get("/client/community/people/alice@acme.example").org(org).send()));
    bodies.add(ok(p.get("/client/community/people/alice@acme.example").org(org).bearer(t).send()));
    bodies.add(ok(p.get("/client/community/people?q=alice").org(org).send()));
    bodies.add(ok(p.get("/client/community/people?q=acme").org(org).bearer(other).send()));
    bodies.add(ok(p.get("/api/profiles/alice").org(org).send()));
    bodies.add(ok(p.get("/api/profiles/alice").bearer(other).send()));
    bodies.add(ok(p.get("/api/profiles").bearer(other).send()));
    bodies.add(ok(p.get("/api/profiles").bearer(t).send()));
    bodies.add(ok(p.get("/api/me").bearer(t).send()));
    bodies.add(ok(p.patch("/api/me").bearer(t).json(new JsonObject().put("name", "Alice Lee")).send()));
    bodies.add(ok(p.get("/api/members/" + id + "/profile").bearer(other).send()));
    bodies.add(ok(p.get("/api/members/" + id + "/profile").bearer(t).send()));
    bodies.add(ok(p.patch("/api/members/" + id + "/profile").bearer(t).json(new JsonObject().put("bio", "hi")
      .put("phoneNumber", "+49 30 5550199")).send()));
    bodies.add(ok(p.post("/api/users/sync").bearer(t).send()));
    bodies.add(ok(p.patch("/api/profiles/alice").bearer(other).json(new JsonObject().put("relationship", "follow")).send()));
    JsonObject lookup = request("profiles.lookup", new JsonObject().put("org", org).put("ids", new JsonArray().add(id)));
    bodies.add(lookup.encode());
    bodies.add(request("profiles.byEmail", new JsonObject().put("org", org).put("email", "alice@acme.example")).encode());
    events.forEach(e -> bodies.add(e.encode()));
    for (String body : bodies) {
      assertThat(body).doesNotContain("5550199", "Geheimweg", "DE89370400440532013000", "sepa", "addresses",
        "paymentReferences", "payment_refs", "phone");
    }
    // ... while the owner sees them
    String own = p.get("/client-account/profile").bearer(t).send().body().toString();
    assertThat(own).contains("5550199", "Geheimweg", "DE89370400440532013000");

    // the public projection by email is exactly the documented fields
    JsonObject person = p.get("/client/community/people/ALICE@acme.example").org(org).send().json();
    assertThat(person.fieldNames()).containsExactlyInAnyOrder("email", "firstName", "lastName", "image", "company",
      "jobTitle", "bio", "city", "country", "interests", "social");
    assertThat(person.getString("firstName")).isEqualTo("Alice");
    assertThat(person.getString("bio")).isEqualTo("hi");
    assertThat(person.getJsonArray("interests")).containsExactly("typography", "ui");
    assertThat(person.getJsonObject("social").getString("twitter")).isEqualTo("@alice");
    // the bus projection: PublicProfile
    // (the address only when asked for a viewer who may see it: here the owner)
    JsonObject pp = lookup.getJsonObject("profiles").getJsonObject(id);
    assertThat(pp.fieldNames()).containsExactlyInAnyOrder("userId", "idTag", "displayName", "firstName", "lastName",
      "image", "company", "jobTitle", "bio", "city", "country", "interests", "social");
    JsonObject withEmail = request("profiles.lookup", new JsonObject().put("org", org).put("ids", new JsonArray().add(id))
      .put("withEmail", true).put("viewerId", id)).getJsonObject("profiles").getJsonObject(id);
    assertThat(withEmail.fieldNames()).containsExactlyInAnyOrder("userId", "idTag", "displayName", "email", "firstName",
      "lastName", "image", "company", "jobTitle", "bio", "city", "country", "interests", "social");
  }

  @Test
  void peopleSearchMatchesNamesEmailCompanyAndInterests() {
    String org = "people";
    String[][] people = {
      {"ada", "ada@lovelace.example", "Ada", "Lovelace", "Analytical Engines", "math"},
      {"grace", "grace@navy.example", "Grace", "Hopper", "US Navy", "compilers"},
      {"alan", "alan@bletchley.example", "Alan", "Turing", "Bletchley Park", "math"},
    };
    for (String[] x : people) {
      String t = account(org, x[0], x[1]).getString("token");
      p.put("/client-account/profile").bearer(t).json(new JsonObject().put("firstName", x[2]).put("lastName", x[3])
        .put("company", x[4]).put("interests", new JsonArray().add(x[5]))).send();
    }
    assertThat(emails(search(org, "q=lovelace"))).containsExactly("ada@lovelace.example");
    assertThat(emails(search(org, "q=hop"))).containsExactly("grace@navy.example");
    assertThat(emails(search(org, "q=navy"))).containsExactly("grace@navy.example");
    assertThat(emails(search(org, "q=bletchley.example"))).containsExactly("alan@bletchley.example");
    assertThat(emails(search(org, "q=MATH"))).containsExactly("ada@lovelace.example", "alan@bletchley.example");
    assertThat(emails(search(org, "q=math%20turing"))).containsExactly("alan@bletchley.example");
    assertThat(emails(search(org, "q=%27%3B--%20or%201%3D1"))).isEmpty();
    // text that looks like a number or JSON stays text
    assertThat(emails(search(org, "q=42"))).isEmpty();
    assertThat(emails(search(org, "q=%7B%7D"))).isEmpty();
    JsonObject paged = search(org, "q=math&limit=1&offset=1");
    assertThat(emails(paged)).containsExactly("alan@bletchley.example");
    assertThat(paged.getLong("total")).isEqualTo(2);
    // no query and no page: empty, as documented
    JsonObject none = search(org, "");
    assertThat(none.getJsonArray("data")).isEmpty();
    assertThat(none.getLong("total")).isZero();
    // suspended people are not listed publicly
    p.sql("UPDATE profiles.users SET status = 'suspended' WHERE org = $1 AND id_tag = 'grace'", org);
    assertThat(emails(search(org, "q=navy"))).isEmpty();
    assertError(p.get("/client/community/people/grace@navy.example").org(org).send(), 404, null);

    // scoping to a page asks the pages module, which is not running here
    Res scoped = p.get("/client/community/people?q=math&page=" + UUID.randomUUID()).org(org).send();
    assertError(scoped, 503, "unavailable");
    assertError(p.get("/client/community/people?page=not-a-uuid").org(org).send(), 400, null);
    assertError(p.get("/client/community/people?limit=1000&q=a").org(org).send(), 400, null);
    assertError(p.get("/client/community/people/no-such@person.example").org(org).send(), 404, null);
    assertError(p.get("/client/community/people/not-an-email").org(org).send(), 400, null);
  }

  @Test
  void beyondTenThousandMatchesTheTotalIsAnEstimateAndSaysSo() {
    String org = "many";
    p.sql("INSERT INTO profiles.users (org, id, type, name, email, company, created_at, updated_at) "
      + "SELECT $1, 'm' || g, 'person', 'Member ' || g, 'm' || g || '@many.example', 'Bigcorp', now(), now() "
      + "FROM generate_series(1, 10050) g", org);
    p.sql("ANALYZE profiles.users");
    JsonObject big = search(org, "q=bigcorp&limit=5");
    assertThat(big.getJsonArray("data")).hasSize(5);
    assertThat(big.getLong("total")).isGreaterThan(10_000L);
    assertThat(big.getBoolean("totalExact")).isFalse();
    JsonObject small = search(org, "q=m10049%40many.example");
    assertThat(emails(small)).containsExactly("m10049@many.example");
    assertThat(small.getLong("total")).isEqualTo(1);
    assertThat(small.containsKey("totalExact")).isFalse();
  }

  @Test
  void syncCreatesOrRefreshesTheAccountFromTokenClaims() {
    String org = "sync";
    events.clear();
    String ext = externalToken(org, "user_2abc", new JsonObject().put("name", "Zoe Zed").put("email", "Zoe@Example.org")
      .put("picture", "https://img.example/zoe.png"));
    Res first = p.post("/api/users/sync").org(org).bearer(ext).send();
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    JsonObject m = first.json();
    assertThat(m.getString("id")).isEqualTo("ext:clerk:user_2abc");
    assertThat(m.getString("displayName")).isEqualTo("Zoe Zed");
    assertThat(m.getString("avatarUrl")).isEqualTo("https://img.example/zoe.png");
    assertThat(m.getString("email")).isEqualTo("zoe@example.org");
    Res again = p.post("/api/users/sync").org(org).bearer(ext).send();
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getString("updatedAt")).isEqualTo(m.getString("updatedAt"));
    assertThat(p.sql("SELECT count(*) FROM profiles.users WHERE org = $1", org).get(0).getLong(0)).isEqualTo(1);
    JsonObject created = events.stream().filter(e -> "created".equals(e.getString("event"))).findFirst().orElseThrow();
    assertThat(created.getString("org")).isEqualTo(org);
    assertThat(created.getString("userId")).isEqualTo("ext:clerk:user_2abc");
    assertThat(created.getString("email")).isEqualTo("zoe@example.org");
    assertThat(created.getString("name")).isEqualTo("Zoe Zed");

    // changed claims are taken over
    String renamed = externalToken(org, "user_2abc", new JsonObject().put("name", "Zoe Zander")
      .put("picture", "https://img.example/zoe2.png"));
    JsonObject upd = p.post("/api/users/sync").org(org).bearer(renamed).send().json();
    assertThat(upd.getString("displayName")).isEqualTo("Zoe Zander");
    assertThat(upd.getString("avatarUrl")).isEqualTo("https://img.example/zoe2.png");
    assertThat(upd.getString("email")).isEqualTo("zoe@example.org");
    var row = p.sql("SELECT name, image, email FROM profiles.users WHERE org = $1 AND id = 'ext:clerk:user_2abc'", org).get(0);
    assertThat(row.getString("name")).isEqualTo("Zoe Zander");
    assertThat(row.getString("image")).isEqualTo("https://img.example/zoe2.png");
    assertThat(events.stream().anyMatch(e -> "updated".equals(e.getString("event")))).isTrue();

    // the same account shows through the other APIs
    JsonObject me = data(p.get("/api/me").org(org).bearer(renamed).send(), 200);
    assertThat(me.getString("name")).isEqualTo("Zoe Zander");
    assertThat(p.get("/client/community/people/zoe@example.org").org(org).send().json().getString("image"))
      .isEqualTo("https://img.example/zoe2.png");

    // a platform token syncs too; an email held by another account is not taken over
    JsonObject local = account(org, "yara", "yara@example.org");
    JsonObject ls = p.post("/api/users/sync").bearer(local.getString("token")).send().json();
    assertThat(ls.getString("id")).isEqualTo(local.getString("userId"));
    assertThat(ls.getString("email")).isEqualTo("yara@example.org");
    Res clash = p.post("/api/users/sync").org(org).bearer(externalToken(org, "user_9", new JsonObject().put("email", "yara@example.org")))
      .send();
    assertThat(clash.status()).isEqualTo(201);
    assertThat(clash.json().getString("email")).isNull();

    assertError(p.post("/api/users/sync").send(), 401, null);
    assertError(p.post("/api/users/sync").bearer("not.a.jwt").send(), 401, null);
    // a token minted for one organisation does not act in another
    assertError(p.post("/api/users/sync").org("sync-other").bearer(local.getString("token")).send(), 403, null);
  }

  @Test
  void memberProfilesAreReadByMembersAndChangedOnlyByTheirOwner() {
    String org = "members";
    String ext = externalToken(org, "user_m1", new JsonObject().put("name", "Mia"));
    p.post("/api/users/sync").org(org).bearer(ext).send();
    String other = externalToken(org, "user_m2", new JsonObject().put("name", "Max"));
    p.post("/api/users/sync").org(org).bearer(other).send();

    JsonObject got = p.get("/api/members/ext:clerk:user_m1/profile").org(org).bearer(other).send().json();
    assertThat(got.getString("id")).isEqualTo("ext:clerk:user_m1");
    assertThat(got.getString("displayName")).isEqualTo("Mia");

    Res patched = p.patch("/api/members/ext:clerk:user_m1/profile").org(org).bearer(ext).json(new JsonObject()
      .put("displayName", "Mia Muster").put("bio", "Hello there").put("avatarUrl", "https://blob.example/mia.png")
      .put("phoneNumber", "+1 555 0100")).send();
    assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
    assertThat(patched.json().getString("displayName")).isEqualTo("Mia Muster");
    assertThat(patched.json().getString("bio")).isEqualTo("Hello there");
    assertThat(patched.json().getString("avatarUrl")).isEqualTo("https://blob.example/mia.png");
    var row = p.sql("SELECT name, bio, image, phone FROM profiles.users WHERE org = $1 AND id = 'ext:clerk:user_m1'", org).get(0);
    assertThat(row.getString("name")).isEqualTo("Mia Muster");
    assertThat(row.getString("bio")).isEqualTo("Hello there");
    assertThat(row.getString("phone")).isEqualTo("+1 555 0100");
    // the same bio shows as x.bio in the profiles API, and null clears it
    assertThat(data(p.get("/api/me").org(org).bearer(ext).send(), 200).getJsonObject("x").getString("bio")).isEqualTo("Hello there");
    p.patch("/api/members/ext:clerk:user_m1/profile").org(org).bearer(ext).json(new JsonObject().putNull("bio")).send();
    assertThat(p.sql("SELECT bio FROM profiles.users WHERE org = $1 AND id = 'ext:clerk:user_m1'", org).get(0).getString(0)).isNull();

    // someone else's profile: 403, and nothing changes
    assertError(p.patch("/api/members/ext:clerk:user_m1/profile").org(org).bearer(other).json(new JsonObject().put("displayName", "Hacked"))
      .send(), 403, null);
    assertError(p.patch("/api/members/nobody/profile").org(org).bearer(other).json(new JsonObject().put("displayName", "Hacked"))
      .send(), 403, null);
    assertThat(p.sql("SELECT name FROM profiles.users WHERE org = $1 AND id = 'ext:clerk:user_m1'", org).get(0).getString(0))
      .isEqualTo("Mia Muster");
    // the documented bounds
    assertError(patchOwn(ext, new JsonObject().put("displayName", "M")), 400, null);
    assertError(patchOwn(ext, new JsonObject().put("displayName", "M".repeat(81))), 400, null);
    assertError(patchOwn(ext, new JsonObject().put("bio", "b".repeat(501))), 400, null);
    assertError(patchOwn(ext, new JsonObject().put("phoneNumber", "1".repeat(21))), 400, null);
    assertError(patchOwn(ext, new JsonObject().put("avatarUrl", "not a url")), 400, null);
    assertError(patchOwn(ext, new JsonObject().put("role", "admin")), 400, null);
    assertThat(patchOwn(ext, new JsonObject().put("displayName", "Mi")).status()).isEqualTo(200);

    assertError(p.get("/api/members/nobody/profile").org(org).bearer(other).send(), 404, null);
    assertError(p.get("/api/members/ext:clerk:user_m1/profile").org(org).send(), 401, null);
  }

  private static Res patchOwn(String token, JsonObject body) {
    return p.patch("/api/members/ext:clerk:user_m1/profile").org("members").bearer(token).json(body).send();
  }

  @Test
  void aUserOfOneOrganisationIsInvisibleThroughAnother() {
    JsonObject a = account("org-a", "olga", "olga@a.example");
    String t = a.getString("token");
    p.put("/client-account/profile").bearer(t).json(new JsonObject().put("company", "Alpha")).send();
    String b = Fixtures.token(p, "org-b", "bert");

    assertThat(p.get("/client/community/people/olga@a.example").org("org-a").send().status()).isEqualTo(200);
    assertError(p.get("/client/community/people/olga@a.example").org("org-b").send(), 404, null);
    assertThat(p.get("/client/community/people?q=olga").org("org-b").send().json().getJsonArray("data")).isEmpty();
    assertThat(p.get("/client/community/people?q=alpha").org("org-b").send().json().getJsonArray("data")).isEmpty();
    assertError(p.get("/api/profiles/olga").org("org-b").send(), 404, null);
    assertError(p.get("/api/members/" + a.getString("userId") + "/profile").bearer(b).send(), 404, null);
    assertThat(p.get("/api/profiles?q=olga").bearer(b).send().json().getJsonArray("data")).isEmpty();
    assertError(p.patch("/api/profiles/olga").bearer(b).json(new JsonObject().put("relationship", "follow")).send(), 404, null);
    assertThat(request("profiles.lookup", new JsonObject().put("org", "org-b").put("ids", new JsonArray()
      .add(a.getString("userId")))).getJsonObject("profiles")).isEmpty();
    assertThat(request("profiles.byEmail", new JsonObject().put("org", "org-b").put("email", "olga@a.example"))
      .getValue("profile")).isNull();
    // A's token sent with B's organisation header is refused rather than acting in B
    assertError(p.get("/api/me").org("org-b").bearer(t).send(), 403, null);
    assertError(p.put("/client-account/profile").org("org-b").bearer(t).json(new JsonObject().put("city", "x")).send(), 403, null);
    assertThat(p.sql("SELECT count(*) FROM profiles.users WHERE org = 'org-b'").get(0).getLong(0)).isEqualTo(1);
  }

  @Test
  void busAddressesAnswerOtherModules() {
    String org = "bus";
    JsonObject a = account(org, "una", "una@bus.example");
    JsonObject b = account(org, "vic", "vic@bus.example");
    JsonObject res = request("profiles.lookup", new JsonObject().put("org", org)
      .put("ids", new JsonArray().add(a.getString("userId")).add(b.getString("userId")).add("unknown")));
    JsonObject profiles = res.getJsonObject("profiles");
    assertThat(profiles.fieldNames()).containsExactlyInAnyOrder(a.getString("userId"), b.getString("userId"));
    assertThat(profiles.getJsonObject(a.getString("userId")).getString("idTag")).isEqualTo("una");
    assertThat(profiles.getJsonObject(a.getString("userId")).getString("displayName")).isEqualTo("Una");
    assertThat(request("profiles.lookup", new JsonObject().put("org", org).put("ids", new JsonArray()))
      .getJsonObject("profiles")).isEmpty();

    JsonObject byEmail = request("profiles.byEmail", new JsonObject().put("org", org).put("email", "VIC@bus.example"));
    assertThat(byEmail.getJsonObject("profile").getString("userId")).isEqualTo(b.getString("userId"));
    assertThat(request("profiles.byEmail", new JsonObject().put("org", org).put("email", "nobody@bus.example"))
      .getValue("profile")).isNull();

    assertThatThrownBy(() -> request("profiles.lookup", new JsonObject().put("ids", new JsonArray().add("x"))))
      .isInstanceOf(ReplyException.class).satisfies(e -> assertThat(((ReplyException) e).failureCode()).isEqualTo(400));
  }

  private static JsonObject request(String address, JsonObject body) {
    return TestPlatform.await(p.platform().vertx().eventBus().<JsonObject>request(address, body)).body();
  }

  private static String ok(Res r) {
    assertThat(r.status()).as(r.toString()).isBetween(200, 201);
    return r.body().toString();
  }

  /** People search as an org admin of {@code org} (who may read addresses: the tests tell people apart by them). */
  private static JsonObject search(String org, String query) {
    String admin = "searching-admin";
    p.sql("INSERT INTO profiles.users (org, id, type, name, roles, created_at, updated_at) VALUES ($1, $2, 'person', "
      + "'Searching Admin', '{user,admin}', now(), now()) ON CONFLICT DO NOTHING", org, admin);
    Res r = p.get("/client/community/people" + (query.isEmpty() ? "" : "?" + query)).org(org)
      .bearer(p.token(admin, new JsonObject().put("org", org))).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  private static List<String> emails(JsonObject list) {
    List<String> out = new ArrayList<>();
    list.getJsonArray("data").forEach(o -> out.add(((JsonObject) o).getString("email")));
    return out;
  }
}
