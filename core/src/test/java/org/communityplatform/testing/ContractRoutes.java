package org.communityplatform.testing;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Routes of the served contract ({@code GET /openapi.json}) that a test table does not cover, so that a
 * route added to the contract without its row (a permission-matrix cell, a fuzz case) fails the test.
 * Routes are compared as {@code "METHOD /path"} with every path parameter written {@code {}}.
 */
public final class ContractRoutes {

  private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");

  private ContractRoutes() {
  }

  /**
   * The operations of {@code openapi}'s paths accepted by {@code paths} whose {@code "METHOD /path"} is
   * not among {@code covered} (each may carry a suffix after {@code " ("}, ignored), sorted.
   */
  public static List<String> uncovered(JsonObject openapi, Predicate<String> paths, Collection<String> covered) {
    Set<String> have = new TreeSet<>();
    covered.forEach(r -> have.add(normal(r.split(" \\(")[0])));
    List<String> missing = new ArrayList<>();
    JsonObject all = openapi.getJsonObject("paths");
    for (String path : new TreeSet<>(all.fieldNames())) {
      if (!paths.test(path)) {
        continue;
      }
      for (String method : all.getJsonObject(path).fieldNames()) {
        String route = method.toUpperCase() + " " + path;
        if (METHODS.contains(method) && !have.contains(normal(route))) {
          missing.add(route);
        }
      }
    }
    return missing;
  }

  /** {@code "METHOD /path"} with every path parameter written {@code {}}. */
  public static String normal(String route) {
    return route.replaceAll("\\{[^}]*}", "{}");
  }
}
