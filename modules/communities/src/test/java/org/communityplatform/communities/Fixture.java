package org.communityplatform.communities;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Req;
import org.communityplatform.testing.TestPlatform.Res;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module's test helpers: one platform per test class (a real server, a real database;
 * {@link #perClass()}), and requests, tokens and set-up steps on it. Each test works in an
 * organisation of its own, so tests of a class never see each other's rows.
 */
final class Fixture {

  static final String STREAM_KEY = "stream-key-123";
  static final String STREAM_SECRET = "stream-secret-for-tests-0123456789";

  /** The platform of the test class running now (classes run one after another). */
  private static volatile TestPlatform current;

  /**
   * Accounts as {@code profiles.account} would answer them ({exists, email, emailVerified}). The profiles
   * module is not part of this module's test class path, so {@link #accounts(TestPlatform)} stands in for
   * its address with this map: a user not listed has the verified address {@code <user>@example.test}.
   * The cross-module behaviour with the real profiles module is tested in app/.
   */
  static final Map<String, JsonObject> ACCOUNTS = new ConcurrentHashMap<>();

  private static final java.util.Set<TestPlatform> STUBBED = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

  private Fixture() {
  }

  /** Serves {@code profiles.account} on the platform's bus from {@link #ACCOUNTS}. */
  static synchronized TestPlatform accounts(TestPlatform p) {
    if (!STUBBED.add(p)) {
      return p;
    }
    p.platform().vertx().eventBus().<JsonObject>consumer("profiles.account", msg -> {
      String user = msg.body().getString("userId");
      JsonObject acc = ACCOUNTS.get(msg.body().getString("org") + "/" + user);
      msg.reply(acc != null ? acc : new JsonObject().put("exists", true).put("email", user + "@example.test")
        .put("emailVerified", true).put("roles", new JsonArray()).put("status", "active"));
    });
    return p;
  }

  /**
   * One platform for a test class, on {@link PlatformExtension}, with this module's test configuration
   * (cheap password hashing, a French-speaking organisation, chat keys) and the {@code profiles.account}
   * stand-in; the helpers below act on it while the class runs, and the clock moved by {@link #advance} is
   * put back after each test. In each test class:
   * {@code @RegisterExtension static final Fixture.PerClass P = Fixture.perClass();}
   */
  static PerClass perClass() {
    return perClass(new JsonObject());
  }

  /** Same as {@link #perClass()} with more configuration ({@code overrides} win). */
  static PerClass perClass(JsonObject overrides) {
    JsonObject cfg = new JsonObject().put("modules", new JsonObject().put("communities", new JsonObject()
      .put("passwordHashIterations", 1000)
      .put("organisationLanguages", new JsonArray().add("french-org=fr"))
      .put("stream", new JsonObject().put("apiKey", STREAM_KEY).put("secret", STREAM_SECRET))));
    return new PerClass(PlatformExtension.with(cfg.mergeIn(overrides, true)));
  }

  /** Starts and stops the class's platform through {@link PlatformExtension}; see {@link #perClass()}. */
  static final class PerClass implements BeforeAllCallback, AfterAllCallback, AfterEachCallback, Supplier<TestPlatform> {
    private final PlatformExtension platform;

    private PerClass(PlatformExtension platform) {
      this.platform = platform;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
      platform.beforeAll(context);
      current = accounts(platform.get());
    }

    /** A test that moved the clock with {@link Fixture#advance} leaves it where it was for the next. */
    @Override
    public void afterEach(ExtensionContext context) {
      resetClock(platform.get());
    }

    @Override
    public void afterAll(ExtensionContext context) {
      current = null;
      platform.afterAll(context);
    }

    @Override
    public TestPlatform get() {
      return platform.get();
    }
  }

  /** The running test class's platform (see {@link #perClass()}). */
  static TestPlatform platform() {
    TestPlatform p = current;
    if (p == null) {
      throw new IllegalStateException("register Fixture.perClass() in the test class");
    }
    return p;
  }

  /** A fresh organisation name. */
  static String org() {
    return "t" + UUID.randomUUID().toString().substring(0, 8);
  }

  static String token(String user) {
    return tokenOn(platform(), user, new JsonObject().put("email", user + "@example.test").put("name", "User " + user));
  }

  /**
   * A token of {@code user} in organisation {@code org}: a token belongs to one organisation, and an
   * orgid header naming another is refused (issue 10).
   */
  static String tokenIn(String org, String user) {
    return tokenOn(platform(), user, new JsonObject().put("email", user + "@example.test").put("name", "User " + user)
      .put("org", org));
  }

  private static final Map<TestPlatform, java.time.Duration> MOVED = new ConcurrentHashMap<>();

  /** Moves a platform's clock forward, remembering by how much (see {@link #resetClock}). */
  static void advance(TestPlatform p, java.time.Duration d) {
    p.clock().advance(d);
    MOVED.merge(p, d, java.time.Duration::plus);
  }

  /** Moves a platform's clock back to where it was before {@link #advance}. */
  static void resetClock(TestPlatform p) {
    java.time.Duration d = MOVED.remove(p);
    if (d != null) {
      p.clock().advance(d.negated());
    }
  }

  /**
   * A token minted now on the platform's clock (the verifier checks exp, nbf and iat against that same
   * clock, so a token minted before the clock is moved far ahead has expired by then).
   */
  static String tokenOn(TestPlatform p, String user, JsonObject claims) {
    return p.token(user, claims);
  }

  /** A request by {@code user} (null: anonymous) in {@code org}. */
  static Req as(Req req, String org, String user) {
    req.org(org);
    return user == null ? req : req.bearer(tokenIn(org, user));
  }

  static Req get(String org, String user, String path) {
    return as(platform().get(path), org, user);
  }

  static Req post(String org, String user, String path) {
    return as(platform().post(path), org, user);
  }

  static Req patch(String org, String user, String path) {
    return as(platform().patch(path), org, user);
  }

  static Req delete(String org, String user, String path) {
    return as(platform().delete(path), org, user);
  }

  /** Creates a community owned by {@code owner}; returns its id. */
  static String community(String org, String owner, boolean isPrivate) {
    Res r = post(org, owner, "/api/communities").json(new JsonObject().put("name", "Community of " + owner)
      .put("isPrivate", isPrivate)).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  /** Makes {@code user} a member with {@code role}: an invite by the owner, accepted. */
  static void member(String org, String communityId, String owner, String user, String role) {
    Res inv = post(org, owner, "/api/communities/" + communityId + "/invite")
      .json(new JsonObject().put("email", user + "@example.test").put("role", role.equals("owner") ? "admin" : role)).send();
    assertThat(inv.status()).as(inv.toString()).isEqualTo(201);
    Res acc = post(org, user, "/api/communities/" + communityId + "/invite/accept")
      .json(new JsonObject().put("token", inv.json().getString("token"))).send();
    assertThat(acc.status()).as(acc.toString()).isEqualTo(200);
    if (role.equals("owner")) {
      Res up = patch(org, owner, "/api/communities/" + communityId + "/members")
        .json(new JsonObject().put("targetUserId", user).put("role", "owner")).send();
      assertThat(up.status()).as(up.toString()).isEqualTo(200);
    }
  }

  /** Makes {@code user} a member with {@code role} of an open community: a join, then a role change by the owner. */
  static void joined(String org, String communityId, String owner, String user, String role) {
    Res j = post(org, user, "/api/v4/communities/" + communityId + "/join").send();
    assertThat(j.status()).as(j.toString()).isEqualTo(200);
    if (!role.equals("member")) {
      Res up = patch(org, owner, "/api/communities/" + communityId + "/members")
        .json(new JsonObject().put("targetUserId", user).put("role", role)).send();
      assertThat(up.status()).as(up.toString()).isEqualTo(200);
    }
  }

  /** An x-api-token of {@code org}, created through the core route by an organisation admin. */
  static String apiToken(String org) {
    return apiTokenOf(platform(), org);
  }

  /** An x-api-token of {@code org} on platform {@code p}. */
  static String apiTokenOf(TestPlatform p, String org) {
    Res r = p.post("/api/admin/api-tokens").org(org)
      .bearer(tokenOn(p, "org-admin", new JsonObject().put("roles", new JsonArray().add("admin")).put("org", org)))
      .json(new JsonObject().put("name", "tests")).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("token");
  }

  /** Sets fields of a community through the administrative API. */
  static JsonObject adminPatch(String org, String token, String communityId, JsonObject fields) {
    Res r = platform().patch("/api/v2/admin/communities/" + communityId).header("x-api-token", token).json(fields).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  static long count(String sql, Object... params) {
    return platform().sql(sql, params).get(0).getLong(0);
  }

  /** Checks the one error shape. */
  static Res assertError(Res r, int status) {
    return r.assertError(status);
  }
}
