package org.communityplatform.profiles;

import io.vertx.core.json.JsonObject;
import org.communityplatform.core.gateway.Contracts;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One stored field, one rule (issue 12, item 4). The routes that write each shared field are found
 * in the contract (every request body property that refers to ProfilesDisplayName, ProfilesBio,
 * ProfilesImageUrl or ProfilesPhone); each is sent the same good and bad values, and the stored
 * value is read back from the table. A new route writing one of these fields fails this test until
 * it has a writer below, so no route can bring its own rule.
 */
class FieldRulesTest {

  @RegisterExtension
  static final PlatformExtension platform = PlatformExtension.with(Fixtures.config(new JsonObject()));
  static TestPlatform p;
  static final String ORG = "default";
  static JsonObject boss;
  static final AtomicInteger seq = new AtomicInteger();

  /** The column each rule governs. */
  static final Map<String, String> COLUMN = Map.of("ProfilesDisplayName", "name", "ProfilesBio", "bio",
    "ProfilesImageUrl", "image", "ProfilesPhone", "phone");

  /** Writes one field of a fresh profile; answers the response and the profile's identity tag. */
  interface Writer {
    Res write(String tag, String field, Object value);
  }

  static final Map<String, Writer> WRITERS = new LinkedHashMap<>();

  @BeforeAll
  static void start() {
    p = platform.get();
    boss = Fixtures.register(p, ORG, "boss", "boss@example.org", "boss password");
    WRITERS.put("registerProfile", (tag, field, v) -> p.post("/api/profiles/register").org(ORG)
      .json(new JsonObject().put("type", "idp").put("idTag", tag).put("email", tag + "@example.org").put(field, v)).send());
    WRITERS.put("createCommunityProfile", (tag, field, v) -> p.put("/api/profiles/" + tag).org(ORG)
      .bearer(boss.getString("token")).json(new JsonObject().put("type", "idp").put(field, v)).send());
    WRITERS.put("updateOwnProfile", (tag, field, v) -> p.patch("/api/me").org(ORG).bearer(user(tag).getString("token"))
      .json(field.equals("x.bio") ? new JsonObject().put("x", new JsonObject().put("bio", v))
        : new JsonObject().put(field, v)).send());
    WRITERS.put("updateAccountProfile", (tag, field, v) -> p.put("/client-account/profile").org(ORG)
      .bearer(user(tag).getString("token")).json(new JsonObject().put(field, v)).send());
    WRITERS.put("updateMemberProfile", (tag, field, v) -> {
      JsonObject u = user(tag);
      return p.patch("/api/members/" + u.getString("userId") + "/profile").org(ORG).bearer(u.getString("token"))
        .json(new JsonObject().put(field, v)).send();
    });
    WRITERS.put("adminUpdateProfile", (tag, field, v) -> {
      user(tag);
      return p.patch("/api/admin/profiles/" + tag).org(ORG).bearer(boss.getString("token"))
        .json(new JsonObject().put(field, v)).send();
    });
  }

  static JsonObject user(String tag) {
    return Fixtures.register(p, ORG, tag, tag + "@example.org", "password of " + tag);
  }

