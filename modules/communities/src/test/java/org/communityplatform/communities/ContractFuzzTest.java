package org.communityplatform.communities;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sends bad input to every operation of this module's contract, with and without credentials, on
 * paths naming real rows as well as made-up ones, and checks that each answer is a client error in
 * the one error shape: never a 5xx, never a hang.
 */
class ContractFuzzTest {

  static TestPlatform p;
  static JsonObject contract;
  static String apiToken;
  static String org;
  static String[] realIds;

  @BeforeAll
  static void start() {
    p = Fixture.platform();
    contract = p.get("/openapi.json").send().json();
    org = Fixture.org();
    apiToken = Fixture.apiToken(org);
    String c = Fixture.community(org, "fuzz-user", false);
    String g = Fixture.post(org, "fuzz-user", "/api/groups").json(new JsonObject().put("communityId", c).put("name", "Fuzz"))
      .send().json().getString("id");
    String post = Fixture.post(org, "fuzz-user", "/api/posts").json(new JsonObject().put("communityId", c)
      .put("content", "fuzz")).send().json().getString("id");
    realIds = new String[] {c, g, post};
  }

  private static final java.util.regex.Pattern MINE = java.util.regex.Pattern.compile(
    "^/api/(communities|groups|posts|stream|v4/communities|v2/admin/communities)");

  private static final String[] PATH_VALUES = {
    "x", "0", "-1", "00000000-0000-0000-0000-000000000000", UUID.randomUUID().toString(), "null",
    "%27%3B%20drop%20table%20x%3B--", "%C3%A9t%C3%A9", "a".repeat(300), "%00", "1e309", "[]"};

  private static final Object[] WRONG_VALUES = {
    null, 12345, -1, 1.5e308, true, "", "x".repeat(20_000), new JsonArray().add(1), new JsonObject().put("a", 1),
    "\u0000", "'; drop table x; --", "not-a-uuid", "2026-13-45T99:99:99Z", "http://", "ü".repeat(50)};

  @Test
  void everyOperationAnswersBadInputWithA4xxInTheErrorShape() {
    JsonObject paths = contract.getJsonObject("paths");
    List<String> failures = new ArrayList<>();
    int sent = 0;
    String user = p.token("fuzz-user", new JsonObject().put("email", "fuzz@example.com").put("name", "Fuzz"));
    for (String template : paths.fieldNames()) {
      if (!MINE.matcher(template).find()) {
        continue;
      }
      JsonObject item = paths.getJsonObject(template);
      for (String method : item.fieldNames()) {
        if (!List.of("get", "post", "put", "patch", "delete").contains(method)) {
          continue;
        }
        JsonObject op = item.getJsonObject(method);
        HttpMethod m = HttpMethod.valueOf(method.toUpperCase());
        for (Map<String, String> auth : authVariants(user)) {
          List<Variant> all = variants(op);
          for (String path : paths(template)) {
            // malformed ids get the plain request; real rows (and the bare path) get every variant
            boolean full = !template.contains("{") || java.util.Arrays.stream(realIds).anyMatch(path::contains);
            for (Variant v : full ? all : all.subList(0, 2)) {
              TestPlatform.Req req = p.request(m, path + v.query);
              auth.forEach(req::header);
              v.headers.forEach(req::header);
              if (v.body != null) {
                req.body(v.contentType, v.body);
              }
              Res r = req.send();
              sent++;
              String where = abbreviate(method.toUpperCase() + " " + path + v.query) + " [" + v.name + "] " + auth.keySet();
              if (r.status() >= 500 && !(r.status() == 503 && "not_configured".equals(r.errorCode()))) {
                failures.add(where + " -> " + abbreviate(r.toString()));
              } else if (r.status() >= 400 && r.errorCode() == null) {
                failures.add(where + " -> not in the error shape: " + abbreviate(r.toString()));
              }
            }
          }
        }
      }
    }
    assertThat(sent).isGreaterThan(100);
    assertThat(failures).as("answers that were not clean 4xx errors").isEmpty();
  }

  private static List<Map<String, String>> authVariants(String token) {
    List<Map<String, String>> list = new ArrayList<>();
    list.add(Map.of());
    list.add(Map.of("Authorization", "Bearer " + token, "x-api-token", apiToken, "orgid", org));
    return list;
  }

