package org.communityplatform.profiles;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every operation of the profiles contract, reached with real credentials and real path values,
 * gets bodies where one field at a time is wrong, and hostile path and query values: each answer
 * must be a success or a 4xx in the error shape, never a 5xx.
 */
class ProfilesBadInputTest {

  @RegisterExtension
  static final PlatformExtension platform = PlatformExtension.with(Fixtures.config(new JsonObject()));
  static TestPlatform p;
  static JsonObject contract;
  static JsonObject user;
  static JsonObject admin;
  static String fileId;

  @BeforeAll
  static void start() {
    p = platform.get();
    contract = p.get("/openapi.json").send().json();
    admin = Fixtures.register(p, "default", "boss", "boss@example.org", "boss password");
    user = Fixtures.register(p, "default", "fuzzy", "fuzzy@example.org", "fuzzy password");
    Fixtures.register(p, "default", "target", "target@example.org", "target password");
    fileId = Fixtures.data(p.put("/api/me/image").bearer(user.getString("token"))
      .body("image/png", Buffer.buffer(Fixtures.png(4, 4, Color.BLACK))).send(), 200).getString("fileId");
  }

  /** A fresh token each time: logout, refresh and password changes revoke the ones before. */
  private static String fresh(JsonObject session) {
    JsonObject claims = Fixtures.claims(session.getString("token"));
    JsonObject keep = new JsonObject();
    for (String k : new String[] {"org", "roles", "email", "name", "idTag"}) {
      keep.put(k, claims.getValue(k));
    }
    return p.token(claims.getString("sub"), keep);
  }

  private static final Object[] WRONG = {
    null, 12345, -1, 1.5e308, true, "", " ", "x".repeat(20_000), new JsonArray().add(1), new JsonObject().put("a", 1),
    "\u0000", "a\u0000b", "'; drop table x; --", "\uD83D\uDE00 emoji", "ü".repeat(90), "<script>", "%00", "../../etc/passwd",
    "http://", "https://ok.example/a b", "+49 (0) 30 1234", "b1~" + "A".repeat(43), "ALICE@EXAMPLE.COM"};

  private static final String[] PATH_VALUES = {
    "x", "0", "-1", "null", "%27%3B%20drop%20table%20x%3B--", "%C3%A9t%C3%A9", "a".repeat(300), "%00", "[]",
    "target", "TARGET", "fuzzy", "boss", "target@example.org", "verify", "a@b", "a..b", "-ab-", "b1~" + "A".repeat(43)};

  /** A valid body per operation: each field is then replaced by each wrong value in turn. */
  private static Map<String, JsonObject> bases() {
    return Map.ofEntries(
      Map.entry("verifyProfile", new JsonObject().put("idTag", "someone").put("type", "idp")),
      Map.entry("registerProfile", new JsonObject().put("type", "idp").put("idTag", "newbie").put("email", "n@example.org")
        .put("token", "t").put("lang", "en").put("name", "N").put("password", "password-1").put("appDomain", "a.example.org")),
      Map.entry("login", new JsonObject().put("idTag", "fuzzy").put("password", "fuzzy password")),
      Map.entry("changePassword", new JsonObject().put("currentPassword", "nope").put("newPassword", "password-2")),
      Map.entry("verifyEmail", new JsonObject().put("token", "A".repeat(43))),
      Map.entry("createRegistrationToken", new JsonObject().put("expiresInHours", 5).put("note", "n")),
      Map.entry("updateOwnProfile", new JsonObject().put("name", "Fuzzy").put("x", new JsonObject().put("k", "v"))),
      Map.entry("createCommunityProfile", new JsonObject().put("type", "idp").put("name", "C").put("profilePic", "FILE")
        .put("appDomain", "c.example.org")),
      Map.entry("updateRelationship", new JsonObject().put("relationship", "follow")),
      Map.entry("adminUpdateProfile", new JsonObject().put("name", "T").put("status", "active")
        .put("roles", new JsonArray().add("user"))),
      Map.entry("updateAccountProfile", new JsonObject().put("displayName", "F").put("firstName", "F").put("lastName", "Z")
        .put("image", "https://img.example/f.png").put("company", "C").put("jobTitle", "J").put("bio", "B").put("city", "X")
        .put("country", "DE").put("interests", new JsonArray().add("a")).put("social", new JsonObject().put("x", "@f"))
        .put("phone", "+1 555").put("addresses", new JsonArray().add(new JsonObject().put("line1", "L")))
        .put("paymentReferences", new JsonArray().add(new JsonObject().put("provider", "p").put("reference", "r")))),
      Map.entry("updateMemberProfile", new JsonObject().put("displayName", "Fuzzy").put("bio", "b").put("phoneNumber", "123")
        .put("avatarUrl", "https://img.example/f.png")));
  }

