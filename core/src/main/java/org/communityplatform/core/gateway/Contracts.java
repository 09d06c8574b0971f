package org.communityplatform.core.gateway;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Merges the core contract and the enabled modules' fragments into one OpenAPI 3.1 document,
 * and remembers which module serves each operation.
 */
public final class Contracts {

  /** Where an operation goes and how it is guarded. */
  public static final class OperationInfo {
    public final String module;
    public final String operationId;
    /** Alternatives of scheme names; an empty alternative means anonymous is allowed. */
    public final JsonArray security;
    public final boolean secured;
    public final boolean optional;
    public final long bodyLimit;
    /**
     * Media types of a raw (non-JSON) request body, checked by the gateway itself because the
     * OpenAPI validator knows only JSON, form and text bodies; null for a validated body.
     */
    public java.util.List<String> rawMediaTypes;
    public boolean rawRequired;

    OperationInfo(String module, String operationId, JsonArray security, long bodyLimit) {
      this.module = module;
      this.operationId = operationId;
      this.security = security;
      this.secured = security != null && !security.isEmpty();
      boolean anyEmpty = security == null || security.isEmpty();
      if (security != null) {
        for (Object alt : security) {
          if (alt instanceof JsonObject && ((JsonObject) alt).isEmpty()) {
            anyEmpty = true;
          }
        }
      }
      this.optional = anyEmpty;
      this.bodyLimit = bodyLimit;
    }

    public boolean accepts(String scheme) {
      if (security == null) {
        return false;
      }
      for (Object alt : security) {
        if (alt instanceof JsonObject && ((JsonObject) alt).containsKey(scheme)) {
          return true;
        }
      }
      return false;
    }
  }

