package org.communityplatform.app;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated from {@code /openapi.json}, so a new operation is covered without editing this test:
 * every operation that takes a token (bearerAuth or apiToken, optional ones included), called
 * with a valid token of organisation A (an admin's, so no role check stands in the way) and
 * {@code orgid: B}, answers 403 {@code org_mismatch}, and no table of any schema gains, loses or
 * changes a row count of organisation B (nor in total).
 */
class CrossOrganisationTest {

  static final String ORG_A = "org-a";
  static final String ORG_B = "org-b";
  static final String API_TOKEN_A = "cross-org-operator-token-0123456789";

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.with(new JsonObject().put("auth", new JsonObject()
    .put("apiToken", API_TOKEN_A).put("apiTokenOrg", ORG_A)));

  /** A token-taking operation of the contract. */
  record Op(HttpMethod method, String path, String operationId, boolean bearer, boolean apiToken) {
  }

  static List<Op> tokenOperations(JsonObject doc) {
    List<Op> ops = new ArrayList<>();
    JsonArray global = doc.getJsonArray("security");
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (!(item.getValue(method) instanceof JsonObject) || method.equals("parameters")) {
          continue;
        }
        JsonObject op = item.getJsonObject(method);
        JsonArray security = op.getJsonArray("security", global);
        boolean bearer = false;
        boolean apiToken = false;
        for (Object alt : security == null ? new JsonArray() : security) {
          bearer |= ((JsonObject) alt).containsKey("bearerAuth");
          apiToken |= ((JsonObject) alt).containsKey("apiToken");
        }
        if (bearer || apiToken) {
          ops.add(new Op(HttpMethod.valueOf(method.toUpperCase()), path, op.getString("operationId"), bearer, apiToken));
        }
      }
    }
    return ops;
  }

  /** A path with every parameter filled in: values the router matches; the contract check comes later. */
  static String concrete(String template) {
    return template.replaceAll("\\{[^}]+}", "00000000-0000-4000-8000-000000000001");
  }

  /** Row counts of every table: in total, and of organisation B where the table has an org column. */
  static Map<String, Long> counts(TestPlatform t) {
    Map<String, Long> counts = new TreeMap<>();
    for (var row : t.sql("SELECT c.table_schema, c.table_name, bool_or(c.column_name = 'org') FROM information_schema.columns c "
      + "JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name "
      + "WHERE tb.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema') "
      + "GROUP BY 1, 2")) {
      String table = "\"" + row.getString(0) + "\".\"" + row.getString(1) + "\"";
      counts.put(table, t.sql("SELECT count(*) FROM " + table).get(0).getLong(0));
      if (row.getBoolean(2)) {
        counts.put(table + " org=" + ORG_B, t.sql("SELECT count(*) FROM " + table + " WHERE org = $1", ORG_B).get(0).getLong(0));
      }
    }
    return counts;
  }

  @Test
  void everyOperationTakingATokenRefusesAnotherOrganisationAndWritesNothingThere() {
    TestPlatform t = p.get();
    JsonObject doc = t.get("/openapi.json").send().json();
    List<Op> ops = tokenOperations(doc);
    String adminOfA = t.token("admin-of-a", new JsonObject().put("org", ORG_A).put("email", "admin@a.example")
      .put("name", "Admin of A").put("roles", new JsonArray().add("admin")));
    // control: the same credentials are good in their own organisation
    assertThat(t.get("/api/admin/api-tokens").bearer(adminOfA).send().status()).isEqualTo(200);

    Map<String, Long> before = counts(t);
    List<String> problems = new ArrayList<>();
    int calls = 0;
    for (Op op : ops) {
      List<TestPlatform.Req> variants = new ArrayList<>();
      if (op.bearer()) {
        variants.add(t.request(op.method(), concrete(op.path())).bearer(adminOfA));
        variants.add(t.request(op.method(), concrete(op.path())).header("Cookie", "__session=" + adminOfA));
      }
      if (op.apiToken()) {
        variants.add(t.request(op.method(), concrete(op.path())).header("x-api-token", API_TOKEN_A));
      }
      for (TestPlatform.Req req : variants) {
        Res r = req.org(ORG_B).json(new JsonObject()).send();
        calls++;
        if (r.status() != 403 || !"org_mismatch".equals(r.errorCode())) {
          problems.add(op.method() + " " + op.path() + " (" + op.operationId() + ") -> " + r);
        }
      }
    }
    Map<String, Long> after = counts(t);
    System.out.printf("[cross-org] %d operations take a token; %d calls with orgid %s and a token of %s; %d tables counted%n",
      ops.size(), calls, ORG_B, ORG_A, before.size());
    assertThat(ops.size()).as("operations found in the contract").isGreaterThan(40);
    assertThat(problems).isEmpty();
    assertThat(after).isEqualTo(before);
  }
}
