package org.communityplatform.testing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform.Res;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Sends bad input to every operation of a platform's served contract ({@code /openapi.json}): odd
 * path values, wrong query values, malformed and wrongly typed bodies, with and without credentials.
 * Every answer must be a client error in the one error shape: never a 5xx (but a deliberate
 * {@code 503 not_configured}), never a hang.
 *
 * <pre>
 * ContractFuzzer.Result r = new ContractFuzzer(p).bearer(token).apiToken(apiToken).run();
 * assertThat(r.failures()).isEmpty();
 * </pre>
 */
public final class ContractFuzzer {

  private static final String[] PATH_VALUES = {
    "x", "0", "-1", "00000000-0000-0000-0000-000000000000", UUID.randomUUID().toString(), "null",
    "%27%3B%20drop%20table%20x%3B--", "%C3%A9t%C3%A9", "a".repeat(300), "%00", "1e309", "[]"};

  private static final Object[] WRONG_VALUES = {
    null, 12345, -1, 1.5e308, true, "", "x".repeat(20_000), new JsonArray().add(1), new JsonObject().put("a", 1),
    "\u0000", "'; drop table x; --", "not-a-uuid", "2026-13-45T99:99:99Z", "http://", "ü".repeat(50)};

  private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");

  private final TestPlatform p;
  private JsonObject contract;
  private String bearer;
  private String apiToken;
  private Predicate<String> paths = t -> true;
  private List<String> realIds = List.of();

  public ContractFuzzer(TestPlatform p) {
    this.p = p;
  }

  /** A token sent, with the API token, in the authenticated round. */
  public ContractFuzzer bearer(String token) {
    this.bearer = token;
    return this;
  }

  public ContractFuzzer apiToken(String token) {
    this.apiToken = token;
    return this;
  }

  /** Only the path templates this accepts are exercised. */
  public ContractFuzzer paths(Predicate<String> filter) {
    this.paths = filter;
    return this;
  }

  /**
   * Ids of real rows: every path template is also tried with them, and then gets every variant;
   * the made-up path values then get only the plain requests.
   */
  public ContractFuzzer realIds(String... ids) {
    this.realIds = Arrays.asList(ids);
    return this;
  }

  /** What a run sent and what went wrong. */
  public static final class Result {
    private final int sent;
    private final List<String> failures;

    Result(int sent, List<String> failures) {
      this.sent = sent;
      this.failures = failures;
    }

    public int sent() {
      return sent;
    }

    public List<String> failures() {
      return failures;
    }
  }

  public Result run() {
    contract = p.get("/openapi.json").send().json();
    JsonObject all = contract.getJsonObject("paths");
    List<String> failures = new ArrayList<>();
    int sent = 0;
    for (String template : all.fieldNames()) {
      if (!paths.test(template)) {
        continue;
      }
      JsonObject item = all.getJsonObject(template);
      for (String method : item.fieldNames()) {
        if (!METHODS.contains(method) || streaming(item.getJsonObject(method))) {
          continue;
        }
        HttpMethod m = HttpMethod.valueOf(method.toUpperCase());
        List<Variant> variants = variants(item.getJsonObject(method));
        for (Map<String, String> auth : authVariants()) {
          for (String path : concretePaths(template)) {
            boolean full = realIds.isEmpty() || !template.contains("{") || realIds.stream().anyMatch(path::contains);
            for (Variant v : full ? variants : variants.subList(0, 2)) {
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
    return new Result(sent, failures);
  }

  /**
   * Whether an operation answers a stream that stays open (Server-Sent Events, a WebSocket upgrade):
   * a plain request to it would never complete, so the fuzzer leaves it to the module's own tests.
   */
  private static boolean streaming(JsonObject op) {
    JsonObject responses = op.getJsonObject("responses", new JsonObject());
    if (responses.containsKey("101")) {
      return true;
    }
    JsonObject ok = responses.getJsonObject("200");
    return ok != null && ok.getJsonObject("content", new JsonObject()).containsKey("text/event-stream");
  }

  private List<Map<String, String>> authVariants() {
    List<Map<String, String>> list = new ArrayList<>();
    list.add(Map.of());
    Map<String, String> credentials = new java.util.HashMap<>();
    if (bearer != null) {
      credentials.put("Authorization", "Bearer " + bearer);
    }
    if (apiToken != null) {
      credentials.put("x-api-token", apiToken);
    }
    if (!credentials.isEmpty()) {
      list.add(credentials);
    }
    return list;
  }

  private List<String> concretePaths(String template) {
    List<String> list = new ArrayList<>();
    if (!template.contains("{")) {
      list.add(template);
      return list;
    }
    for (String value : realIds) {
      list.add(template.replaceAll("\\{[^}]+}", value));
    }
    for (String value : PATH_VALUES) {
      list.add(template.replaceAll("\\{[^}]+}", value));
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

  private List<Variant> variants(JsonObject op) {
    List<Variant> list = new ArrayList<>();
    list.add(new Variant("plain", "", Map.of(), null, null));
    list.add(new Variant("bad orgid", "", Map.of("orgid", "../../etc"), null, null));
    for (Object o : op.getJsonArray("parameters", new JsonArray())) {
      if (!(o instanceof JsonObject) || !"query".equals(((JsonObject) o).getString("in"))) {
        continue;
      }
      String name = ((JsonObject) o).getString("name");
      for (String bad : new String[]{"", "abc", "-1", "99999999999999999999", "%00", "%", "x".repeat(5000)}) {
        list.add(new Variant("query " + name + "=" + abbreviate(bad), "?" + name + "=" + bad, Map.of(), null, null));
      }
    }
    JsonObject body = op.getJsonObject("requestBody");
    if (body == null) {
      return list;
    }
    JsonObject content = body.getJsonObject("content", new JsonObject());
    if (content.containsKey("application/json")) {
      for (String raw : new String[]{"{", "[]", "null", "123", "\"s\"", "{}", "{\"a\":", "[{}]"}) {
        list.add(new Variant("json " + raw, "", Map.of(), "application/json", Buffer.buffer(raw)));
      }
      list.add(new Variant("text body", "", Map.of(), "text/plain", Buffer.buffer("hello")));
      list.add(new Variant("deep", "", Map.of(), "application/json", Buffer.buffer("[".repeat(5000) + "]".repeat(5000))));
      JsonObject schema = content.getJsonObject("application/json").getJsonObject("schema", new JsonObject());
      JsonObject props = resolve(schema).getJsonObject("properties", new JsonObject());
      for (String prop : props.fieldNames()) {
        for (Object wrong : WRONG_VALUES) {
          list.add(new Variant("field " + prop + "=" + abbreviate(String.valueOf(wrong)), "", Map.of(),
            "application/json", new JsonObject().put(prop, wrong).toBuffer()));
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
    return list;
  }

  private JsonObject resolve(JsonObject schema) {
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
}