  private static List<String> paths(String template) {
    List<String> list = new ArrayList<>();
    if (!template.contains("{")) {
      list.add(template);
      return list;
    }
    for (String value : PATH_VALUES) {
      list.add(template.replaceAll("\\{[^}]+}", value));
    }
    for (String id : realIds) {
      list.add(template.replaceAll("\\{[^}]+}", id));
    }
    return list;
  }

  /** One malformed request. */
  private static final class Variant {
    final String name;
    final String query;
    final Map<String, String> headers;
    final String contentType;
    final Buffer body;

    Variant(String name, String query, Map<String, String> headers, String contentType, Buffer body) {
      this.name = name;
      this.query = query;
      this.headers = headers;
      this.contentType = contentType;
      this.body = body;
    }
  }

  private static List<Variant> variants(JsonObject op) {
    List<Variant> list = new ArrayList<>();
    list.add(new Variant("plain", "", Map.of(), null, null));
    list.add(new Variant("bad orgid", "", Map.of("orgid", "../../etc"), null, null));
    // query parameters with wrong values
    JsonArray params = op.getJsonArray("parameters", new JsonArray());
    for (Object o : params) {
      if (!(o instanceof JsonObject)) {
        continue;
      }
      JsonObject param = (JsonObject) o;
      if (!"query".equals(param.getString("in"))) {
        continue;
      }
      String name = param.getString("name");
      for (String bad : new String[]{"", "abc", "-1", "99999999999999999999", "%00", "x".repeat(5000)}) {
        list.add(new Variant("query " + name + "=" + bad.length(), "?" + name + "=" + bad, Map.of(), null, null));
      }
    }
    JsonObject body = op.getJsonObject("requestBody");
    if (body != null) {
      JsonObject content = body.getJsonObject("content", new JsonObject());
      boolean json = content.containsKey("application/json");
      if (json) {
        for (String raw : new String[]{"{", "[]", "null", "123", "\"s\"", "{}", "{\"a\":", "[{}]"}) {
          list.add(new Variant("json " + raw, "", Map.of(), "application/json", Buffer.buffer(raw)));
        }
        list.add(new Variant("text body", "", Map.of(), "text/plain", Buffer.buffer("hello")));
        list.add(new Variant("deep", "", Map.of(), "application/json", Buffer.buffer("[".repeat(5000) + "]".repeat(5000))));
        JsonObject schema = content.getJsonObject("application/json").getJsonObject("schema", new JsonObject());
        JsonObject props = resolve(schema).getJsonObject("properties", new JsonObject());
        for (String prop : props.fieldNames()) {
          for (Object wrong : WRONG_VALUES) {
            JsonObject b = new JsonObject().put(prop, wrong);
            list.add(new Variant("field " + prop + "=" + describe(wrong), "", Map.of(), "application/json", b.toBuffer()));
          }
        }
        JsonObject everything = new JsonObject();
        for (String prop : props.fieldNames()) {
          everything.put(prop, "x".repeat(3000));
        }
        everything.put("unexpectedField", 1);
        list.add(new Variant("all fields long", "", Map.of(), "application/json", everything.toBuffer()));
      } else {
        list.add(new Variant("empty raw", "", Map.of(), "application/octet-stream", Buffer.buffer()));
        list.add(new Variant("text raw", "", Map.of(), "text/plain", Buffer.buffer("not an image")));
        for (String type : content.fieldNames()) {
          String concrete = type.endsWith("/*") ? type.replace("*", "png") : type;
          list.add(new Variant("junk " + concrete, "", Map.of(), concrete, Buffer.buffer("definitely not the right bytes")));
        }
      }
    }
    return list;
  }

  private static JsonObject resolve(JsonObject schema) {
    String ref = schema.getString("$ref");
    if (ref != null && ref.startsWith("#/components/schemas/")) {
      return resolve(contract.getJsonObject("components").getJsonObject("schemas")
        .getJsonObject(ref.substring("#/components/schemas/".length()), new JsonObject()));
    }
    return schema;
  }

  private static String abbreviate(String s) {
    return s.length() > 160 ? s.substring(0, 160) + "...(" + s.length() + " chars)" : s;
  }

  private static String describe(Object o) {
    String s = String.valueOf(o);
    return s.length() > 20 ? s.substring(0, 20) + "...(" + s.length() + ")" : s;
  }
}