  @Test
  void badInputIsAlwaysAClean4xx() {
    JsonObject paths = contract.getJsonObject("paths");
    Map<String, JsonObject> bases = bases();
    List<String> failures = new ArrayList<>();
    int sent = 0;
    for (String template : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(template);
      for (String method : List.of("get", "post", "put", "patch", "delete")) {
        JsonObject op = item.getJsonObject(method);
        if (op == null || !List.of("Profiles", "Auth", "People", "Members").contains(op.getJsonArray("tags").getString(0))) {
          continue;
        }
        String id = op.getString("operationId");
        HttpMethod m = HttpMethod.valueOf(method.toUpperCase());
        List<Supplier<String>> auths = id.startsWith("admin") || id.endsWith("RegistrationToken") || id.endsWith("RegistrationTokens")
          ? List.of(() -> null, () -> fresh(user), () -> fresh(admin)) : List.of(() -> null, () -> fresh(user));
        String ownPath = template.replace("{id}", user.getString("userId")).replace("{idTag}", "target")
          .replace("{fileId}", fileId).replace("{email}", "target@example.org");
        // hostile path values and query values, every kind of caller
        List<String> targets = new ArrayList<>();
        if (template.contains("{")) {
          for (String v : PATH_VALUES) {
            targets.add(template.replaceAll("\\{[^}]+}", v));
          }
        } else {
          targets.add(template);
        }
        for (Object o : op.getJsonArray("parameters", new JsonArray())) {
          JsonObject param = o instanceof JsonObject ? (JsonObject) o : new JsonObject();
          if ("query".equals(param.getString("in"))) {
            for (String bad : new String[] {"", "abc", "-1", "99999999999999999999", "%00", "x".repeat(3000), "true,false",
              "active,active,active,active", "%27%20OR%201%3D1"}) {
              targets.add(ownPath + "?" + param.getString("name") + "=" + bad);
            }
          }
        }
        JsonObject base = bases.get(id);
        for (String target : targets) {
          for (Supplier<String> auth : auths) {
            JsonObject body = base == null ? null : base.copy();
            if (body != null && "FILE".equals(body.getValue("profilePic"))) {
              body.put("profilePic", fileId);
            }
            sent++;
            check(failures, send(m, target, auth.get(), body), method, target, "base body");
          }
        }
        // one wrong field at a time, by a caller who may use the operation
        if (base != null) {
          for (String field : base.fieldNames()) {
            for (Object wrong : WRONG) {
              JsonObject body = base.copy().put(field, wrong);
              if ("FILE".equals(body.getValue("profilePic"))) {
                body.put("profilePic", fileId);
              }
              sent++;
              String caller = id.startsWith("admin") || id.endsWith("RegistrationToken") ? fresh(admin) : fresh(user);
              check(failures, send(m, ownPath, caller, body), method, ownPath, field + "=" + describe(wrong));
            }
          }
          for (String raw : new String[] {"{", "[]", "null", "123", "{}", "[" .repeat(3000)}) {
            Res r = p.request(m, ownPath).bearer(fresh(user)).body("application/json", Buffer.buffer(raw)).send();
            sent++;
            check(failures, r, method, ownPath, "raw " + describe(raw));
          }
        }
      }
    }
    assertThat(sent).isGreaterThan(1000);
    assertThat(failures).as("answers that were not clean").isEmpty();
  }

  private static Res send(HttpMethod m, String path, String token, JsonObject body) {
    TestPlatform.Req req = p.request(m, path);
    if (token != null) {
      req.bearer(token);
    }
    if (body != null) {
      req.json(body);
    }
    return req.send();
  }

  private static void check(List<String> failures, Res r, String method, String path, String what) {
    String where = method.toUpperCase() + " " + describe(path) + " [" + what + "]";
    if (r.status() >= 500 && !(r.status() == 503 && "unavailable".equals(r.errorCode()))) {
      failures.add(where + " -> " + describe(r.toString()));
    } else if (r.status() >= 400 && r.errorCode() == null) {
      failures.add(where + " -> not in the error shape: " + describe(r.toString()));
    }
  }

  private static String describe(Object o) {
    String s = String.valueOf(o);
    return s.length() > 120 ? s.substring(0, 120) + "...(" + s.length() + ")" : s;
  }
}