  /** {rule: {operationId: [field path]}} from the module's contract. */
  static Map<String, Map<String, List<String>>> writersInContract() {
    JsonObject doc = Contracts.readYaml(FieldRulesTest.class.getClassLoader(), "profiles/openapi.yaml");
    JsonObject schemas = doc.getJsonObject("components").getJsonObject("schemas");
    Map<String, Map<String, List<String>>> found = new LinkedHashMap<>();
    doc.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).forEach(op -> {
      if (!(op.getValue() instanceof JsonObject) || !((JsonObject) op.getValue()).containsKey("requestBody")) {
        return;
      }
      JsonObject o = (JsonObject) op.getValue();
      JsonObject content = o.getJsonObject("requestBody").getJsonObject("content");
      JsonObject json = content == null ? null : content.getJsonObject("application/json");
      if (json != null) {
        walk(json.getJsonObject("schema"), "", schemas, o.getString("operationId"), found);
      }
    }));
    return found;
  }

  private static void walk(JsonObject schema, String prefix, JsonObject schemas, String op,
                           Map<String, Map<String, List<String>>> found) {
    if (schema == null) {
      return;
    }
    String ref = schema.getString("$ref");
    if (ref != null) {
      String name = ref.substring(ref.lastIndexOf('/') + 1);
      if (COLUMN.containsKey(name)) {
        found.computeIfAbsent(name, k -> new LinkedHashMap<>()).computeIfAbsent(op, k -> new ArrayList<>())
          .add(prefix.substring(1));
        return;
      }
      walk(schemas.getJsonObject(name), prefix, schemas, op, found);
      return;
    }
    JsonObject props = schema.getJsonObject("properties");
    if (props != null) {
      props.forEach(e -> walk((JsonObject) e.getValue(), prefix + "." + e.getKey(), schemas, op, found));
    }
  }

  /** {rule: [[value, expected stored value] ...]} accepted, and values refused with 400. */
  static final Map<String, Object[][]> GOOD = Map.of(
    "ProfilesDisplayName", new Object[][] {{"Jo", "Jo"}, {"n".repeat(80), "n".repeat(80)},
      {"  Zoe\u0308 Quinn  ", "Zo\u00eb Quinn"}},
    "ProfilesBio", new Object[][] {{"two\nlines", "two\nlines"}, {"b".repeat(500), "b".repeat(500)},
      {"Cafe\u0301", "Caf\u00e9"}, {null, null}},
    "ProfilesImageUrl", new Object[][] {{"https://cdn.example.org/a.png", "https://cdn.example.org/a.png"}, {null, null}},
    "ProfilesPhone", new Object[][] {{"+49 30 1234567", "+49 30 1234567"}, {null, null}});
  static final Map<String, Object[]> BAD = Map.of(
    "ProfilesDisplayName", new Object[] {"A", "  B  ", "n".repeat(81), "", "tab\there", 42},
    "ProfilesBio", new Object[] {"b".repeat(501), "bell\u0007", 42},
    "ProfilesImageUrl", new Object[] {"ftp://example.org/a.png", "not a url", "https://x.org/" + "a".repeat(2040)},
    "ProfilesPhone", new Object[] {"123456789012345678901", "call me", 42});

  @Test
  void everyRouteThatWritesASharedFieldHoldsItsOneRule() {
    Map<String, Map<String, List<String>>> contract = writersInContract();
    assertThat(contract.keySet()).containsExactlyInAnyOrderElementsOf(COLUMN.keySet());
    Set<String> ops = new TreeSet<>();
    contract.values().forEach(m -> ops.addAll(m.keySet()));
    assertThat(WRITERS.keySet()).as("a writer for every route the contract says writes a shared field")
      .containsAll(ops);
    // the display name is written by all six routes, the bio by three
    assertThat(contract.get("ProfilesDisplayName").keySet()).hasSize(6);
    assertThat(contract.get("ProfilesBio").keySet()).hasSize(3);

    List<String> mismatches = new ArrayList<>();
    int cases = 0;
    for (var rule : contract.entrySet()) {
      String column = COLUMN.get(rule.getKey());
      for (var op : rule.getValue().entrySet()) {
        for (String field : op.getValue()) {
          for (Object[] good : GOOD.get(rule.getKey())) {
            cases++;
            String tag = "tag" + seq.incrementAndGet();
            Res r = WRITERS.get(op.getKey()).write(tag, field, good[0]);
            Object stored = r.status() / 100 == 2 ? stored(tag, column) : "(not stored)";
            if (r.status() / 100 != 2 || !java.util.Objects.equals(stored, good[1])) {
              mismatches.add(op.getKey() + " " + field + "=" + shorten(good[0]) + ": " + r.status() + ", stored "
                + shorten(stored));
            }
          }
          for (Object bad : BAD.get(rule.getKey())) {
            cases++;
            String tag = "tag" + seq.incrementAndGet();
            Res r = WRITERS.get(op.getKey()).write(tag, field, bad);
            if (r.status() != 400 || !"bad_request,validation_failed".contains(String.valueOf(r.errorCode()))) {
              mismatches.add(op.getKey() + " " + field + "=" + shorten(bad) + ": expected 400, got " + r);
            }
          }
        }
      }
    }
    assertThat(mismatches).as(cases + " cases").isEmpty();
  }

  private static Object stored(String tag, String column) {
    var rows = p.sql("SELECT " + column + " FROM profiles.users WHERE org = $1 AND id_tag = $2", ORG, tag);
    return rows.isEmpty() ? "(no row)" : rows.get(0).getValue(0);
  }

  private static String shorten(Object v) {
    String s = String.valueOf(v);
    return s.length() > 30 ? s.substring(0, 27) + "...(" + s.length() + ")" : s;
  }
}