  private static final String[] METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};
  /** Request media types the OpenAPI validator can check. */
  private static final java.util.Set<String> VALIDATED_TYPES = java.util.Set.of("application/json",
    "application/json; charset=utf-8", "multipart/form-data", "application/hal+json", "text/plain",
    "text/plain; charset=utf-8");

  private final JsonObject document;
  private final Map<String, OperationInfo> operations = new LinkedHashMap<>();
  private final long defaultBodyLimit;

  public Contracts(JsonObject base, long defaultBodyLimit) {
    this.document = base.copy();
    this.defaultBodyLimit = defaultBodyLimit;
    index("platform", base);
  }

  public static JsonObject readYaml(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("contract not found on the classpath: " + resource);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (resource.endsWith(".json")) {
        return new JsonObject(text);
      }
      Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
      // round trip through JSON so that nested maps and lists become JsonObject/JsonArray
      return new JsonObject(Json.encode(loaded));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read contract " + resource, e);
    }
  }

  /** Adds a module's fragment: its paths and components. A path+method served twice is an error. */
  public void add(String module, JsonObject fragment) {
    JsonObject paths = document.getJsonObject("paths");
    JsonObject fragPaths = fragment.getJsonObject("paths", new JsonObject());
    for (String path : fragPaths.fieldNames()) {
      JsonObject item = fragPaths.getJsonObject(path);
      JsonObject existing = paths.getJsonObject(path);
      if (existing == null) {
        paths.put(path, item.copy());
      } else {
        for (String m : item.fieldNames()) {
          if (existing.containsKey(m)) {
            throw new IllegalStateException("module " + module + " serves " + m.toUpperCase() + " " + path
              + ", which is already served");
          }
          existing.put(m, item.getValue(m));
        }
      }
    }
    JsonObject comps = document.getJsonObject("components");
    JsonObject fragComps = fragment.getJsonObject("components", new JsonObject());
    for (String kind : fragComps.fieldNames()) {
      JsonObject target = comps.getJsonObject(kind);
      if (target == null) {
        target = new JsonObject();
        comps.put(kind, target);
      }
      JsonObject src = fragComps.getJsonObject(kind);
      for (String name : src.fieldNames()) {
        Object prior = target.getValue(name);
        if (prior != null && !prior.equals(src.getValue(name))) {
          throw new IllegalStateException("module " + module + " redefines components." + kind + "." + name);
        }
        target.put(name, src.getValue(name));
      }
    }
    JsonArray tags = fragment.getJsonArray("tags");
    if (tags != null) {
      JsonArray docTags = document.getJsonArray("tags");
      if (docTags == null) {
        docTags = new JsonArray();
        document.put("tags", docTags);
      }
      for (Object t : tags) {
        if (!docTags.contains(t)) {
          docTags.add(t);
        }
      }
    }
    index(module, fragment);
  }

  private void index(String module, JsonObject fragment) {
    JsonObject paths = fragment.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String m : METHODS) {
        JsonObject op = item.getJsonObject(m);
        if (op == null) {
          continue;
        }
        String id = op.getString("operationId");
        if (id == null) {
          throw new IllegalStateException("module " + module + ": " + m + " " + path + " has no operationId");
        }
        if (operations.containsKey(id)) {
          throw new IllegalStateException("operationId " + id + " is used twice");
        }
        Object limit = op.getValue("x-body-limit");
        OperationInfo info = new OperationInfo(module, id, op.getJsonArray("security"),
          limit instanceof Number ? ((Number) limit).longValue() : defaultBodyLimit);
        JsonObject body = op.getJsonObject("requestBody");
        JsonObject content = body == null ? null : body.getJsonObject("content");
        if (content != null && !content.isEmpty()
          && content.fieldNames().stream().noneMatch(t -> VALIDATED_TYPES.contains(t.toLowerCase(java.util.Locale.ROOT)))) {
          info.rawMediaTypes = new java.util.ArrayList<>(content.fieldNames());
          info.rawRequired = body.getBoolean("required", false);
        }
        operations.put(id, info);
      }
    }
  }

  /** The merged contract as served at {@code /openapi.json}. */
  public JsonObject document() {
    declareRequestIdHeader();
    return document;
  }

  /**
   * Every answer carries {@code x-request-id} (the gateway sets it): declared on each inline
   * response of every fragment here, so that no fragment has to repeat it. Shared responses
   * ({@code $ref}) declare it in their component.
   */
  private void declareRequestIdHeader() {
    JsonObject headers = document.getJsonObject("components").getJsonObject("headers");
    if (headers == null || !headers.containsKey("RequestId")) {
      return;
    }
    JsonObject paths = document.getJsonObject("paths");
    for (String p : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(p);
      for (String m : item.fieldNames()) {
        if (!(item.getValue(m) instanceof JsonObject) || !item.getJsonObject(m).containsKey("responses")) {
          continue;
        }
        JsonObject responses = item.getJsonObject(m).getJsonObject("responses");
        for (String code : responses.fieldNames()) {
          JsonObject r = responses.getJsonObject(code);
          if (r == null || r.containsKey("$ref")) {
            continue;
          }
          JsonObject h = r.getJsonObject("headers");
          if (h == null) {
            h = new JsonObject();
            r.put("headers", h);
          }
          if (!h.containsKey("x-request-id")) {
            h.put("x-request-id", new JsonObject().put("$ref", "#/components/headers/RequestId"));
          }
        }
      }
    }
  }

  /**
   * The contract handed to the router builder and validator: raw request bodies (images, octet
   * streams) and security requirements are taken out, as the gateway handles both itself (media
   * type, presence and size; authentication before validation, in the one error shape).
   */
  public JsonObject validationDocument() {
    JsonObject copy = document.copy();
    // servers (a relative "/") are for clients; the router serves the paths as they are written
    copy.remove("servers");
    copy.remove("security");
    JsonObject paths = copy.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String m : METHODS) {
        JsonObject op = item.getJsonObject(m);
        if (op != null) {
          op.remove("security");
          // the gateway validates requests only; a text/event-stream answer (a stream served through
          // GatewayOperations) would make the validating library refuse the whole document
          JsonObject responses = op.getJsonObject("responses");
          if (responses != null) {
            for (String code : responses.fieldNames()) {
              Object r = responses.getValue(code);
              JsonObject content = r instanceof JsonObject ? ((JsonObject) r).getJsonObject("content") : null;
              if (content != null && content.containsKey("text/event-stream")) {
                content.put("text/plain", content.remove("text/event-stream"));
              }
            }
          }
        }
        if (op != null && op.getJsonObject("requestBody") != null) {
          OperationInfo info = operations.get(op.getString("operationId"));
          if (info != null && info.rawMediaTypes != null) {
            op.remove("requestBody");
          }
        }
      }
    }
    return copy;
  }

  public OperationInfo operation(String operationId) {
    return operations.get(operationId);
  }

  public Map<String, OperationInfo> operations() {
    return operations;
  }
}
